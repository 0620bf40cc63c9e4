# `make bench`: the performance figures of BENCHMARKS.md, one `name: value`
# line each, every ratio against a baseline measured in the same run. Not
# part of `make test` (a benchmark is never a test: nothing here asserts a
# time). It installs its own comparison tools lazily (tools/bench/setup.sh:
# wrk, redis-server, a venv with PyJWT[crypto], a node folder with jose)
# under $(BENCH_DIR). The Rust side is rust/keybound-bench, a workspace of
# its own so that `cargo test --workspace` never builds it.
# Knobs: BENCH_ARGS (e.g. `--rounds 9 --http-seconds 5`), BENCH_ONLY
# (verify,http,attestation), BENCH_SKIP_JVM=1, BENCH_SKIP_CDYLIB=1.

BENCH_DIR ?= $(CARGO_TARGET_DIR)/bench
BENCH_ARGS ?=
BENCH_ONLY ?= verify,http,attestation
BENCH_BIN := $(CARGO_TARGET_DIR)/release/keybound-bench

.PHONY: bench bench-setup bench-build bench-lint

bench-setup:
	@bash tools/bench/setup.sh $(BENCH_DIR)

bench-build:
	$(CARGO) build --release --locked -q -p keybound-server --bin keybound-server
	cd rust/keybound-bench && $(CARGO) build --release --locked -q

# The bench crate is outside the root workspace, so `make clippy` and
# `make fmt-check` do not see it: lint it here.
bench-lint:
	cd rust/keybound-bench && $(CARGO) fmt -- --check && $(CARGO) clippy --release --locked -- -D warnings

bench: bench-setup bench-build
	@echo "== bench: $$(nproc) cores, load $$(cut -d' ' -f1-3 /proc/loadavg), $$(date -u +%Y-%m-%dT%H:%MZ)"
	@$(BENCH_BIN) --only $(BENCH_ONLY) --work-dir $(BENCH_DIR)/run \
	  --python $(BENCH_DIR)/venv/bin/python --node-dir $(BENCH_DIR)/node \
	  --server-bin $(CARGO_TARGET_DIR)/release/keybound-server $(BENCH_ARGS)
	@if [ -z "$(BENCH_SKIP_JVM)" ]; then $(CARGO) bench --locked -q -p keybound --bench bridge; fi
	@if [ -z "$(BENCH_SKIP_CDYLIB)" ]; then bash tools/bench/cdylib_size.sh $(BENCH_DIR)/android-size; fi

# The bench crate's lock file must follow the server's dependencies (a
# stale one makes `make bench` fail at --locked): checked by `make test`
# without building anything.
.PHONY: check-bench-lock
check-bench-lock:
	cd rust/keybound-bench && $(CARGO) metadata --locked --format-version 1 >/dev/null && echo "check-bench-lock: 1 passed, 0 failed"

TEST_TARGETS += check-bench-lock
