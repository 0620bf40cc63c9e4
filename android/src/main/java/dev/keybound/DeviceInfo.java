package dev.keybound;

/**
 * What the device can do. Implemented on Android by {@code AndroidDeviceInfo};
 * on the host JVM by the test platform.
 */
public interface DeviceInfo {
    /** Result of {@link #strongBiometricStatus()} when the OS cannot tell (below API 28, or refused). */
    int STATUS_UNKNOWN = -1;

    /** {@code Build.VERSION.SDK_INT}. */
    int apiLevel();

    /**
     * {@code BiometricManager.canAuthenticate(BIOMETRIC_STRONG)}: 0 success,
     * 1 hardware unavailable, 11 none enrolled, 12 no hardware, 15 security
     * update required; {@link #STATUS_UNKNOWN} where the API does not exist.
     */
    int strongBiometricStatus();

    /** {@code KeyguardManager.isDeviceSecure()}. */
    boolean isDeviceSecure();

    /** {@code PackageManager.FEATURE_STRONGBOX_KEYSTORE}. */
    boolean hasStrongBox();
}
