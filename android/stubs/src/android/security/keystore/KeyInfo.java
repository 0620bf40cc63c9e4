// Compile-only stub (keybound): the members of the real class that keybound
// uses, with the real signatures. Checked by tools/android/check_stubs.py.
// Never shipped; on a device the framework class is used.
package android.security.keystore;

public class KeyInfo implements java.security.spec.KeySpec {
    private KeyInfo() {
        throw new RuntimeException("Stub!");
    }

    /** @deprecated API 31: use {@code getSecurityLevel()}. */
    @Deprecated
    public boolean isInsideSecureHardware() {
        throw new RuntimeException("Stub!");
    }
}
