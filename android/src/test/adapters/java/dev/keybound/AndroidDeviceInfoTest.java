package dev.keybound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import android.app.Application;
import android.app.KeyguardManager;
import android.content.pm.PackageManager;
import android.hardware.biometrics.BiometricManager;
import android.os.Build;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** AndroidDeviceInfo applies DeviceStatusPolicy to the (fake) framework services. */
class AndroidDeviceInfoTest {
    private final Application context = new Application();
    private final BiometricManager biometrics = new BiometricManager();

    private AndroidDeviceInfo info(int api) {
        Build.VERSION.SDK_INT = api;
        context.services.put(BiometricManager.class, biometrics);
        return new AndroidDeviceInfo(context);
    }

    @AfterEach
    void tearDown() {
        Build.VERSION.SDK_INT = 36;
    }

    @Test
    void api28HasNoBiometricManagerSoStatusIsUnknown() {
        biometrics.status = 0;
        assertEquals(DeviceInfo.STATUS_UNKNOWN, info(28).strongBiometricStatus());
        assertTrue(biometrics.asked.isEmpty());
    }

    @Test
    void api29UsesTheNoArgumentForm() {
        biometrics.status = 11;
        assertEquals(11, info(29).strongBiometricStatus());
        assertEquals(List.of("legacy"), biometrics.asked);
    }

    @Test
    void api30AsksForStrongOnly() {
        biometrics.status = 0;
        assertEquals(0, info(30).strongBiometricStatus());
        assertEquals(List.of("15"), biometrics.asked);
    }

    @Test
    void missingServiceIsUnknown() {
        Build.VERSION.SDK_INT = 35;
        assertEquals(DeviceInfo.STATUS_UNKNOWN, new AndroidDeviceInfo(new Application()).strongBiometricStatus());
    }

    @Test
    void strongBoxIsTheFeatureFlagFrom28() {
        context.packageManager.features.add(PackageManager.FEATURE_STRONGBOX_KEYSTORE);
        assertTrue(info(28).hasStrongBox());
        assertFalse(info(27).hasStrongBox());
        context.packageManager.features.clear();
        assertFalse(info(35).hasStrongBox());
    }

    @Test
    void deviceSecureIsTheKeyguardAnswer() {
        KeyguardManager keyguard = new KeyguardManager();
        context.services.put(KeyguardManager.class, keyguard);
        assertFalse(info(33).isDeviceSecure());
        keyguard.secure = true;
        assertTrue(info(33).isDeviceSecure());
        context.services.remove(KeyguardManager.class);
        assertFalse(info(33).isDeviceSecure());
    }

    @Test
    void apiLevelIsReported() {
        assertEquals(26, info(26).apiLevel());
    }
}
