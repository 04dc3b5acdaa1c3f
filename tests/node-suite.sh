# shellcheck shell=bash
# Shared by the node:test suites that start their own httpds (tests/browser,
# tests/miniprogram): source it from the suite's run.sh, then
# run_node_suite OUT TEST_FILE...: checks the module is built, runs npm ci
# when the lock file changed, stops httpds a killed run left under OUT (by
# their pid files) before and after, and runs node --test. server.mjs puts
# each httpd under CICPA_BROWSER_OUT/<name>/, so OUT is exported as that.
# Exits with node's status (non-zero when a test fails).
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

stop_leftover_httpds() {
    local pidfile
    for pidfile in "$CICPA_BROWSER_OUT"/*/httpd.pid; do
        [ -f "$pidfile" ] || continue
        apache2 -f "$(dirname "$pidfile")/httpd.conf" -k stop 2>/dev/null
    done
}

run_node_suite() {
    export CICPA_BROWSER_OUT=$1
    shift
    if [ ! -f "$CC_ROOT/.libs/mod_cicpa_cert.so" ] || [ ! -x "$CC_ROOT/cicpa-admin" ]; then
        cc_log "the module is not built: run make (or scripts/test) first"
        return 1
    fi
    if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        cc_log "npm ci ($(basename "$PWD"))"
        npm ci --no-audit --no-fund --loglevel=error || return 1
    fi
    stop_leftover_httpds
    trap stop_leftover_httpds EXIT
    node --test "$@"
}
