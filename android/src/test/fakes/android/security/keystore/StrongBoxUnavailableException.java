package android.security.keystore;

/** Host fake. */
public class StrongBoxUnavailableException extends java.security.ProviderException {
    private static final long serialVersionUID = 1L;
}
