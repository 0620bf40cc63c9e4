// Compile-only stub (keybound): the members of the real class that keybound
// uses, with the real signatures. Checked by tools/android/check_stubs.py.
// Never shipped; on a device the framework class is used.
package android.hardware.biometrics;

public class BiometricManager {
    private BiometricManager() {
        throw new RuntimeException("Stub!");
    }

    /** @deprecated API 30: use {@link #canAuthenticate(int)}. */
    @Deprecated
    public int canAuthenticate() {
        throw new RuntimeException("Stub!");
    }

    public int canAuthenticate(int authenticators) {
        throw new RuntimeException("Stub!");
    }
}
