#!/usr/bin/env bash
# The WeChat mini-program's tests (miniprogram/): miniprogram-simulate with
# jsdom renders its pages, a wx whose network calls go over real HTTP talks
# to a real httpd with the built module, one per flow group, each on a fresh
# SQLite database with the demo data under tests/out/miniprogram/
# (tests/browser/lib/server.mjs). Needs the module built and nodejs, npm
# (scripts/test installs them). Exits non-zero when a test fails.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../node-suite.sh"
cd "$here" || exit 1
run_node_suite "${CICPA_MINIPROGRAM_OUT:-$CC_ROOT/tests/out/miniprogram}" miniprogram.test.mjs
