package android.security.keystore;

/** Host fake. */
public class KeyPermanentlyInvalidatedException extends java.security.InvalidKeyException {
    private static final long serialVersionUID = 1L;
}
