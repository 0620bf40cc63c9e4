# JNI backend (rust/keybound/src/jni, platform/android.rs, NativeBridge.java):
# `make test-jvm` runs
#   1. the Rust tests that drive the JNI backend on a host JVM
#      (rust/keybound/tests/jvm_*.rs, the callback storm included: -Xcheck:jni, bridge classes compiled by
#      javac and loaded through a URLClassLoader);
#   2. through Surefire (tools/android/surefire.sh, android/host-tests/pom.xml)
#      the JUnit tests of the Java-only bridge logic and host platform
#      (NativeBridgeTest, Host*Test) and EndToEndTest: the host-built
#      libkeybound.so loaded with System.load inside Robolectric, on every API
#      level, Rust session → JNI → NativeBridge → AndroidPrompter → the prompt
#      → signature → a token that verifies. That library is built with the
#      test-only feature jni-test-driver (natives through which the Java test
#      starts the Rust session), in its own target dir so the library other
#      targets use keeps no test entry points;
# and ends with one line `N passed, N failed` totalling both.
.PHONY: test-jvm
TEST_TARGETS += test-jvm

JVM_E2E_TARGET ?= $(CARGO_TARGET_DIR)/jni-test-driver

test-jvm:
	@set -uo pipefail; \
	rust_log="$$(mktemp)"; sf_log="$$(mktemp)"; sf_dir="$$(mktemp -d)"; \
	$(CARGO) test -p keybound --locked --test jvm_platform --test jvm_session --test jvm_storm 2>&1 | tee "$$rust_log"; \
	rust_pass=$$(sed -n 's/^test result: .* \([0-9][0-9]*\) passed; \([0-9][0-9]*\) failed.*/\1/p' "$$rust_log" | awk '{s+=$$1} END {print s+0}'); \
	rust_fail=$$(sed -n 's/^test result: .* \([0-9][0-9]*\) passed; \([0-9][0-9]*\) failed.*/\2/p' "$$rust_log" | awk '{s+=$$1} END {print s+0}'); \
	if [ -z "$$rust_pass" ] || [ "$$(grep -c '^test result:' "$$rust_log")" -ne 3 ]; then \
	  echo "!! jvm: the Rust JVM tests did not run to the end"; rust_pass=$${rust_pass:-0}; rust_fail=$$(( $${rust_fail:-0} + 1 )); \
	fi; \
	sf_pass=0; sf_fail=1; \
	if CARGO_TARGET_DIR="$(JVM_E2E_TARGET)" $(CARGO) build -p keybound --locked --features jni-test-driver; then \
	  cdylib="$(JVM_E2E_TARGET)/debug/libkeybound.so"; \
	  tools/android/surefire.sh "$$sf_dir" 'NativeBridgeTest,Host*Test,EndToEndTest' -Dkeybound.cdylib="$$cdylib" 2>&1 | tee "$$sf_log"; \
	  sf_pass=$$(sed -n 's/^surefire: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$$/\1/p' "$$sf_log"); \
	  sf_fail=$$(sed -n 's/^surefire: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$$/\2/p' "$$sf_log"); \
	  if [ -z "$$sf_pass" ] || [ -z "$$sf_fail" ]; then echo "!! jvm: Surefire did not report"; sf_pass=0; sf_fail=1; fi; \
	else \
	  echo "!! jvm: cargo build -p keybound --features jni-test-driver FAILED (EndToEndTest needs libkeybound.so)"; \
	fi; \
	rm -rf "$$rust_log" "$$sf_log" "$$sf_dir"; \
	echo "jvm: Rust $$rust_pass passed, $$rust_fail failed; Surefire $$sf_pass passed, $$sf_fail failed"; \
	echo "$$(( rust_pass + sf_pass )) passed, $$(( rust_fail + sf_fail )) failed"; \
	[ $$(( rust_fail + sf_fail )) -eq 0 ]
