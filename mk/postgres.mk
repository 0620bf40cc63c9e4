# keybound-server's credential registry tests (rust/keybound-server, run by
# `cargo test`) start their own PostgreSQL cluster (initdb in a temporary
# directory, a free loopback port) and remove it; they need Debian's server
# binaries, which .ci/install.d/postgres.sh installs. Under CI (CI=true) a
# missing PostgreSQL is a failure, never a silent skip.

.PHONY: backend-postgres-check

backend-postgres-check:
	@dir=""; for d in /usr/lib/postgresql/*/bin; do \
	  if [ -x "$$d/initdb" ] && [ -x "$$d/postgres" ]; then dir="$$d"; fi; \
	done; \
	if [ -n "$$dir" ]; then \
	  echo "backend: $$($$dir/postgres --version)"; \
	elif [ -n "$${CI:-}" ] && [ "$${CI}" != "false" ]; then \
	  echo "backend: PostgreSQL is missing under CI (.ci/install.d/postgres.sh installs it)" >&2; exit 1; \
	else \
	  echo "backend: WARNING: PostgreSQL missing, the registry tests skip themselves (bash .ci/install.d/postgres.sh)" >&2; \
	fi

TEST_TARGETS += backend-postgres-check
