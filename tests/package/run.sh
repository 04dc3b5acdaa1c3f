#!/usr/bin/env bash
# The Debian package on this machine's own apache2, by the README's install
# section: builds the .deb from the `make dist` tarball, installs it, sets up
# a fresh database on the tests' PostgreSQL, keys and one HTTPS site on a
# loopback port exactly as the README's blocks say (with this test's values
# in the first), downloads a certificate that pdfsig calls valid, checks that
# another site of the server mounts nothing, then removes and purges the
# package as the README says and checks that apache2 still starts. lintian
# must report no error, and `make distcheck` must pass
# (CICPA_PACKAGE_DISTCHECK=0 leaves that out).
#
# Needs root (it installs a package and changes /etc/apache2): /etc/apache2 is
# copied first and put back afterwards, ports.conf changed only meanwhile, and
# the system apache2 is never left running. It refuses to run while the
# system apache2 runs. CICPA_PACKAGE_PORT picks the port (8643).
set -euo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

port=${CICPA_PACKAGE_PORT:-8643}
work="${CICPA_TEST_OUT:-$CC_ROOT/tests/out}/package"
backup="$work/etc-apache2"
pg_started=0

[ "$(id -u)" -eq 0 ] || { cc_log "tests/package needs root"; exit 1; }
pidfile=/var/run/apache2/apache2.pid
if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    cc_log "the system apache2 is running: not touching it"
    exit 1
fi

cleanup() {
    set +e
    apache2ctl stop >/dev/null 2>&1
    for _ in $(seq 50); do [ -s "$pidfile" ] || break; sleep 0.2; done
    if dpkg-query -W -f='${Status}' libapache2-mod-cicpa-cert 2>/dev/null | grep -q installed; then
        apt-get -o DPkg::Lock::Timeout=900 purge -y -q libapache2-mod-cicpa-cert >/dev/null
    fi
    if [ -d "$backup" ]; then
        rm -rf /etc/apache2 && cp -a "$backup" /etc/apache2
    fi
    [ "$pg_started" = 1 ] && cc_pg_stop
}

rm -rf "$work"
mkdir -p "$work"
cp -a /etc/apache2 "$backup"
trap cleanup EXIT

cc_log "package: make dist, make distcheck"
cd "$CC_ROOT"
make -s dist >/dev/null
tarball=$(ls -t mod_cicpa_cert-*.tar.gz | head -1)
tar -xzf "$tarball" -C "$work"
mv "$tarball" "$work/"
if [ "${CICPA_PACKAGE_DISTCHECK:-1}" = 1 ]; then
    make -s distcheck DISTCHECK_CONFIGURE_FLAGS=-q > "$work/distcheck.log" 2>&1 \
        || { tail -40 "$work/distcheck.log"; cc_log "make distcheck failed"; exit 1; }
fi
rm -f mod_cicpa_cert-*.tar.gz
src=$(ls -d "$work"/mod_cicpa_cert-*/)

# This test's TLS certificate for 127.0.0.1, and a fresh database.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$work/tls.key" -out "$work/tls.pem" 2>/dev/null
if ! cc_pg_run "$CC_PG_BIN/pg_ctl -D '$CC_PG_DIR/data' status" >/dev/null 2>&1; then
    cc_pg_start
    pg_started=1
fi
export PGHOST=127.0.0.1 PGPORT=$CC_PG_PORT
PGOPTIONS="-c client_min_messages=warning" "$CC_PG_BIN/psql" -q -U postgres -d postgres -c "DROP DATABASE IF EXISTS cicpa WITH (FORCE)" \
    -c "DROP ROLE IF EXISTS cicpa" >/dev/null

# The system apache2 listens on the loopback port only, while this runs.
echo "Listen 127.0.0.1:$port" > /etc/apache2/ports.conf

# The README's blocks marked <!-- install-step --> / <!-- uninstall-step -->.
readme_blocks() {
    awk -v mark="<!-- $1 -->" '$0 == mark { want = 1; next }
        want && /^```sh$/ { inside = 1; next }
        inside && /^```$/ { inside = 0; want = 0; next }
        inside { print }' "$src/README.md"
}
# Root runs the README's sudo lines as they are; apt waits for another
# apt's lock.
prelude='sudo() { if [ "$1" = -u ]; then local u=$2; shift 2; runuser -u "$u" -- "$@"; else "$@"; fi; }
apt-get() { command apt-get -o DPkg::Lock::Timeout=900 "$@"; }'
{
    echo "$prelude"
    readme_blocks install-step | sed -e "s#^SITE=.*#SITE=127.0.0.1#" -e "s#^PORT=.*#PORT=$port#" \
        -e "s#^URL=.*#URL=https://127.0.0.1:$port#" -e "s#^TLS_CERT=.*#TLS_CERT=$work/tls.pem#" \
        -e "s#^TLS_KEY=.*#TLS_KEY=$work/tls.key#" -e "s#^DB_PORT=.*#DB_PORT=$CC_PG_PORT#"
    # Not the README's: the demo members, and the captcha's answer in a header.
    echo 'cicpa-admin -d pgsql -p "$DBD_PARAMS" load-demo /usr/share/libapache2-mod-cicpa-cert/sql/demo'
} > "$work/install.sh"
grep -q "a2ensite cicpa-cert" "$work/install.sh" || { cc_log "no install steps found in README.md"; exit 1; }

cc_log "package: the README's install steps (log: $work/install.log)"
(cd "$src" && DEB_BUILD_OPTIONS=parallel=2 bash -euo pipefail "$work/install.sh") > "$work/install.log" 2>&1 \
    || { tail -40 "$work/install.log"; tail -20 /var/log/apache2/error.log; exit 1; }

cc_log "package: lintian"
lintian --fail-on error "$work"/libapache2-mod-cicpa-cert_*.changes > "$work/lintian.log" 2>&1 \
    || { cat "$work/lintian.log"; cc_log "lintian reports errors"; exit 1; }
sed 's/^/    /' "$work/lintian.log" >&2

# Test-only: the captcha's answer in a header, and a second site that must
# not get the module.
sed -i "s#^</VirtualHost>#    CicpaCertCaptchaTestHeader On\n</VirtualHost>#" /etc/apache2/sites-available/cicpa-cert.conf
cat > /etc/apache2/sites-available/other.conf <<CONF
<VirtualHost *:$port>
    ServerName other.test
    SSLEngine on
    SSLCertificateFile $work/tls.pem
    SSLCertificateKeyFile $work/tls.key
</VirtualHost>
CONF
a2ensite -q other
apache2ctl configtest 2>&1 | tail -3
apache2ctl graceful
ready=0
for _ in $(seq 100); do
    if curl -fs --cacert "$work/tls.pem" "https://127.0.0.1:$port/cert/api/contacts" >/dev/null; then ready=1; break; fi
    sleep 0.2
done
[ "$ready" = 1 ] || { tail -20 /var/log/apache2/error.log; cc_log "the site did not answer"; exit 1; }

cc_log "package: a certificate through the installed site"
/usr/bin/python3 "$CC_ROOT/tests/package/client.py" "https://127.0.0.1:$port" "$work/certificate.pdf" other.test "$work/tls.pem"
pdfsig "$work/certificate.pdf" > "$work/pdfsig.txt" 2>&1 || true
grep -q "Signature Validation: Signature is Valid" "$work/pdfsig.txt" \
    || { cat "$work/pdfsig.txt"; cc_log "pdfsig does not call the signature valid"; exit 1; }

cc_log "package: the README's removal steps, then apache2 without the package"
a2dissite -q other
{ echo "$prelude"; readme_blocks uninstall-step; } > "$work/uninstall.sh"
bash -euo pipefail "$work/uninstall.sh" > "$work/uninstall.log" 2>&1 \
    || { cat "$work/uninstall.log"; exit 1; }
if dpkg-query -W -f='${Status}' libapache2-mod-cicpa-cert 2>/dev/null | grep -q installed; then
    cc_log "the package is still installed"; exit 1
fi
[ ! -e /etc/apache2/mods-enabled/cicpa_cert.load ] && [ ! -e /etc/apache2/cicpa/cicpa_cert.conf ] \
    || { cc_log "the purge left the module enabled or its conf"; exit 1; }
apache2ctl stop
for _ in $(seq 50); do [ -s "$pidfile" ] || break; sleep 0.2; done
apache2ctl configtest
apache2ctl start
up=0
for _ in $(seq 50); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then up=1; break; fi
    sleep 0.2
done
apache2ctl stop
[ "$up" = 1 ] || { tail -20 /var/log/apache2/error.log; cc_log "apache2 did not start after the purge"; exit 1; }
cc_log "package: passed"
