#!/usr/bin/env bash
# The browser tests of the member portal (htdocs/cert/): Debian's Chromium,
# driven by playwright-core, against a real httpd with the built module.
# Each test file (desktop, mobile) starts its own httpd on a fresh SQLite
# database with the demo data under tests/out/browser/<device>/ and stops it
# (lib/server.mjs); screenshots go to tests/out/browser/screenshots/.
# Needs the module built (make) and nodejs, npm and chromium (scripts/test
# installs them). Exits non-zero when a test fails.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../node-suite.sh"
cd "$here" || exit 1
run_node_suite "${CICPA_BROWSER_OUT:-$CC_ROOT/tests/out/browser}" desktop.test.mjs mobile.test.mjs staff.test.mjs portal.test.mjs
