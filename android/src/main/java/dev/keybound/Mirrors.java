package dev.keybound;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a constant in a pure-Java class that copies an Android framework
 * constant, so the decision classes need no {@code android.*} import and run
 * on the host JVM. {@code tools/android/check_stubs.py} checks every marked
 * constant against the value recorded in {@code docs/android-facts.md} (or the
 * source-cited table beside the checker) and that the named field exists in
 * the API 36 platform.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Mirrors {
    /** The framework constant, e.g. {@code android.hardware.biometrics.BiometricPrompt.BIOMETRIC_ERROR_CANCELED}. */
    String value();
}
