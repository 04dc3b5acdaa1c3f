#!/usr/bin/env bash
# The WeChat mini-program's tests (miniprogram/): miniprogram-simulate with
# jsdom renders its pages, a wx whose network calls go over real HTTP talks
# to a real httpd with the built module, one per flow group, each on a fresh
# SQLite database with the demo data under tests/out/miniprogram/
# (tests/browser/lib/server.mjs). Needs the module built and nodejs, npm
# (scripts/test installs them). Exits non-zero when a test fails.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/lib.sh"
# server.mjs puts each httpd under CICPA_BROWSER_OUT/<name>/.
export CICPA_BROWSER_OUT=${CICPA_MINIPROGRAM_OUT:-$CC_ROOT/tests/out/miniprogram}

if [ ! -f "$CC_ROOT/.libs/mod_cicpa_cert.so" ] || [ ! -x "$CC_ROOT/cicpa-admin" ]; then
    cc_log "the module is not built: run make (or scripts/test) first"
    exit 1
fi
cd "$here" || exit 1
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    cc_log "npm ci (tests/miniprogram)"
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

node --test miniprogram.test.mjs
