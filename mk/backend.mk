# keybound-server (rust/keybound-server): backend targets.
#
# The Redis store tests start their own redis-server on a free loopback port
# (and stop it), so `cargo test` needs only the binary on PATH;
# .ci/install.d/backend.sh installs it. Under CI (CI=true) a missing
# redis-server is a failure, never a silent skip.

KEYBOUND_SERVER_TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),target)
# The built binary, for scripts (e.g. `make demo`): $(KEYBOUND_SERVER).
KEYBOUND_SERVER ?= $(KEYBOUND_SERVER_TARGET_DIR)/debug/keybound-server

.PHONY: backend-redis-check backend-test backend-build

backend-redis-check:
	@if command -v redis-server >/dev/null 2>&1; then \
	  echo "backend: $$(redis-server --version)"; \
	elif [ -n "$${CI:-}" ] && [ "$${CI}" != "false" ]; then \
	  echo "backend: redis-server is missing under CI (.ci/install.d/backend.sh installs it)" >&2; exit 1; \
	else \
	  echo "backend: WARNING: redis-server missing, the Redis tests skip themselves (bash .ci/install.d/backend.sh)" >&2; \
	fi

# The backend crate alone (tests incl. Redis, clippy), e.g. while working on it.
backend-test: backend-redis-check
	$(CARGO) test -p keybound-server --locked
	$(CARGO) clippy -p keybound-server --all-targets --locked -- -D warnings

# Builds $(KEYBOUND_SERVER).
backend-build:
	$(CARGO) build -p keybound-server --locked

TEST_TARGETS += backend-redis-check
