#!/usr/bin/env bash
# Installs the Debian 12 packages Gatehouse needs when any is missing (run as root).
#   scripts/install-deps.sh [--tests] [extra packages...]
# --tests adds what only `make test` needs: headless Chromium and chromedriver for the
# real-browser test (Tests/GatehouseIntegrationTests/EndToEnd/BrowserTests.swift), and
# spawn-fcgi, fcgiwrap and Apache for DeployTests, so `make run` and servers never pull
# in a browser or a second web server.
set -euo pipefail
test_packages=()
if [ "${1:-}" = "--tests" ]; then
    shift
    test_packages=(chromium chromium-driver)
    # The other deployments' end-to-end tests (DeployTests): LISTEN=stdin, CGI, Apache.
    test_packages+=(spawn-fcgi fcgiwrap apache2)
    # oathtool: an independent TOTP implementation the second-factor tests compare with.
    test_packages+=(oathtool)
    # A real SMTP server for the mail tests (scripts/smtp-sink.py).
    test_packages+=(python3-aiosmtpd)
fi
wanted=(
    libfcgi-dev libfcgi-bin   # libfcgi (fcgiapp.h, libfcgi.so) and cgi-fcgi
    libpq-dev libssl-dev      # libpq and libcrypto headers
    libzxcvbn-dev             # zxcvbn-c: password strength (runtime package: libzxcvbn0)
    libfido2-dev              # libfido2: passkey (WebAuthn) signature checks
    libqrencode-dev           # libqrencode: the TOTP enrolment QR code (runtime: libqrencode4)
    libcurl4-openssl-dev      # libcurl: hands mail to SMTP_URL (runtime: libcurl4)
    postgresql-15             # initdb, pg_ctl, psql for the private clusters
    nginx-light               # the web server in front (auth_request included)
    sass-stylesheets-bulma    # /usr/share/bulma/css/bulma.min.css
    pkg-config
    "${test_packages[@]}"
    "$@"
)
missing=()
for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: run as root, or install these packages first: ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts nginx, Apache and PostgreSQL on install; Gatehouse runs its own, so stop those.
if command -v service >/dev/null; then
    service nginx stop >/dev/null 2>&1 || true
    service apache2 stop >/dev/null 2>&1 || true
fi
