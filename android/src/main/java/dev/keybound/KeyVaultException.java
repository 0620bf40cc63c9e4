package dev.keybound;

/** A key operation failed, with a reason the bridge maps to a keybound error code. */
public final class KeyVaultException extends Exception {
    private static final long serialVersionUID = 1L;

    /** No key under the alias. */
    public static final int NOT_FOUND = 1;
    /** Permanently invalidated (new enrolment, lock screen removed); already deleted. */
    public static final int INVALIDATED = 2;
    /** StrongBox was requested and is unavailable (only when no TEE fallback is wanted). */
    public static final int STRONGBOX_UNAVAILABLE = 3;
    /** The OS cannot do this (API level, feature missing). */
    public static final int UNSUPPORTED = 4;
    /** Anything else; the message says what. */
    public static final int FAILED = 5;
    /**
     * Key generation refused because no biometric (API 28: no fingerprint)
     * is enrolled for a key that needs authentication for every use.
     */
    public static final int NOT_ENROLLED = 6;
    /**
     * The Keystore refused to start the signature because it considers the
     * user not authenticated ({@code UserNotAuthenticatedException}): for a
     * key that needs the device unlocked, the device has not been unlocked
     * with its PIN, pattern or password since the Keystore locked it (seen
     * after a restart on some vendors' Android 12 builds).
     */
    public static final int USER_NOT_AUTHENTICATED = 7;

    private final int reason;

    public KeyVaultException(int reason, String message) {
        super(message);
        this.reason = reason;
    }

    public KeyVaultException(int reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** One of the reason constants. */
    public int reason() {
        return reason;
    }
}
