# The repository is self-contained: no tracked file names a path outside it
# (the shared notes beside a working tree, one machine's absolute paths, a
# document name that is not a path of the repository), and Markdown links
# resolve. Plain python3; prints `check-refs: N passed, N failed` last.
.PHONY: check-docs-refs
check-docs-refs:
	python3 tools/docs/check_refs.py

TEST_TARGETS += check-docs-refs
