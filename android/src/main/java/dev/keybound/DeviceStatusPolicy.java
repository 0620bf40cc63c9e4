package dev.keybound;

/**
 * Which {@code BiometricManager} query gives the Class 3 biometric status on an
 * API level. Pure Java: {@code AndroidDeviceInfo} only applies it.
 */
public final class DeviceStatusPolicy {
    /** {@code BiometricManager.BIOMETRIC_SUCCESS}. */
    @Mirrors("android.hardware.biometrics.BiometricManager.BIOMETRIC_SUCCESS")
    public static final int SUCCESS = 0;

    /** How to ask. */
    public enum Query {
        /** API 28: no BiometricManager; report {@link DeviceInfo#STATUS_UNKNOWN} ("try authenticate"). */
        NONE,
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

    /** The query for {@code apiLevel}; {@link Query#NONE} below 29 (and below 28, unsupported). */
    public static Query queryFor(int apiLevel) {
        if (apiLevel >= ApiLevels.AUTHENTICATORS) {
            return Query.STRONG;
        }
        if (apiLevel >= ApiLevels.BIOMETRIC_MANAGER) {
            return Query.LEGACY;
        }
        return Query.NONE;
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
