#!/usr/bin/env bash
# `make screenshots`: run the Chromium browser tests (which save every page they visit under
# .build/screenshots/) against a throwaway PostgreSQL cluster, then copy the pages the README
# shows into docs/screenshots/ under stable names.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# README name ← browser test's shot (.build/screenshots/<shot>.png).
chosen=(
    "sign-in:login"
    "account:account-factors-mobile"
    "admin:admin"
)

cluster=$(mktemp -d /tmp/gatehouse-shots-pg.XXXXXX)
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
    scripts/pg.sh stop "$cluster" || true
    rm -rf "$cluster"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

swift build --build-tests -Xswiftc -warnings-as-errors -q
PG_OPTS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off" scripts/pg.sh start "$cluster" "$pg_port"
export GATEHOUSE_TEST_PGHOST="$cluster" GATEHOUSE_TEST_PGPORT="$pg_port" GATEHOUSE_TEST_PGUSER=gatehouse
export GATEHOUSE_BIN="$root/$(swift build --show-bin-path | sed "s|^$root/||")/gatehouse"

rm -rf .build/screenshots
swift test --skip-build --filter 'GatehouseIntegrationTests.BrowserTests' --filter 'SecondFactorBrowserTests' 2>&1 | grep -Ev '^(Test Case|Test Suite).*(started|passed)'
[[ ${PIPESTATUS[0]} -eq 0 ]] || { echo "screenshots: the browser tests failed; docs/screenshots/ left as it was" >&2; exit 1; }

mkdir -p docs/screenshots
for pair in "${chosen[@]}"; do
    name=${pair%%:*} shot=.build/screenshots/${pair#*:}.png
    [[ -f "$shot" ]] || { echo "screenshots: $shot was not written by the browser tests" >&2; exit 1; }
    cp "$shot" "docs/screenshots/$name.png"
    echo "docs/screenshots/$name.png ← $shot ($(du -k "docs/screenshots/$name.png" | cut -f1) KB)"
done
