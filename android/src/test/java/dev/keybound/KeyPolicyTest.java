package dev.keybound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyPolicyTest {
    @Test
    void onlyTheNoneEnrolledRefusalIsRecognised() {
        String api28 = "At least one fingerprint must be enrolled to create keys requiring user authentication for every use";
        String api29 = "At least one biometric must be enrolled to create keys requiring user authentication for every use";
        Object[][] cases = {
            {new java.security.InvalidAlgorithmParameterException(new IllegalStateException(api28)), true},
            {new java.security.InvalidAlgorithmParameterException(new IllegalStateException(api29)), true},
            {new java.security.ProviderException("wrapped", new java.security.InvalidAlgorithmParameterException(
                    new IllegalStateException(api29))), true},
            {new IllegalStateException(api29), true},
            {new java.security.InvalidAlgorithmParameterException(api29), false}, // not the IllegalStateException
            {new java.security.InvalidAlgorithmParameterException(new IllegalStateException(
                    "Secure lock screen must be enabled to create keys requiring user authentication")), false},
            {new java.security.ProviderException("Failed to generate key pair"), false},
            {new IllegalStateException((String) null), false},
        };
        for (Object[] c : cases) {
            assertEquals(c[1], KeyPolicy.isNoneEnrolled((Throwable) c[0]), String.valueOf(c[0]));
        }
    }

    private static KeyPolicy policy(int api, boolean credential) throws KeyVaultException {
        return KeyPolicy.forRequest(api, credential, false, false);
    }

    @ParameterizedTest
    @ValueSource(ints = {28, 29})
    void api28And29UseAuthRequiredWithDefaultValidity(int api) throws KeyVaultException {
        KeyPolicy p = policy(api, false);
        assertTrue(p.userAuthenticationRequired());
        assertFalse(p.usesAuthenticationParameters(), "setUserAuthenticationParameters is API 30");
        assertTrue(p.invalidatedByBiometricEnrollment());
        assertTrue(p.unlockedDeviceRequired());
    }

    @ParameterizedTest
    @ValueSource(ints = {28, 29})
    void deviceCredentialBelowApi30IsUnsupported(int api) {
        KeyVaultException e = assertThrows(KeyVaultException.class, () -> policy(api, true));
        assertEquals(KeyVaultException.UNSUPPORTED, e.reason());
        assertTrue(e.getMessage().contains("API 30"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {30, 35})
    void api30PlusIsEveryUseStrongBiometric(int api) throws KeyVaultException {
        KeyPolicy p = policy(api, false);
        assertTrue(p.usesAuthenticationParameters());
        assertEquals(0, p.authenticationTimeoutSeconds());
        assertEquals(2, p.authenticationTypes());
        assertTrue(p.userAuthenticationRequired());
        assertTrue(p.invalidatedByBiometricEnrollment());
        assertTrue(p.unlockedDeviceRequired());
    }

    @ParameterizedTest
    @ValueSource(ints = {30, 35})
    void api30PlusWithCredentialAddsDeviceCredential(int api) throws KeyVaultException {
        KeyPolicy p = policy(api, true);
        assertEquals(KeyPolicy.AUTH_BIOMETRIC_STRONG | KeyPolicy.AUTH_DEVICE_CREDENTIAL, p.authenticationTypes());
        assertEquals(3, p.authenticationTypes());
        assertTrue(p.allowsDeviceCredential());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 23, 27})
    void belowApi28IsUnsupported(int api) {
        KeyVaultException e = assertThrows(KeyVaultException.class, () -> policy(api, false));
        assertEquals(KeyVaultException.UNSUPPORTED, e.reason());
        assertTrue(e.getMessage().contains("API " + api), e.getMessage());
    }

    @Test
    void strongBoxFirstOnlyWhenPreferredAndAdvertised() throws KeyVaultException {
        assertEquals(Arrays.asList(KeyPolicy.Backing.STRONGBOX, KeyPolicy.Backing.TEE),
                KeyPolicy.forRequest(28, false, true, true).attempts());
        assertEquals(Collections.singletonList(KeyPolicy.Backing.TEE),
                KeyPolicy.forRequest(35, false, true, false).attempts());
        assertEquals(Collections.singletonList(KeyPolicy.Backing.TEE),
                KeyPolicy.forRequest(35, false, false, true).attempts());
    }

    @Test
    void strongBoxUnavailableFallsBackToTeeButTeeFailureIsFinal() throws KeyVaultException {
        KeyPolicy p = KeyPolicy.forRequest(35, false, true, true);
        assertTrue(p.fallsBackAfter(KeyPolicy.Backing.STRONGBOX));
        assertFalse(p.fallsBackAfter(KeyPolicy.Backing.TEE));
        KeyPolicy teeOnly = KeyPolicy.forRequest(35, false, false, false);
        assertFalse(teeOnly.fallsBackAfter(KeyPolicy.Backing.STRONGBOX));
        assertFalse(teeOnly.fallsBackAfter(KeyPolicy.Backing.TEE));
    }

    @Test
    void reportedLevelIsWhereTheKeyLanded() {
        assertEquals(KeyInfo.LEVEL_STRONGBOX, KeyPolicy.securityLevel(KeyPolicy.Backing.STRONGBOX, true));
        assertEquals(KeyInfo.LEVEL_TEE, KeyPolicy.securityLevel(KeyPolicy.Backing.TEE, true));
        assertEquals(KeyInfo.LEVEL_SOFTWARE, KeyPolicy.securityLevel(KeyPolicy.Backing.TEE, false));
        assertEquals(KeyInfo.LEVEL_SOFTWARE, KeyPolicy.securityLevel(KeyPolicy.Backing.STRONGBOX, false));
    }

    @Test
    void keyShapeIsP256Sha256Signing() {
        assertEquals("secp256r1", KeyPolicy.CURVE);
        assertEquals("SHA256withECDSA", KeyPolicy.SIGNATURE_ALGORITHM);
        assertEquals("AndroidKeyStore", KeyPolicy.PROVIDER);
        assertEquals(4, KeyPolicy.PURPOSE_SIGN);
    }
}
