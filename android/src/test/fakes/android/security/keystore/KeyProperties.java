package android.security.keystore;

/** Host fake: the constants the vault uses (values checked on the stubs). */
public abstract class KeyProperties {
    public static final String KEY_ALGORITHM_EC = "EC";
    public static final String DIGEST_SHA256 = "SHA-256";

    private KeyProperties() {}
}
