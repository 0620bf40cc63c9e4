package dev.keybound;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import android.app.Application;
import android.app.KeyguardManager;
import android.content.pm.PackageManager;
import android.hardware.biometrics.BiometricManager;
import android.os.Build;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.Shadows;
import org.robolectric.shadow.api.Shadow;
import org.robolectric.shadows.ShadowBiometricManager;
import org.robolectric.shadows.ShadowFingerprintManager;
import org.robolectric.shadows.ShadowKeyguardManager;

/**
 * AndroidDeviceInfo on the real framework of each API level: the real
 * {@code Context.getSystemService} (no BiometricManager on 28), Robolectric's
 * BiometricManager, KeyguardManager and PackageManager shadows.
 */
@RunWith(RobolectricTestRunner.class)
public class AndroidDeviceInfoTest {
    private static final int API = Build.VERSION.SDK_INT;
    private final Application app = RuntimeEnvironment.getApplication();

    private ShadowBiometricManager biometrics() {
        BiometricManager manager = app.getSystemService(BiometricManager.class);
        assertNotNull("BiometricManager exists from API 29", manager);
        return Shadow.extract(manager);
    }

    @Test
    public void apiLevelIsTheRunningOne() {
        assertEquals(API, new AndroidDeviceInfo(app).apiLevel());
    }

    @Test
    public void api28AsksFingerprintManagerWhereThereIsNoBiometricManager() {
        if (API >= 29) {
            assertEquals(BiometricManager.BIOMETRIC_SUCCESS, new AndroidDeviceInfo(app).strongBiometricStatus());
            return;
        }
        assertNull("the real API 28 has no BiometricManager service",
                app.getSystemService(Context28.BIOMETRIC_SERVICE));
        ShadowFingerprintManager fingerprints = fingerprints();
        // {hardware detected, fingerprints enrolled} -> status
        Object[][] cases = {{false, 0, 12}, {true, 0, 11}, {true, 1, 0}, {true, 2, 0}};
        for (Object[] c : cases) {
            fingerprints.setIsHardwareDetected((boolean) c[0]);
            fingerprints.setDefaultFingerprints((int) c[1]);
            assertEquals(java.util.Arrays.toString(c), (int) c[2], new AndroidDeviceInfo(app).strongBiometricStatus());
        }
    }

    @SuppressWarnings("deprecation") // FingerprintManager: what API 28 offers
    private ShadowFingerprintManager fingerprints() {
        android.hardware.fingerprint.FingerprintManager manager =
                app.getSystemService(android.hardware.fingerprint.FingerprintManager.class);
        assertNotNull("FingerprintManager on API 28", manager);
        return Shadow.extract(manager);
    }

    @Test
    public void noSensorIsNoHardware() {
        if (API < 29) {
            return; // Nothing to ask on 28: covered by the test above.
        }
        biometrics().setCanAuthenticate(false);
        assertEquals(BiometricManager.BIOMETRIC_ERROR_NO_HARDWARE, new AndroidDeviceInfo(app).strongBiometricStatus());
    }

    @Test
    public void notEnrolledIsReportedFrom30() {
        if (API < 30) {
            return; // API 29's shadow cannot report "none enrolled" for the no-argument form.
        }
        biometrics().setAuthenticatorType(BiometricManager.BIOMETRIC_ERROR_NONE_ENROLLED);
        assertEquals(BiometricManager.BIOMETRIC_ERROR_NONE_ENROLLED,
                new AndroidDeviceInfo(app).strongBiometricStatus());
    }

    @Test
    public void noScreenLockIsNotSecureAndALockIs() {
        ShadowKeyguardManager keyguard = Shadows.shadowOf(app.getSystemService(KeyguardManager.class));
        keyguard.setIsDeviceSecure(false);
        assertFalse(new AndroidDeviceInfo(app).isDeviceSecure());
        keyguard.setIsDeviceSecure(true);
        assertTrue(new AndroidDeviceInfo(app).isDeviceSecure());
    }

    @Test
    public void strongBoxIsThePackageManagerFeature() {
        Shadows.shadowOf(app.getPackageManager()).setSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE, true);
        assertTrue(new AndroidDeviceInfo(app).hasStrongBox());
        Shadows.shadowOf(app.getPackageManager()).setSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE, false);
        assertFalse(new AndroidDeviceInfo(app).hasStrongBox());
    }

    @Test
    public void theBridgeStatusArrayCarriesTheRealAnswers() {
        Shadows.shadowOf(app.getPackageManager()).setSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE, true);
        Shadows.shadowOf(app.getSystemService(KeyguardManager.class)).setIsDeviceSecure(true);
        if (API < 29) {
            fingerprints().setIsHardwareDetected(true);
            fingerprints().setDefaultFingerprints(1);
        }
        AndroidDeviceInfo info = new AndroidDeviceInfo(app);
        NativeBridge.Installation installation = NativeBridge.install(info, new AndroidKeyVault(info),
                new AndroidPrompter(API, Runnable::run, new LifecycleTracker()), Runnable::run);
        try {
            int[] status = NativeBridge.status();
            assertEquals(API, status[NativeBridge.STATUS_API_LEVEL]);
            assertEquals(BiometricManager.BIOMETRIC_SUCCESS, status[NativeBridge.STATUS_STRONG_BIOMETRIC]);
            assertEquals(1, status[NativeBridge.STATUS_DEVICE_SECURE]);
            assertEquals(1, status[NativeBridge.STATUS_STRONGBOX]);
        } finally {
            installation.uninstall();
        }
    }

    /** The service name, spelled out: {@code Context.BIOMETRIC_SERVICE} is API 29. */
    private static final class Context28 {
        static final String BIOMETRIC_SERVICE = "biometric";
    }
}
