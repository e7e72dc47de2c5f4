// Package dashboardtest holds the browser test of the dashboard: it starts
// the whole pipeline in-process, then a Node.js script (dashboard.cjs) drives
// Debian's Chromium through playwright-core against it; a second one
// (dashboard-auth.cjs) checks the sign-in against a gateway with a token. It has no code of
// its own beyond the test; package.json and package-lock.json pin
// playwright-core, and scripts/ci-deps.sh installs Chromium and runs npm ci
// here.
package dashboardtest
