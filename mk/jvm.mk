# JNI backend (rust/keybound/src/jni, platform/android.rs, NativeBridge.java):
# `make test-jvm` runs
#   1. the Rust tests that drive the JNI backend on a host JVM
#      (rust/keybound/tests/jvm_*.rs, the callback storm included:
#      -Xcheck:jni, bridge classes compiled by javac and loaded through a
#      URLClassLoader);
#   2. the JUnit 5 tests of the Java-only bridge logic and host platform
#      (android/src/test/java/dev/keybound/*Bridge*Test.java, Host*Test.java),
#      with Debian's junit5 console launcher (.ci/install.d/jvm.sh);
# and ends with one line `N passed, N failed` totalling both.
.PHONY: test-jvm
TEST_TARGETS += test-jvm

JVM_OUT ?= target/jvm-junit
JUNIT_JAR_DIR ?= /usr/share/java

test-jvm:
	@set -uo pipefail; \
	rust_log="$$(mktemp)"; junit_log="$$(mktemp)"; \
	$(CARGO) test -p keybound --locked --test jvm_platform --test jvm_session --test jvm_storm 2>&1 | tee "$$rust_log"; \
	rust_pass=$$(sed -n 's/^test result: .* \([0-9][0-9]*\) passed; \([0-9][0-9]*\) failed.*/\1/p' "$$rust_log" | awk '{s+=$$1} END {print s+0}'); \
	rust_fail=$$(sed -n 's/^test result: .* \([0-9][0-9]*\) passed; \([0-9][0-9]*\) failed.*/\2/p' "$$rust_log" | awk '{s+=$$1} END {print s+0}'); \
	if [ -z "$$rust_pass" ] || [ "$$(grep -c '^test result:' "$$rust_log")" -ne 3 ]; then \
	  echo "!! jvm: the Rust JVM tests did not run to the end"; rust_pass=$${rust_pass:-0}; rust_fail=$$(( $${rust_fail:-0} + 1 )); \
	fi; \
	rm -rf "$(JVM_OUT)"; mkdir -p "$(JVM_OUT)/main" "$(JVM_OUT)/test"; \
	main_src=$$(grep -LE '^import (android|androidx|io\.flutter)\.' android/src/main/java/dev/keybound/*.java); \
	test_src=$$(ls android/src/test/java/dev/keybound/*Bridge*Test.java android/src/test/java/dev/keybound/Host*Test.java); \
	cp="$(JVM_OUT)/main"; for j in junit-jupiter-api junit-jupiter-params apiguardian-api opentest4j junit-platform-commons; do cp="$$cp:$(JUNIT_JAR_DIR)/$$j.jar"; done; \
	junit_pass=0; junit_fail=1; \
	if javac --release 11 -Xlint:all -Werror -d "$(JVM_OUT)/main" $$main_src android/src/test/java/dev/keybound/host/*.java && \
	   javac --release 11 -Xlint:all -Werror -cp "$$cp" -d "$(JVM_OUT)/test" $$test_src; then \
	  java -jar "$(JUNIT_JAR_DIR)/junit-platform-console-standalone.jar" --disable-banner --disable-ansi-colors \
	    --details=tree -cp "$(JVM_OUT)/main:$(JVM_OUT)/test" --scan-classpath "$(JVM_OUT)/test" 2>&1 | tee "$$junit_log"; \
	  junit_pass=$$(sed -n 's/^\[ *\([0-9][0-9]*\) tests successful *\]$$/\1/p' "$$junit_log"); \
	  junit_fail=$$(sed -n 's/^\[ *\([0-9][0-9]*\) tests failed *\]$$/\1/p' "$$junit_log"); \
	  if [ -z "$$junit_pass" ] || [ -z "$$junit_fail" ]; then echo "!! jvm: JUnit did not report"; junit_pass=0; junit_fail=1; fi; \
	else \
	  echo "!! jvm: compiling the Java bridge or its JUnit tests FAILED"; \
	fi; \
	rm -f "$$rust_log" "$$junit_log"; \
	echo "jvm: Rust $$rust_pass passed, $$rust_fail failed; JUnit $$junit_pass passed, $$junit_fail failed"; \
	echo "$$(( rust_pass + junit_pass )) passed, $$(( rust_fail + junit_fail )) failed"; \
	[ $$(( rust_fail + junit_fail )) -eq 0 ]
