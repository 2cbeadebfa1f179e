#!/usr/bin/env bash
# `make test`: build, start a throwaway PostgreSQL cluster, run every test, remove the cluster.
# The end-to-end tests start their own responders and nginx (scripts/nginx.sh) per suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# bench/report.py against recorded wrk results and the former awk report (standard library only).
python3 -m unittest -q bench/test_report.py
# faults/tool.py's record filters, which the faults scenarios judge with.
python3 -m unittest -q faults/test_tool.py

cluster=$(mktemp -d /tmp/gatehouse-test-pg.XXXXXX)
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
    scripts/pg.sh stop "$cluster" || true
    rm -rf "$cluster"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

swift build --build-tests -Xswiftc -warnings-as-errors 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
# grep swallows swift's exit status: build again (a no-op when the first one succeeded) to fail loudly.
swift build --build-tests -Xswiftc -warnings-as-errors -q

PG_OPTS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off" scripts/pg.sh start "$cluster" "$pg_port"

export GATEHOUSE_TEST_PGHOST="$cluster" GATEHOUSE_TEST_PGPORT="$pg_port" GATEHOUSE_TEST_PGUSER=gatehouse
export GATEHOUSE_BIN="$root/$(swift build --show-bin-path | sed "s|^$root/||")/gatehouse"
# Not under set -e: a failed test must still let the package test below run and report.
set +e
swift test --skip-build -Xswiftc -warnings-as-errors 2>&1 | tee "$cluster/test.log" | grep -Ev '^(Test Case|Test Suite).*(started|passed)' 
status=${PIPESTATUS[0]}
set -e

# The Debian package installed in a Debian 12 chroot (scripts/deb-test.sh, ~2 minutes): when
# its cached root exists, or with DEB_TEST=1 (which makes it once, from a Debian mirror).
if [[ -f .build/deb-test/base/.complete || ${DEB_TEST:-} == 1 ]]; then
    { scripts/install-deps.sh dpkg-dev lintian debootstrap && scripts/deb.sh && scripts/deb-test.sh; } || status=1
else
    echo "deb-test: NOT RUN: no cached Debian 12 root in .build/deb-test/base; run make deb-test or DEB_TEST=1 make test (needs a Debian mirror)"
fi
exit "$status"
