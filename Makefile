# keybound: `make test` runs every check and test, `make demo` the whole flow.
# Parts of the project add their own targets in mk/*.mk and append them to
# TEST_TARGETS.
SHELL := /bin/bash
CARGO ?= cargo
CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR
TEST_TARGETS :=

# Tools that `cargo install` puts there (flutter_rust_bridge_codegen, ...)
# must be found even when the shell's PATH lacks that folder.
export PATH := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)

include $(wildcard mk/*.mk)

.PHONY: doc-check test test-steps demo demo-run demo-check setup setup-demo codegen check-bindings fmt-check clippy test-rust check-android-rust

# `make test` and `make demo` first install what this machine lacks: every
# .ci/install.d/*.sh is an idempotent step (apt, pip, cargo install, Maven)
# that does nothing, quickly, when its tools are present. `make demo` needs
# only the JDK step. The steps run in a sub-make first so that nothing of the
# test run starts before its tools are there, even under `make -j`.
INSTALL_STEPS := $(sort $(wildcard .ci/install.d/*.sh))
DEMO_INSTALL_STEPS := .ci/install.d/jvm.sh
setup:
	@bash tools/disk_report.sh "$(CARGO_TARGET_DIR)"
	@set -e; for step in $(INSTALL_STEPS); do echo "== install: $$step"; bash "$$step"; done
setup-demo:
	@set -e; for step in $(DEMO_INSTALL_STEPS); do echo "== install: $$step"; bash "$$step"; done

test: setup
	@$(MAKE) --no-print-directory test-steps
test-steps: fmt-check clippy doc-check check-android-rust test-rust check-bindings demo-check $(TEST_TARGETS)

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

# No Android target can be installed here, so the Android-only Rust code
# (JNI_OnLoad's logcat, ndk-context, the JNI platform as the default) is
# type-checked and linted on the host with a cfg that stands for Android;
# it also proves the simulated platform is compiled out of Android builds.
check-android-rust:
	CARGO_TARGET_DIR=$(CARGO_TARGET_DIR)/android-check RUSTFLAGS="--cfg keybound_android_check" \
	  $(CARGO) clippy -p keybound --lib --locked -- -D warnings

# The crates' documentation builds without a warning (broken or private links).
doc-check:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --locked

test-rust:
	$(CARGO) test --workspace --locked

# The whole device flow on this machine against the reference server.
demo: setup-demo
	@$(MAKE) --no-print-directory demo-run
demo-run:
	$(CARGO) build --locked -q -p keybound-server --bin keybound-server
	$(CARGO) run --locked -q -p keybound --example demo -- --server-bin $(CARGO_TARGET_DIR)/debug/keybound-server

# The demo's token, checked by another JOSE library (PyJWT).
demo-check:
	set -o pipefail; $(MAKE) --no-print-directory demo-run | tee $(CARGO_TARGET_DIR)/demo.out | python3 tools/verify_demo_token.py

# Regenerate the Dart bindings. No Flutter SDK is needed: a `flutter` shim
# stands in (every step that would run Dart is off in flutter_rust_bridge.yaml).
FLUTTER_SHIM := $(CARGO_TARGET_DIR)/flutter-shim
codegen:
	mkdir -p $(FLUTTER_SHIM) && ln -sf /bin/true $(FLUTTER_SHIM)/flutter
	PATH="$(FLUTTER_SHIM):$$PATH" RUST_BACKTRACE=0 flutter_rust_bridge_codegen generate

# The committed bindings must be exactly what codegen produces.
GENERATED := lib/src/rust rust/keybound/src/frb_generated.rs rust/keybound/src/lib.rs
check-bindings: codegen
	@if ! git diff --quiet -- $(GENERATED) || [ -n "$$(git ls-files --others --exclude-standard -- $(GENERATED))" ]; then \
	  git status --short -- $(GENERATED); git diff --stat -- $(GENERATED); \
	  echo "generated bindings are out of date: run 'make codegen' and commit"; exit 1; \
	fi
	@echo "generated bindings in sync"
