package dev.keybound;

import android.app.KeyguardManager;
import android.content.Context;
import android.content.pm.PackageManager;
import android.hardware.biometrics.BiometricManager;
import android.hardware.fingerprint.FingerprintManager;
import android.os.Build;

/**
 * {@link DeviceInfo} from the framework: API level, Class 3 biometric status
 * ({@code canAuthenticate(BIOMETRIC_STRONG)} on API 30+, {@code canAuthenticate()}
 * on 29, {@code FingerprintManager} on 28), lock screen, StrongBox. Below API 28 keybound is
 * unsupported: the API level says so and {@link ApiLevels#unsupportedReason}
 * words it. Decisions in {@link DeviceStatusPolicy}.
 */
final class AndroidDeviceInfo implements DeviceInfo {
    private final Context context;
    private final int apiLevel;

    AndroidDeviceInfo(Context context) {
        this.context = context.getApplicationContext();
        this.apiLevel = Build.VERSION.SDK_INT;
    }

    @Override
    public int apiLevel() {
        return apiLevel;
    }

    @Override
    public int strongBiometricStatus() {
        DeviceStatusPolicy.Query query = DeviceStatusPolicy.queryFor(apiLevel);
        if (query == DeviceStatusPolicy.Query.NONE) {
            return STATUS_UNKNOWN;
        }
        if (query == DeviceStatusPolicy.Query.FINGERPRINT) {
            return fingerprintStatus();
        }
        BiometricManager manager = context.getSystemService(BiometricManager.class);
        if (manager == null) {
            return STATUS_UNKNOWN;
        }
        if (query == DeviceStatusPolicy.Query.STRONG) {
            return manager.canAuthenticate(DeviceStatusPolicy.strongAuthenticators());
        }
        return legacyCanAuthenticate(manager);
    }

    // API 28 has no BiometricManager; FingerprintManager is deprecated from 28
    // but is what Android 9's Keystore itself consults for per-use keys.
    @SuppressWarnings("deprecation")
    private int fingerprintStatus() {
        FingerprintManager fingerprints = context.getSystemService(FingerprintManager.class);
        try {
            return DeviceStatusPolicy.fingerprintStatus(fingerprints != null,
                    fingerprints != null && fingerprints.isHardwareDetected(),
                    fingerprints != null && fingerprints.hasEnrolledFingerprints());
        } catch (SecurityException e) {
            // USE_BIOMETRIC is in the manifest; a vendor that still wants
            // USE_FINGERPRINT leaves the answer to the prompt.
            return STATUS_UNKNOWN;
        }
    }

    // API 29 has only the no-argument form; it is deprecated from API 30,
    // where the branch above is taken instead.
    @SuppressWarnings("deprecation")
    private static int legacyCanAuthenticate(BiometricManager manager) {
        return manager.canAuthenticate();
    }

    @Override
    public boolean isDeviceSecure() {
        KeyguardManager keyguard = context.getSystemService(KeyguardManager.class);
        return keyguard != null && keyguard.isDeviceSecure();
    }

    @Override
    public boolean hasStrongBox() {
        if (!DeviceStatusPolicy.asksStrongBox(apiLevel)) {
            return false;
        }
        PackageManager packages = context.getPackageManager();
        return packages != null && packages.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE);
    }
}
