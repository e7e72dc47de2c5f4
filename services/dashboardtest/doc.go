// Package dashboardtest holds the browser tests of the dashboard. The main
// one builds the logsift binary and runs it as a user does: `logsift dev`
// (with the embedded default model and its own PostgreSQL) plus a separate
// `logsift gateway` on dev's broker that the browser uses, so the test can
// restart that gateway process; a Node.js script (dashboard.cjs) drives
// Debian's Chromium through playwright-core against them, taking the
// model's labels from dev's SSE stream rather than predicting them, and the
// Go test checks those labels against PostgreSQL. A second script
// (dashboard-auth.cjs) checks the sign-in against an in-process gateway
// with a token. It has no code of its own beyond the tests; package.json
// and package-lock.json pin playwright-core, and scripts/ci-deps.sh installs
// Chromium and runs npm ci here.
package dashboardtest
