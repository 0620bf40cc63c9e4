# Dart checks that run without a Dart SDK: every tracked .dart file parses
# with tree-sitter-dart, the public wrapper matches the generated frb
# bindings (parity), and both checks fail on deliberately broken input
# (self-test). .ci/install.d/dart.sh installs the pinned parser, in a venv
# under .tools/ when the system Python is externally managed.
DART_PYTHON ?= $(if $(wildcard .tools/dart-venv/bin/python),.tools/dart-venv/bin/python,python3)

.PHONY: check-dart check-dart-parse check-dart-parity check-dart-selftest check-dart-loader check-dart-channel
check-dart: check-dart-parse check-dart-parity check-dart-selftest check-dart-loader check-dart-channel

check-dart-parse:
	$(DART_PYTHON) tools/dart/parse_check.py

check-dart-parity:
	$(DART_PYTHON) tools/dart/parity.py

check-dart-selftest:
	$(DART_PYTHON) tools/dart/selftest.py

# The loader looks for a host build in the workspace's target folder (the
# generated default, under rust_root, is wrong and frb 2.13 cannot change it).
check-dart-loader:
	python3 tools/dart/loader_check.py --self-test
	python3 tools/dart/loader_check.py

# The Dart end of the Android plugin's platform channel (asked when the
# native library did not load) uses the Java end's names.
check-dart-channel:
	python3 tools/dart/channel_check.py --self-test
	python3 tools/dart/channel_check.py

TEST_TARGETS += check-dart
