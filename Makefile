# Gatehouse: `make run` starts a local instance, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
SWIFT_FLAGS := -Xswiftc -warnings-as-errors
# Release builds carry the Swift runtime inside the binary: each process then maps a few
# shared objects fewer (~2.5 MB less resident per process, three processes) and starts faster.
RELEASE_FLAGS := -c release

.PHONY: help deps build run test bench fuzz faults soak screenshots clean deb deb-test

help:
	@echo "make run    build, start PostgreSQL + Gatehouse + nginx on http://127.0.0.1:$${PORT:-8080}/"
	@echo "make test   build and run every test (unit, PostgreSQL, nginx end-to-end)"
	@echo "make bench  wrk through nginx: Gatehouse beside the floor responder (bench/results/latest.md)"
	@echo "make fuzz   libFuzzer targets, FUZZ_SECONDS (60) each"
	@echo "make faults scripted faults (worker kill, database stop and freeze, reload, drain, two instances, mail server down)"
	@echo "make soak   SOAK_MINUTES (10) of mixed load at ~70% capacity"
	@echo "make screenshots  the browser tests' pages the README shows, into docs/screenshots/"
	@echo "make deb    the Debian package .build/gatehouse_<version>-1_<arch>.deb (docs/packaging.md)"
	@echo "make deb-test  install it in a Debian 12 chroot, sign in through nginx, purge"

deps:
	@scripts/install-deps.sh

build: deps
	swift build $(RELEASE_FLAGS) $(SWIFT_FLAGS)

run: build
	@scripts/run.sh

test:
	@scripts/install-deps.sh --tests
	@scripts/test.sh

bench: build
	@scripts/install-deps.sh wrk gnuplot-nox
	@scripts/bench.sh

fuzz:
	@scripts/install-deps.sh
	@scripts/fuzz.sh

faults: build
	@scripts/install-deps.sh wrk python3-aiosmtpd
	@scripts/faults.sh

soak: build
	@scripts/install-deps.sh wrk
	@scripts/soak.sh

deb:
	@scripts/install-deps.sh dpkg-dev lintian
	@RELEASE_FLAGS="$(RELEASE_FLAGS)" scripts/deb.sh

deb-test: deb
	@scripts/install-deps.sh debootstrap
	@scripts/deb-test.sh

screenshots:
	@scripts/install-deps.sh --tests
	@scripts/screenshots.sh

clean:
	rm -rf .build .run
