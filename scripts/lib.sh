# Shared by scripts/demo, scripts/test and scripts/bench: packages, build,
# database set-up and the standalone httpd configuration.
# shellcheck shell=bash

CC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages: building, running, and testing.
CC_BUILD_PACKAGES="build-essential autoconf automake libtool pkg-config apache2 apache2-dev
  libaprutil1-dbd-sqlite3 libaprutil1-dbd-pgsql libhpdf-dev libjpeg-dev libharfbuzz-dev
  libssl-dev libcurl4-openssl-dev libjansson-dev libcmocka-dev libqrencode-dev fonts-lxgw-wenkai sqlite3"
CC_TEST_PACKAGES="python3-pytest python3-requests python3-psycopg2 postgresql-15 qpdf
  poppler-utils imagemagick clang wrk python3-aiosmtpd zbar-tools
  dpkg-dev debhelper lintian curl"

# The browser tests (tests/browser): Node.js and npm, Debian's Chromium, and
# a CJK sans-serif font for it.
CC_BROWSER_PACKAGES="nodejs npm chromium fonts-wqy-microhei"

cc_log() { printf '==> %s\n' "$*" >&2; }

# Installs whatever of the named packages is missing (apt-get; root or sudo).
cc_install_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    cc_log "installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# CC_BROWSER_PACKAGES without npm when an npm is already there: NodeSource's
# nodejs package bundles it and conflicts with Debian's npm package.
cc_browser_packages() {
    if command -v npm >/dev/null; then
        echo "${CC_BROWSER_PACKAGES/ npm / }"
    else
        echo "$CC_BROWSER_PACKAGES"
    fi
}

# autoreconf/configure only when needed, then make.
cc_build() {
    cd "$CC_ROOT" || return 1
    if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
        cc_log "autoreconf"
        autoreconf -fi >/dev/null
    fi
    if [ ! -f Makefile ] || [ configure -nt Makefile ]; then
        cc_log "configure"
        ./configure -q
    fi
    cc_log "make"
    make -j"$(nproc)" -s
}

# The account httpd's children run as: www-data when started as root.
cc_httpd_user() {
    if [ "$(id -u)" -eq 0 ]; then echo www-data; else id -un; fi
}

# cc_admin DRIVER PARAMS ARGS...: the built cicpa-admin.
cc_admin() {
    "$CC_ROOT/cicpa-admin" -d "$1" -p "$2" "${@:3}"
}

# cc_new_sqlite_db FILE: a fresh SQLite database with the schema and demo data,
# in a folder that httpd's user may write (SQLite writes its WAL beside it).
cc_new_sqlite_db() {
    local db=$1 dir
    dir=$(dirname "$db")
    mkdir -p "$dir"
    rm -f "$db" "$db-wal" "$db-shm"
    cc_admin sqlite3 "$db" migrate "$CC_ROOT/sql/migrations" >/dev/null
    cc_admin sqlite3 "$db" load-demo "$CC_ROOT/sql/demo" >/dev/null
    if [ "$(id -u)" -eq 0 ]; then chown -R "$(cc_httpd_user)" "$dir"; fi
}

# The demo's and the tests' keys (scripts/make-demo-keys): a test CA with
# the PDF signing certificate, and the QR code's Ed25519 keys. Made once;
# parallel callers each make a folder of their own and the first rename wins.
CC_KEYS_DIR="$CC_ROOT/run/keys"
cc_demo_keys() {
    [ -f "$CC_KEYS_DIR/qr-ed25519-old.pub.pem" ] && return 0
    local tmp
    mkdir -p "$CC_ROOT/run"
    tmp=$(mktemp -d "$CC_ROOT/run/keys.XXXXXX")
    "$CC_ROOT/scripts/make-demo-keys" "$tmp" >/dev/null
    mv -T "$tmp" "$CC_KEYS_DIR" 2>/dev/null || rm -rf "$tmp"
}

# cc_render_conf SERVER_ROOT PORT DRIVER PARAMS [EXTRA_FILE]: writes
# SERVER_ROOT/httpd.conf from conf/standalone.conf.in (with the demo keys).
cc_render_conf() {
    local root=$1 port=$2 driver=$3 params=$4 extra=${5:-} user extra_text=""
    user=$(cc_httpd_user)
    mkdir -p "$root"
    cc_demo_keys
    [ -n "$extra" ] && extra_text="Include \"$extra\""
    sed -e "s#@SERVER_ROOT@#$root#g" -e "s#@PORT@#$port#g" \
        -e "s#@USER@#$user#g" -e "s#@GROUP@#$(id -gn "$user")#g" \
        -e "s#@MODULES@#$(apxs -q LIBEXECDIR)#g" \
        -e "s#@MODULE@#$CC_ROOT/.libs/mod_cicpa_cert.so#g" \
        -e "s#@HTDOCS@#$CC_ROOT/htdocs#g" -e "s#@SOURCE_ROOT@#$CC_ROOT#g" \
        -e "s#@KEYS@#$CC_KEYS_DIR#g" \
        -e "s#@DBD_DRIVER@#$driver#g" -e "s#@DBD_PARAMS@#$params#g" \
        -e "s#@LOG_LEVEL@#${CICPA_LOG_LEVEL:-info}#g" -e "s#@EXTRA@#$extra_text#g" \
        "$CC_ROOT/conf/standalone.conf.in" > "$root/httpd.conf"
    # SQLite: WAL commits without an fsync each (still safe against
    # corruption). No busy_timeout: apr-util's sqlite3 driver holds one
    # process-wide mutex around every step and retries a busy database
    # itself, releasing the mutex while it sleeps; a busy_timeout waits inside
    # SQLite with the mutex held, so the lock's holder in the same child
    # cannot commit and every writer stalls for the whole timeout.
    if [ "$driver" = sqlite3 ]; then
        printf 'DBDInitSQL "PRAGMA synchronous = NORMAL"\n' >> "$root/httpd.conf"
    fi
    if [ "$(id -u)" -eq 0 ]; then chown "$user" "$root"; fi
}

# PostgreSQL for the tests: a private cluster on loopback, run as 'postgres'
# when we are root (initdb refuses root).
CC_PG_BIN=/usr/lib/postgresql/15/bin
CC_PG_PORT=${CICPA_PG_PORT:-54329}
CC_PG_DIR="$CC_ROOT/run/pg"

cc_pg_run() {
    if [ "$(id -u)" -eq 0 ]; then
        su postgres -s /bin/sh -c "$*"
    else
        sh -c "$*"
    fi
}

cc_pg_start() {
    mkdir -p "$CC_PG_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres "$CC_PG_DIR"
    if [ ! -f "$CC_PG_DIR/data/PG_VERSION" ]; then
        cc_log "initdb (PostgreSQL 15, port $CC_PG_PORT)"
        cc_pg_run "$CC_PG_BIN/initdb -D '$CC_PG_DIR/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
    fi
    cc_pg_run "$CC_PG_BIN/pg_ctl -D '$CC_PG_DIR/data' -l '$CC_PG_DIR/server.log' -w -o \"-h 127.0.0.1 -p $CC_PG_PORT -k '$CC_PG_DIR'\" start" >/dev/null
}

cc_pg_stop() {
    [ -f "$CC_PG_DIR/data/postmaster.pid" ] || return 0
    cc_pg_run "$CC_PG_BIN/pg_ctl -D '$CC_PG_DIR/data' -m fast -w stop" >/dev/null
}

# cc_pg_params DBNAME: mod_dbd/apr-util parameters for that database.
cc_pg_params() {
    echo "host=127.0.0.1 port=$CC_PG_PORT dbname=$1 user=postgres"
}

# cc_new_pg_db DBNAME: (re)creates the database with the schema and demo data.
cc_new_pg_db() {
    local name=$1
    "$CC_PG_BIN/psql" -q -h 127.0.0.1 -p "$CC_PG_PORT" -U postgres -d postgres \
        -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name" >/dev/null
    cc_admin pgsql "$(cc_pg_params "$name")" migrate "$CC_ROOT/sql/migrations" >/dev/null
    cc_admin pgsql "$(cc_pg_params "$name")" load-demo "$CC_ROOT/sql/demo" >/dev/null
}
