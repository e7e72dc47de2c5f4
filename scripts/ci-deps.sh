#!/usr/bin/env bash
# Installs the system packages the test suite needs, if they are missing.
# PostgreSQL server binaries come with the machine image; we only check them.
set -euo pipefail
need=()
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
	need+=(postgresql)
fi
# The dashboard's browser test drives Debian's Chromium with playwright-core
# (which never downloads a browser of its own).
if [ ! -x /usr/bin/chromium ] && ! command -v chromium >/dev/null 2>&1; then
	need+=(chromium)
fi
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
	else
		echo "missing packages: ${need[*]} (install them, or run as root)" >&2
		exit 1
	fi
fi
id postgres >/dev/null 2>&1 || { echo "no 'postgres' account: the PostgreSQL test helper runs the server as it when root" >&2; exit 1; }
(cd "$(dirname "$0")/../services/dashboardtest" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$(dirname "$0")/../services/openaitest" && npm ci --no-audit --no-fund --loglevel=error)
