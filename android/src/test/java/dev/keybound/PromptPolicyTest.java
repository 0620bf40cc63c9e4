package dev.keybound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PromptPolicyTest {
    @Test
    void api28IsBiometricOnlyWithNegativeButtonAndNoAuthenticatorsCall() {
        PromptPolicy p = PromptPolicy.forApi(28, false);
        assertFalse(p.setsAllowedAuthenticators());
        assertTrue(p.hasNegativeButton());
        assertFalse(p.allowsDeviceCredential());
        assertFalse(p.readsResultType());
        assertFalse(p.usesLegacyDeviceCredentialFlag());
    }

    @ParameterizedTest
    @ValueSource(ints = {28, 29})
    void belowApi30DeviceCredentialIsNeverOffered(int api) {
        PromptPolicy p = PromptPolicy.forApi(api, true);
        assertFalse(p.allowsDeviceCredential(), "no credential with a CryptoObject below 30");
        assertTrue(p.hasNegativeButton(), "biometric-only prompt needs its negative button");
        assertFalse(p.setsAllowedAuthenticators());
        assertFalse(p.usesLegacyDeviceCredentialFlag(), "setDeviceCredentialAllowed is never used");
        assertEquals(PromptPolicy.BIOMETRIC_STRONG, p.allowedAuthenticators());
    }

    @Test
    void api29ReadsNoResultType() {
        assertFalse(PromptPolicy.forApi(29, false).readsResultType());
    }

    @ParameterizedTest
    @ValueSource(ints = {30, 35})
    void api30PlusBiometricOnlyIsStrongWithNegativeButton(int api) {
        PromptPolicy p = PromptPolicy.forApi(api, false);
        assertTrue(p.setsAllowedAuthenticators());
        assertEquals(15, p.allowedAuthenticators());
        assertTrue(p.hasNegativeButton());
        assertTrue(p.readsResultType());
    }

    @ParameterizedTest
    @ValueSource(ints = {30, 35})
    void api30PlusWithCredentialIsStrongOrCredentialWithoutNegativeButton(int api) {
        PromptPolicy p = PromptPolicy.forApi(api, true);
        assertTrue(p.setsAllowedAuthenticators());
        assertEquals(15 | 32768, p.allowedAuthenticators());
        assertTrue(p.allowsDeviceCredential());
        assertFalse(p.hasNegativeButton(), "framework refuses a negative button with device credential");
    }

    @ParameterizedTest
    @ValueSource(ints = {28, 29, 30, 31, 33, 34, 35, 36})
    void weakIsNeverAllowed(int api) {
        for (boolean credential : new boolean[] {false, true}) {
            int a = PromptPolicy.forApi(api, credential).allowedAuthenticators();
            assertNotEquals(PromptPolicy.BIOMETRIC_WEAK, a & PromptPolicy.BIOMETRIC_WEAK,
                    "WEAK bits at API " + api);
            assertEquals(PromptPolicy.BIOMETRIC_STRONG, a & PromptPolicy.BIOMETRIC_WEAK);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 23, 26, 27})
    void belowApi28IsRefused(int api) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PromptPolicy.forApi(api, false));
        assertTrue(e.getMessage().contains("API 28"), e.getMessage());
    }

    @Test
    void authTypeIsBiometricWithoutCredentialUnlessTheOsSaysCredential() {
        PromptPolicy p = PromptPolicy.forApi(35, false);
        // The OS's report wins even where credential was not offered: never a
        // biometric claim for a credential unlock (the bridge then signs nothing).
        assertEquals(Prompter.AUTH_TYPE_DEVICE_CREDENTIAL, p.authType(PromptPolicy.RESULT_TYPE_DEVICE_CREDENTIAL));
        assertEquals(Prompter.AUTH_TYPE_BIOMETRIC, p.authType(PromptPolicy.RESULT_TYPE_BIOMETRIC));
        assertEquals(Prompter.AUTH_TYPE_BIOMETRIC, p.authType(-1));
        assertEquals(Prompter.AUTH_TYPE_BIOMETRIC, PromptPolicy.forApi(28, true).authType(0));
    }

    @Test
    void authTypeFollowsTheResultWithCredentialAndUnknownIsTheWeakerClaim() {
        PromptPolicy p = PromptPolicy.forApi(30, true);
        assertEquals(Prompter.AUTH_TYPE_BIOMETRIC, p.authType(PromptPolicy.RESULT_TYPE_BIOMETRIC));
        assertEquals(Prompter.AUTH_TYPE_DEVICE_CREDENTIAL, p.authType(PromptPolicy.RESULT_TYPE_DEVICE_CREDENTIAL));
        assertEquals(Prompter.AUTH_TYPE_DEVICE_CREDENTIAL, p.authType(-1));
    }

    @Test
    void resultTypesAreThePrompterAuthTypes() {
        assertEquals(Prompter.AUTH_TYPE_BIOMETRIC, PromptPolicy.RESULT_TYPE_BIOMETRIC);
        assertEquals(Prompter.AUTH_TYPE_DEVICE_CREDENTIAL, PromptPolicy.RESULT_TYPE_DEVICE_CREDENTIAL);
    }

    @Test
    void blankNegativeButtonGetsTheDefaultLabel() {
        assertEquals("Cancel", PromptPolicy.negativeButtonLabel(null));
        assertEquals("Cancel", PromptPolicy.negativeButtonLabel("  "));
        assertEquals("Not now", PromptPolicy.negativeButtonLabel("Not now"));
    }
}
