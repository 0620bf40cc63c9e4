package dev.keybound;

/**
 * Which {@code BiometricManager} query gives the Class 3 biometric status on an
 * API level. Pure Java: {@code AndroidDeviceInfo} only applies it.
 */
public final class DeviceStatusPolicy {
    /** {@code BiometricManager.BIOMETRIC_SUCCESS}. */
    @Mirrors("android.hardware.biometrics.BiometricManager.BIOMETRIC_SUCCESS")
    public static final int SUCCESS = 0;
    /** {@code BiometricManager.BIOMETRIC_ERROR_NONE_ENROLLED}. */
    @Mirrors("android.hardware.biometrics.BiometricManager.BIOMETRIC_ERROR_NONE_ENROLLED")
    public static final int NONE_ENROLLED = 11;
    /** {@code BiometricManager.BIOMETRIC_ERROR_NO_HARDWARE}. */
    @Mirrors("android.hardware.biometrics.BiometricManager.BIOMETRIC_ERROR_NO_HARDWARE")
    public static final int NO_HARDWARE = 12;

    /** How to ask. */
    public enum Query {
        /** Below API 28: unsupported; report {@link DeviceInfo#STATUS_UNKNOWN}. */
        NONE,
        /**
         * API 28: no BiometricManager. A key that needs authentication for
         * every use needs an enrolled <em>fingerprint</em> on Android 9
         * (its Keystore takes the fingerprint secure user id only), so
         * {@code FingerprintManager} answers exactly what keybound needs:
         * see {@link #fingerprintStatus}.
         */
        FINGERPRINT,
        /**
         * API 29: {@code canAuthenticate()} with no argument (deprecated in 30).
         * It does not tell Class 3 from Class 2; the prompt itself then offers
         * only what can unlock the key.
         */
        LEGACY,
        /** API 30+: {@code canAuthenticate(BIOMETRIC_STRONG)}. */
        STRONG
    }

    private DeviceStatusPolicy() {}

    /** The query for {@code apiLevel}; {@link Query#NONE} below 28 (unsupported). */
    public static Query queryFor(int apiLevel) {
        if (apiLevel >= ApiLevels.AUTHENTICATORS) {
            return Query.STRONG;
        }
        if (apiLevel >= ApiLevels.BIOMETRIC_MANAGER) {
            return Query.LEGACY;
        }
        if (apiLevel >= ApiLevels.MIN_SUPPORTED) {
            return Query.FINGERPRINT;
        }
        return Query.NONE;
    }

    /**
     * The status on API 28, in {@code canAuthenticate} codes: no sensor (or
     * no FingerprintManager) {@link #NO_HARDWARE}, no enrolled fingerprint
     * {@link #NONE_ENROLLED}, else {@link #SUCCESS}.
     */
    public static int fingerprintStatus(boolean managerPresent, boolean hardwareDetected, boolean enrolled) {
        if (!managerPresent || !hardwareDetected) {
            return NO_HARDWARE;
        }
        return enrolled ? SUCCESS : NONE_ENROLLED;
    }

    /** The argument for {@code canAuthenticate(int)}: never WEAK, never with device credential. */
    public static int strongAuthenticators() {
        return PromptPolicy.BIOMETRIC_STRONG;
    }

    /** Whether {@code FEATURE_STRONGBOX_KEYSTORE} is worth asking (the feature exists from API 28). */
    public static boolean asksStrongBox(int apiLevel) {
        return apiLevel >= ApiLevels.MIN_SUPPORTED;
    }
}
