// Compile-only stub (keybound): the members of the real class that keybound
// uses, with the real signatures. Checked by tools/android/check_stubs.py.
// Never shipped; on a device the framework class is used.
package android.hardware.fingerprint;

/** @deprecated API 28: BiometricPrompt and (API 29) BiometricManager. */
@Deprecated
public class FingerprintManager {
    private FingerprintManager() {
        throw new RuntimeException("Stub!");
    }

    public boolean isHardwareDetected() {
        throw new RuntimeException("Stub!");
    }

    public boolean hasEnrolledFingerprints() {
        throw new RuntimeException("Stub!");
    }
}
