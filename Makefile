# Gatehouse: `make run` starts a local instance, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
SWIFT_FLAGS := -Xswiftc -warnings-as-errors

.PHONY: help deps build run test clean

help:
	@echo "make run    build, start PostgreSQL + Gatehouse + nginx on http://127.0.0.1:$${PORT:-8080}/"
	@echo "make test   build and run every test (unit, PostgreSQL, nginx end-to-end)"

deps:
	@scripts/install-deps.sh

build: deps
	swift build -c release $(SWIFT_FLAGS)

run: build
	@scripts/run.sh

test:
	@scripts/install-deps.sh --tests
	@scripts/test.sh

clean:
	rm -rf .build .run
