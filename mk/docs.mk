# The project's documents (docs/) stay true and self-contained:
#  - check-docs-refs: no tracked file names a path outside the repository
#    (the shared notes beside a working tree, one machine's absolute paths, a
#    document name that is not a path of the repository), Markdown links and
#    backticked repository paths resolve;
#  - check-docs-token: docs/token-format.md states the protocol crate's error
#    codes and limits.
# Plain python3; each prints `... N passed, N failed` last.
.PHONY: check-docs check-docs-refs check-docs-token
check-docs: check-docs-refs check-docs-token

check-docs-refs:
	python3 tools/docs/check_refs.py

check-docs-token:
	python3 tools/docs/check_token_doc.py

TEST_TARGETS += check-docs
