package dev.keybound;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import android.security.keystore.KeyGenParameterSpec;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AndroidKeyVault against a host fake of the AndroidKeyStore provider
 * (FakeAndroidKeyStore): the spec it asks for per API level, the StrongBox →
 * TEE fallback and reported level, the attestation chain, and invalidation.
 */
class AndroidKeyVaultTest {
    private static final byte[] CHALLENGE = "nonce-123".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void setUp() {
        FakeAndroidKeyStore.install();
    }

    @AfterEach
    void tearDown() {
        FakeAndroidKeyStore.uninstall();
    }

    private static AndroidKeyVault vault(int api, boolean strongBox) {
        return new AndroidKeyVault(new DeviceInfo() {
            @Override
            public int apiLevel() {
                return api;
            }

            @Override
            public int strongBiometricStatus() {
                return 0;
            }

            @Override
            public boolean isDeviceSecure() {
                return true;
            }

            @Override
            public boolean hasStrongBox() {
                return strongBox;
            }
        });
    }

    private static KeyGenParameterSpec onlyAttempt() {
        assertEquals(1, FakeAndroidKeyStore.ATTEMPTS.size());
        return FakeAndroidKeyStore.ATTEMPTS.get(0);
    }

    @Test
    void api35KeyIsPerUseStrongBiometricP256AttestedInStrongBox() throws Exception {
        KeyInfo info = vault(35, true).create("login", CHALLENGE, false, true);
        KeyGenParameterSpec spec = onlyAttempt();
        assertEquals("login", spec.alias);
        assertEquals(KeyPolicy.PURPOSE_SIGN, spec.purposes);
        assertEquals("secp256r1", ((ECGenParameterSpec) spec.algorithmSpec).getName());
        assertArrayEquals(new String[] {"SHA-256"}, spec.digests);
        assertTrue(spec.userAuthenticationRequired);
        assertEquals(0, spec.authTimeout);
        assertEquals(KeyPolicy.AUTH_BIOMETRIC_STRONG, spec.authTypes);
        assertEquals(Boolean.TRUE, spec.invalidatedByBiometricEnrollment);
        assertTrue(spec.unlockedDeviceRequired);
        assertTrue(spec.strongBox);
        assertArrayEquals(CHALLENGE, spec.attestationChallenge);
        assertEquals(KeyInfo.LEVEL_STRONGBOX, info.securityLevel());
        assertEquals(3, info.attestationChain().length);
        assertEquals("leaf:login:nonce-123", new String(info.attestationChain()[0], StandardCharsets.UTF_8));
        assertArrayEquals(info.publicKeySpki(), vault(35, true).publicKey("login"));
    }

    @Test
    void api28UsesAuthRequiredWithDefaultValidity() throws Exception {
        vault(28, false).create("k", CHALLENGE, false, false);
        KeyGenParameterSpec spec = onlyAttempt();
        assertTrue(spec.userAuthenticationRequired);
        assertEquals(-1, spec.authTimeout, "setUserAuthenticationParameters is API 30");
        assertEquals(-1, spec.authTypes);
        assertTrue(spec.unlockedDeviceRequired);
        assertFalse(spec.strongBox);
    }

    @Test
    void api30DeviceCredentialAddsItToTheKey() throws Exception {
        vault(30, false).create("k", CHALLENGE, true, false);
        assertEquals(KeyPolicy.AUTH_BIOMETRIC_STRONG | KeyPolicy.AUTH_DEVICE_CREDENTIAL, onlyAttempt().authTypes);
    }

    @Test
    void api29DeviceCredentialIsUnsupportedAndNothingIsMade() {
        KeyVaultException e = assertThrows(KeyVaultException.class,
                () -> vault(29, false).create("k", CHALLENGE, true, false));
        assertEquals(KeyVaultException.UNSUPPORTED, e.reason());
        assertTrue(FakeAndroidKeyStore.ATTEMPTS.isEmpty());
    }

    @Test
    void strongBoxUnavailableFallsBackToTheTeeAndSaysSo() throws Exception {
        FakeAndroidKeyStore.strongBoxUnavailable = true;
        KeyInfo info = vault(33, true).create("k", CHALLENGE, false, true);
        assertEquals(2, FakeAndroidKeyStore.ATTEMPTS.size());
        assertTrue(FakeAndroidKeyStore.ATTEMPTS.get(0).strongBox);
        assertFalse(FakeAndroidKeyStore.ATTEMPTS.get(1).strongBox);
        assertEquals(KeyInfo.LEVEL_TEE, info.securityLevel());
    }

    @Test
    void anotherStrongBoxFailureIsReportedAndNotSilentlyMadeInTheTee() {
        // Only StrongBoxUnavailableException means "no StrongBox here"; any
        // other failure there is an error, not a reason to downgrade the key.
        FakeAndroidKeyStore.strongBoxFails = true;
        KeyVaultException e = assertThrows(KeyVaultException.class,
                () -> vault(33, true).create("k", CHALLENGE, false, true));
        assertEquals(KeyVaultException.FAILED, e.reason());
        assertTrue(onlyAttempt().strongBox, "no TEE attempt after a StrongBox failure");
        assertTrue(FakeAndroidKeyStore.KEYS.isEmpty());
    }

    @Test
    void noStrongBoxFeatureMeansNoStrongBoxAttempt() throws Exception {
        KeyInfo info = vault(33, false).create("k", CHALLENGE, false, true);
        assertFalse(onlyAttempt().strongBox);
        assertEquals(KeyInfo.LEVEL_TEE, info.securityLevel());
    }

    @Test
    void softwareKeyIsReportedAsSoftware() throws Exception {
        FakeAndroidKeyStore.softwareOnly = true;
        assertEquals(KeyInfo.LEVEL_SOFTWARE, vault(33, false).create("k", CHALLENGE, false, false).securityLevel());
    }

    @Test
    void createReplacesTheKeyUnderTheAlias() throws Exception {
        AndroidKeyVault vault = vault(34, false);
        byte[] first = vault.create("k", CHALLENGE, false, false).publicKeySpki();
        byte[] second = vault.create("k", CHALLENGE, false, false).publicKeySpki();
        assertFalse(java.util.Arrays.equals(first, second));
        assertTrue(vault.exists("k"));
        assertEquals(1, FakeAndroidKeyStore.KEYS.size());
    }

    @Test
    void signatureSignsWithTheKeyAndVerifiesWithItsPublicKey() throws Exception {
        AndroidKeyVault vault = vault(34, false);
        byte[] spki = vault.create("k", CHALLENGE, false, false).publicKeySpki();
        Signature signing = vault.signatureFor("k");
        byte[] payload = "header.claims".getBytes(StandardCharsets.UTF_8);
        signing.update(payload);
        byte[] der = signing.sign();
        PublicKey pub = KeyFactory.getInstance("EC", "SunEC").generatePublic(new X509EncodedKeySpec(spki));
        Signature verify = Signature.getInstance("SHA256withECDSA", "SunEC");
        verify.initVerify(pub);
        verify.update(payload);
        assertTrue(verify.verify(der));
    }

    @Test
    void invalidatedKeyIsDeletedAndReported() throws Exception {
        AndroidKeyVault vault = vault(34, false);
        vault.create("k", CHALLENGE, false, false);
        FakeAndroidKeyStore.KEYS.get("k").invalidated = true;
        KeyVaultException e = assertThrows(KeyVaultException.class, () -> vault.signatureFor("k"));
        assertEquals(KeyVaultException.INVALIDATED, e.reason());
        assertFalse(vault.exists("k"), "an invalidated key is deleted");
    }

    @Test
    void missingKeyIsNotFound() throws Exception {
        AndroidKeyVault vault = vault(34, false);
        assertEquals(KeyVaultException.NOT_FOUND,
                assertThrows(KeyVaultException.class, () -> vault.signatureFor("none")).reason());
        assertEquals(KeyVaultException.NOT_FOUND,
                assertThrows(KeyVaultException.class, () -> vault.publicKey("none")).reason());
        assertFalse(vault.exists("none"));
        assertFalse(vault.delete("none"));
    }

    @Test
    void deleteRemovesTheKey() throws Exception {
        AndroidKeyVault vault = vault(34, false);
        vault.create("k", CHALLENGE, false, false);
        assertTrue(vault.delete("k"));
        assertFalse(vault.exists("k"));
    }

    @Test
    void below28IsUnsupported() {
        assertEquals(KeyVaultException.UNSUPPORTED, assertThrows(KeyVaultException.class,
                () -> vault(26, false).create("k", CHALLENGE, false, false)).reason());
    }
}
