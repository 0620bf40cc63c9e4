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
