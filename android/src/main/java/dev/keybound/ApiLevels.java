package dev.keybound;

/** The Android API levels keybound's decisions depend on. Pure Java. */
public final class ApiLevels {
    /** Framework {@code BiometricPrompt} and StrongBox: keybound's minimum (Android 9). */
    public static final int MIN_SUPPORTED = 28;
    /** {@code BiometricManager} and its no-argument {@code canAuthenticate()} (Android 10). */
    public static final int BIOMETRIC_MANAGER = 29;
    /**
     * {@code setAllowedAuthenticators}, {@code canAuthenticate(int)},
     * {@code setUserAuthenticationParameters},
     * {@code AuthenticationResult.getAuthenticationType()}, and device
     * credential together with a CryptoObject (Android 11).
     */
    public static final int AUTHENTICATORS = 30;

    private ApiLevels() {}

    /** Whether keybound works on this API level at all. */
    public static boolean isSupported(int apiLevel) {
        return apiLevel >= MIN_SUPPORTED;
    }

    /**
     * Why keybound cannot work on this API level, or null when it can. The
     * one wording every adapter uses, so the app developer sees the same
     * sentence whichever call hit it first.
     */
    public static String unsupportedReason(int apiLevel) {
        if (isSupported(apiLevel)) {
            return null;
        }
        return "keybound needs Android 9 (API " + MIN_SUPPORTED + ") or newer for the framework"
                + " BiometricPrompt bound to a Keystore key; this device runs API " + apiLevel;
    }

    /** Whether the lock-screen credential can unlock a Keystore-bound prompt. */
    public static boolean deviceCredentialWithCrypto(int apiLevel) {
        return apiLevel >= AUTHENTICATORS;
    }
}
