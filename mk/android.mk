# Android part (android/, tools/android/): compile-only stubs, the stub
# checker and the JUnit host tests. No Android SDK needed; see android/README.md.
.PHONY: check-android
TEST_TARGETS += check-android

check-android:
	bash tools/android/check.sh
