// Compile-only stub (keybound): the members of the real class that keybound
// uses, with the real signatures. Checked by tools/android/check_stubs.py.
// Never shipped; on a device the framework class is used.
package android.security.keystore;

public abstract class KeyProperties {
    public static final String KEY_ALGORITHM_EC = "EC";
    public static final String DIGEST_SHA256 = "SHA-256";

    private KeyProperties() {
        throw new RuntimeException("Stub!");
    }
}
