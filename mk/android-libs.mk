# Installing without Rust: the published package ships prebuilt
# libkeybound.so for arm64-v8a, armeabi-v7a and x86_64 (tools/release/).
#
#   make android-libs         builds them with cargo-ndk (pinned) into
#                             android/src/main/jniLibs/ (16 KB pages for the
#                             64-bit ABIs) and checks them; needs the Android
#                             NDK, so only on a release machine.
#   make check-android-libs   the readelf check of android/src/main/jniLibs.
#   make check-package        what `dart pub publish` would include
#                             (.pubignore rules), failing on a file that does
#                             not belong or a missing part; RELEASE=1 also
#                             requires the prebuilt libraries.
# In `make test`: the package check and both checkers' self-tests (the ELF
# one on libraries built on this host).
.PHONY: android-libs check-android-libs check-package check-package-selftest check-android-libs-selftest
TEST_TARGETS += check-package check-package-selftest check-android-libs-selftest

android-libs:
	bash tools/release/android-libs.sh

check-android-libs:
	bash tools/release/check_android_libs.sh android/src/main/jniLibs

check-package:
	python3 tools/release/pub_files.py --check $(if $(RELEASE),--release)

check-package-selftest:
	python3 tools/release/pub_files.py --self-test

check-android-libs-selftest:
	bash tools/release/test_check_android_libs.sh
