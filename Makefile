# The two commands: `make run` (set up, build, serve on the embedded default) and `make test`.
BUILD ?= build
DATA ?= ./data
LISTEN ?= 127.0.0.1:8421
JOBS ?= $(shell nproc)

.PHONY: setup configure build run test unit e2e asan fuzz bench-smoke format check-format clean

setup:
	@scripts/setup

configure: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOT_WERROR=ON >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS) --target opentrail

run: build
	$(BUILD)/opentrail serve --data-dir $(DATA) --listen $(LISTEN)

test: setup
	@scripts/test

unit: configure
	@cmake --build $(BUILD) -j $(JOBS)
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

e2e: build
	@/usr/bin/python3 -m pytest -q tests/e2e

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

check-format:
	@git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build build-asan build-fuzz
