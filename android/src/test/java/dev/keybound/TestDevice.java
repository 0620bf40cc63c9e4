package dev.keybound;

import android.app.Application;
import android.content.pm.PackageManager;
import android.hardware.fingerprint.FingerprintManager;
import android.os.Build;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.Shadows;
import org.robolectric.shadow.api.Shadow;
import org.robolectric.shadows.ShadowFingerprintManager;

/**
 * The device the prompt tests run on: a fingerprint sensor with one finger
 * enrolled. The real API 28-29 {@code BiometricPrompt} checks this itself
 * before it asks the system (no {@code FEATURE_FINGERPRINT} →
 * {@code BIOMETRIC_ERROR_HW_NOT_PRESENT}, 12); from API 30 the check is in
 * the system service, which Robolectric's prompt shadow stands in for.
 */
final class TestDevice {
    private TestDevice() {}

    @SuppressWarnings("deprecation") // FingerprintManager: what the API 28 prompt consults
    static void withEnrolledFingerprint() {
        Application app = RuntimeEnvironment.getApplication();
        Shadows.shadowOf(app.getPackageManager()).setSystemFeature(PackageManager.FEATURE_FINGERPRINT, true);
        FingerprintManager fingerprints = app.getSystemService(FingerprintManager.class);
        if (fingerprints != null) {
            ShadowFingerprintManager shadow = Shadow.extract(fingerprints);
            shadow.setIsHardwareDetected(true);
            shadow.setDefaultFingerprints(1);
        }
    }

    /** The real prompt of this level checks the sensor itself (API 28-29). */
    static boolean promptChecksTheSensorItself() {
        return Build.VERSION.SDK_INT < Build.VERSION_CODES.R;
    }
}
