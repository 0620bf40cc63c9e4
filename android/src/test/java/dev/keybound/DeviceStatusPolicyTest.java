package dev.keybound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeviceStatusPolicyTest {
    @Test
    void queryPerApiLevel() {
        assertEquals(DeviceStatusPolicy.Query.NONE, DeviceStatusPolicy.queryFor(23));
        assertEquals(DeviceStatusPolicy.Query.NONE, DeviceStatusPolicy.queryFor(27));
        assertEquals(DeviceStatusPolicy.Query.FINGERPRINT, DeviceStatusPolicy.queryFor(28));
        assertEquals(DeviceStatusPolicy.Query.LEGACY, DeviceStatusPolicy.queryFor(29));
        assertEquals(DeviceStatusPolicy.Query.STRONG, DeviceStatusPolicy.queryFor(30));
        assertEquals(DeviceStatusPolicy.Query.STRONG, DeviceStatusPolicy.queryFor(35));
    }

    @Test
    void strongQueryIsClass3Only() {
        assertEquals(15, DeviceStatusPolicy.strongAuthenticators());
    }

    @Test
    void strongBoxFeatureAskedFrom28() {
        assertFalse(DeviceStatusPolicy.asksStrongBox(27));
        assertTrue(DeviceStatusPolicy.asksStrongBox(28));
    }

    @Test
    void unsupportedBelow28SaidClearly() {
        assertNull(ApiLevels.unsupportedReason(28));
        String why = ApiLevels.unsupportedReason(26);
        assertTrue(why.contains("Android 9 (API 28)"), why);
        assertTrue(why.contains("API 26"), why);
        assertFalse(ApiLevels.isSupported(27));
        assertFalse(ApiLevels.deviceCredentialWithCrypto(29));
        assertTrue(ApiLevels.deviceCredentialWithCrypto(30));
    }

    @Test
    void api28StatusFromFingerprintManager() {
        // {manager present, hardware detected, enrolled} -> canAuthenticate code
        Object[][] cases = {
            {false, false, false, 12}, {true, false, false, 12}, {true, false, true, 12},
            {true, true, false, 11}, {true, true, true, 0},
        };
        for (Object[] c : cases) {
            assertEquals((int) c[3], DeviceStatusPolicy.fingerprintStatus((boolean) c[0], (boolean) c[1], (boolean) c[2]),
                    java.util.Arrays.toString(c));
        }
    }

    @Test
    void successIsZero() {
        assertEquals(0, DeviceStatusPolicy.SUCCESS);
    }
}
