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
. "$here/../../scripts/lib.sh"
export CICPA_BROWSER_OUT=${CICPA_BROWSER_OUT:-$CC_ROOT/tests/out/browser}

if [ ! -f "$CC_ROOT/.libs/mod_cicpa_cert.so" ] || [ ! -x "$CC_ROOT/cicpa-admin" ]; then
    cc_log "the module is not built: run make (or scripts/test) first"
    exit 1
fi
cd "$here" || exit 1
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    cc_log "npm ci (tests/browser)"
    npm ci --no-audit --no-fund --loglevel=error || exit 1
fi

# A run that was killed may leave its httpds behind: stop them by their pid files.
stop_leftovers() {
    local pidfile
    for pidfile in "$CICPA_BROWSER_OUT"/*/httpd.pid; do
        [ -f "$pidfile" ] || continue
        apache2 -f "$(dirname "$pidfile")/httpd.conf" -k stop 2>/dev/null
    done
}
stop_leftovers
trap stop_leftovers EXIT

node --test desktop.test.mjs mobile.test.mjs staff.test.mjs
