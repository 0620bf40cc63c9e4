# Fuzzing (fuzz/, its own cargo workspace; see fuzz/README.md).
#
# `make fuzz-smoke` builds every cargo-fuzz target and runs each for
# FUZZ_TIME seconds (default 30) from its committed seeds in
# fuzz/corpus/<target>; any crash, leak or timeout fails it. It is NOT part
# of `make test`; `make check-fuzz`, the seeds replayed, is (below).
# cargo-fuzz comes from .ci/install.d/fuzz.sh (run it first on a fresh
# machine). The targets need nightly compiler features: a rustup `nightly`
# toolchain is used when installed, else the stable one with
# RUSTC_BOOTSTRAP=1.
#
#   make fuzz-smoke FUZZ_TIME=60 FUZZ_TARGETS="token_verify der_to_raw"
#   make fuzz-list

FUZZ_TIME ?= 30
FUZZ_TARGETS ?= $(shell sed -n 's/^name = "\(.*\)"$$/\1/p' fuzz/Cargo.toml | grep -v '^keybound-fuzz$$')
FUZZ_TARGET_DIR ?= $(abspath $(CARGO_TARGET_DIR))/fuzz
FUZZ_WORK ?= $(FUZZ_TARGET_DIR)/smoke-corpus
FUZZ_HAS_NIGHTLY := $(shell rustup toolchain list 2>/dev/null | grep -q '^nightly' && echo yes)
FUZZ_CARGO ?= $(if $(FUZZ_HAS_NIGHTLY),cargo +nightly,RUSTC_BOOTSTRAP=1 cargo)
# cargo-fuzz's default build: optimised, with debug assertions and overflow
# checks (`-O` alone would drop those).
FUZZ_FLAGS ?=

.PHONY: fuzz-build fuzz-smoke fuzz-list fuzz-seeds check-fuzz

# Every target's committed seeds, replayed on stable Rust (a debug build, no
# sanitizer, no coverage: libFuzzer given files runs each once and does not
# fuzz). An API change that breaks a target, or a harness whose setup no
# longer matches the server, fails here instead of in the next fuzzing
# session. Its own target directory (about 770 MB): the fuzz workspace has
# its own lock, and sharing target/ made the two builds of the keybound crate
# (with and without `test-support`) overwrite each other.
FUZZ_CHECK_DIR ?= $(FUZZ_TARGET_DIR)/check
check-fuzz:
	cd fuzz && CARGO_TARGET_DIR=$(FUZZ_CHECK_DIR) $(CARGO) build --locked --bins -q
	@set -u; passed=0; failed=0; \
	for t in $(FUZZ_TARGETS); do \
	  seeds=$$(ls fuzz/corpus/$$t 2>/dev/null | wc -l); log="$(FUZZ_CHECK_DIR)/$$t.replay.log"; \
	  if [ "$$seeds" -eq 0 ]; then \
	    echo "!! check-fuzz $$t: no seeds in fuzz/corpus/$$t"; failed=$$((failed + 1)); continue; \
	  fi; \
	  if "$(FUZZ_CHECK_DIR)/debug/$$t" fuzz/corpus/$$t/* > "$$log" 2>&1; then \
	    echo "check-fuzz $$t: $$seeds seeds replayed"; passed=$$((passed + 1)); \
	  else \
	    tail -n 30 "$$log"; echo "!! check-fuzz $$t FAILED (log $$log)"; failed=$$((failed + 1)); \
	  fi; \
	done; \
	echo "check-fuzz: $$passed passed, $$failed failed"; \
	[ "$$failed" -eq 0 ]

TEST_TARGETS += check-fuzz

fuzz-list:
	@echo $(FUZZ_TARGETS)

fuzz-build:
	cd fuzz && CARGO_TARGET_DIR=$(FUZZ_TARGET_DIR) $(FUZZ_CARGO) fuzz build $(FUZZ_FLAGS)

# Each target from a fresh working corpus (new inputs go there, never into
# the committed seeds); crashes land in fuzz/artifacts/<target>/.
fuzz-smoke: fuzz-build
	@set -u; passed=0; failed=0; failed_names=""; mkdir -p "$(FUZZ_WORK)"; \
	for t in $(FUZZ_TARGETS); do \
	  rm -rf "$(FUZZ_WORK)/$$t"; mkdir -p "$(FUZZ_WORK)/$$t"; log="$(FUZZ_WORK)/$$t.log"; \
	  echo "== fuzz $$t for $(FUZZ_TIME) s"; \
	  (cd fuzz && CARGO_TARGET_DIR=$(FUZZ_TARGET_DIR) $(FUZZ_CARGO) fuzz run $(FUZZ_FLAGS) $$t \
	      "$(FUZZ_WORK)/$$t" corpus/$$t -- -max_total_time=$(FUZZ_TIME) -print_final_stats=1) > "$$log" 2>&1; \
	  rc=$$?; \
	  grep -E '^(stat::number_of_executed_units|#[0-9]+ +DONE)' "$$log"; \
	  if [ "$$rc" -eq 0 ]; then \
	    passed=$$((passed + 1)); \
	  else \
	    tail -n 40 "$$log"; \
	    failed=$$((failed + 1)); failed_names="$$failed_names $$t"; \
	    echo "!! fuzz $$t FAILED (exit $$rc; log $$log, input in fuzz/artifacts/$$t)"; \
	  fi; \
	done; \
	if [ -n "$$failed_names" ]; then echo "fuzz: failing targets:$$failed_names"; fi; \
	echo "fuzz-smoke: $$passed passed, $$failed failed"; \
	[ "$$failed" -eq 0 ]

# Rewrites the committed seeds (fuzz/make_seeds.py; needs `cryptography`).
fuzz-seeds:
	python3 fuzz/make_seeds.py
