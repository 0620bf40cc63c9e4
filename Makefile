# keybound: `make test` runs every check and test, `make demo` the whole flow.
# Parts of the project add their own targets in mk/*.mk and append them to
# TEST_TARGETS.
SHELL := /bin/bash
CARGO ?= cargo
TEST_TARGETS :=

include $(wildcard mk/*.mk)

.PHONY: test fmt-check clippy test-rust
test: fmt-check clippy test-rust $(TEST_TARGETS)

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

test-rust:
	$(CARGO) test --workspace --locked
