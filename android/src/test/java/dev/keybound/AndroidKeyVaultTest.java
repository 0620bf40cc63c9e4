package dev.keybound;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import android.content.Context;
import android.content.pm.PackageManager;
import android.os.Build;
import android.security.keystore.KeyGenParameterSpec;
import android.security.keystore.KeyProperties;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.Shadows;

/**
 * AndroidKeyVault on the real framework of each API level in
 * robolectric.properties: the real {@code KeyGenParameterSpec.Builder}
 * validates and builds the spec, and the test reads the real spec back.
 * Robolectric has no AndroidKeyStore, so key generation, the store and the
 * signature are {@link FakeAndroidKeyStore} (real JDK P-256 keys); the
 * device answers (API level, StrongBox feature) come from a real
 * {@link AndroidDeviceInfo} over the application Context.
 */
@RunWith(RobolectricTestRunner.class)
public class AndroidKeyVaultTest {
    private static final byte[] CHALLENGE = "nonce-123".getBytes(StandardCharsets.UTF_8);
    private static final int API = Build.VERSION.SDK_INT;

    @Before
    public void setUp() {
        FakeAndroidKeyStore.install();
    }

    @After
    public void tearDown() {
        FakeAndroidKeyStore.uninstall();
    }

    private static AndroidKeyVault vault(boolean strongBoxFeature) {
        Context context = RuntimeEnvironment.getApplication();
        Shadows.shadowOf(context.getPackageManager())
                .setSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE, strongBoxFeature);
        return new AndroidKeyVault(new AndroidDeviceInfo(context));
    }

    private static KeyGenParameterSpec onlyAttempt() {
        assertEquals(1, FakeAndroidKeyStore.ATTEMPTS.size());
        return FakeAndroidKeyStore.ATTEMPTS.get(0);
    }

    @Test
    public void theRealSpecIsPerUseP256AttestedAndInvalidatedByEnrolment() throws Exception {
        KeyInfo info = vault(true).create("login", CHALLENGE, false, true);
        KeyGenParameterSpec spec = onlyAttempt();
        assertEquals("login", spec.getKeystoreAlias());
        assertEquals(KeyProperties.PURPOSE_SIGN, spec.getPurposes());
        assertEquals("secp256r1", ((ECGenParameterSpec) spec.getAlgorithmParameterSpec()).getName());
        assertArrayEquals(new String[] {KeyProperties.DIGEST_SHA256}, spec.getDigests());
        assertTrue(spec.isUserAuthenticationRequired());
        assertTrue(spec.isInvalidatedByBiometricEnrollment());
        assertTrue(spec.isUnlockedDeviceRequired());
        assertTrue("StrongBox asked for and advertised", spec.isStrongBoxBacked());
        assertArrayEquals(CHALLENGE, spec.getAttestationChallenge());
        assertEquals(KeyInfo.LEVEL_STRONGBOX, info.securityLevel());
        assertEquals(3, info.attestationChain().length);
        assertEquals("leaf:login:nonce-123", new String(info.attestationChain()[0], StandardCharsets.UTF_8));
        assertArrayEquals(info.publicKeySpki(), vault(true).publicKey("login"));
    }

    @Test
    public void everyUseNeedsAStrongBiometricOnEveryLevel() throws Exception {
        vault(false).create("k", CHALLENGE, false, false);
        KeyGenParameterSpec spec = onlyAttempt();
        if (API >= 30) {
            // setUserAuthenticationParameters(0, AUTH_BIOMETRIC_STRONG).
            assertEquals(0, spec.getUserAuthenticationValidityDurationSeconds());
            assertEquals(KeyProperties.AUTH_BIOMETRIC_STRONG, spec.getUserAuthenticationType());
        } else {
            // API 28-29: the default validity, -1, is "every use, biometric only".
            assertEquals(-1, spec.getUserAuthenticationValidityDurationSeconds());
        }
        assertFalse(spec.isStrongBoxBacked());
    }

    @Test
    public void deviceCredentialIsAddedToTheKeyFrom30AndRefusedBelow() throws Exception {
        AndroidKeyVault vault = vault(false);
        if (API >= 30) {
            vault.create("k", CHALLENGE, true, false);
            assertEquals(KeyProperties.AUTH_BIOMETRIC_STRONG | KeyProperties.AUTH_DEVICE_CREDENTIAL,
                    onlyAttempt().getUserAuthenticationType());
            assertEquals(0, onlyAttempt().getUserAuthenticationValidityDurationSeconds());
        } else {
            KeyVaultException e = assertThrows(KeyVaultException.class,
                    () -> vault.create("k", CHALLENGE, true, false));
            assertEquals(KeyVaultException.UNSUPPORTED, e.reason());
            assertTrue("nothing is made", FakeAndroidKeyStore.ATTEMPTS.isEmpty());
        }
    }

    @Test
    public void noChallengeBuildsASpecWithoutOne() throws Exception {
        vault(false).create("k", null, false, false);
        assertEquals(null, onlyAttempt().getAttestationChallenge());
    }

    @Test
    public void strongBoxUnavailableFallsBackToTheTeeAndSaysSo() throws Exception {
        FakeAndroidKeyStore.strongBoxUnavailable = true;
        KeyInfo info = vault(true).create("k", CHALLENGE, false, true);
        assertEquals(2, FakeAndroidKeyStore.ATTEMPTS.size());
        assertTrue(FakeAndroidKeyStore.ATTEMPTS.get(0).isStrongBoxBacked());
        assertFalse(FakeAndroidKeyStore.ATTEMPTS.get(1).isStrongBoxBacked());
        assertEquals(KeyInfo.LEVEL_TEE, info.securityLevel());
    }

    @Test
    public void anotherStrongBoxFailureIsReportedAndNotSilentlyMadeInTheTee() {
        FakeAndroidKeyStore.strongBoxFails = true;
        KeyVaultException e = assertThrows(KeyVaultException.class,
                () -> vault(true).create("k", CHALLENGE, false, true));
        assertEquals(KeyVaultException.FAILED, e.reason());
        assertTrue("no TEE attempt after a StrongBox failure", onlyAttempt().isStrongBoxBacked());
        assertTrue(FakeAndroidKeyStore.KEYS.isEmpty());
    }

    @Test
    public void noStrongBoxFeatureMeansNoStrongBoxAttempt() throws Exception {
        KeyInfo info = vault(false).create("k", CHALLENGE, false, true);
        assertFalse(onlyAttempt().isStrongBoxBacked());
        assertEquals(KeyInfo.LEVEL_TEE, info.securityLevel());
    }

    @Test
    public void softwareKeyIsReportedAsSoftwareThroughTheRealKeyInfo() throws Exception {
        FakeAndroidKeyStore.softwareOnly = true;
        assertEquals(KeyInfo.LEVEL_SOFTWARE, vault(false).create("k", CHALLENGE, false, false).securityLevel());
    }

    @Test
    public void createReplacesTheKeyUnderTheAlias() throws Exception {
        AndroidKeyVault vault = vault(false);
        byte[] first = vault.create("k", CHALLENGE, false, false).publicKeySpki();
        byte[] second = vault.create("k", CHALLENGE, false, false).publicKeySpki();
        assertFalse(Arrays.equals(first, second));
        assertTrue(vault.exists("k"));
        assertEquals(1, FakeAndroidKeyStore.KEYS.size());
    }

    @Test
    public void signatureSignsWithTheKeyAndVerifiesWithItsPublicKey() throws Exception {
        AndroidKeyVault vault = vault(false);
        byte[] spki = vault.create("k", CHALLENGE, false, false).publicKeySpki();
        Signature signing = vault.signatureFor("k");
        byte[] payload = "header.claims".getBytes(StandardCharsets.UTF_8);
        signing.update(payload);
        byte[] der = signing.sign();
        assertTrue(FakeAndroidKeyStore.verifies(spki, payload, der));
        payload[0] ^= 1;
        assertFalse(FakeAndroidKeyStore.verifies(spki, payload, der));
        assertNotEquals(0, der.length);
    }

    @Test
    public void invalidatedKeyIsDeletedAndReported() throws Exception {
        AndroidKeyVault vault = vault(false);
        vault.create("k", CHALLENGE, false, false);
        FakeAndroidKeyStore.KEYS.get("k").invalidated = true;
        KeyVaultException e = assertThrows(KeyVaultException.class, () -> vault.signatureFor("k"));
        assertEquals(KeyVaultException.INVALIDATED, e.reason());
        assertFalse("an invalidated key is deleted", vault.exists("k"));
    }

    @Test
    public void missingKeyIsNotFoundAndDeleteRemoves() throws Exception {
        AndroidKeyVault vault = vault(false);
        assertEquals(KeyVaultException.NOT_FOUND,
                assertThrows(KeyVaultException.class, () -> vault.signatureFor("none")).reason());
        assertEquals(KeyVaultException.NOT_FOUND,
                assertThrows(KeyVaultException.class, () -> vault.publicKey("none")).reason());
        assertFalse(vault.exists("none"));
        assertFalse(vault.delete("none"));
        vault.create("k", CHALLENGE, false, false);
        assertTrue(vault.delete("k"));
        assertFalse(vault.exists("k"));
    }

    private static byte[] signWith(AndroidKeyVault vault, String alias, byte[] payload) throws Exception {
        Signature signing = vault.signatureFor(alias);
        signing.update(payload);
        return signing.sign();
    }

    @Test
    public void aFailedReEnrolmentLeavesTheOldKeyUsable() throws Exception {
        byte[] payload = "header.claims".getBytes(StandardCharsets.UTF_8);
        // Table: the failure hits the first re-enrolment (key in the base slot)
        // and a later one (key in the second slot).
        for (int successfulEnrolmentsFirst : new int[] {1, 2}) {
            FakeAndroidKeyStore.reset();
            AndroidKeyVault vault = vault(true);
            byte[] old = null;
            for (int i = 0; i < successfulEnrolmentsFirst; i++) {
                old = vault.create("k", CHALLENGE, false, false).publicKeySpki();
            }
            FakeAndroidKeyStore.generationFails = true;
            KeyVaultException e = assertThrows(KeyVaultException.class,
                    () -> vault.create("k", CHALLENGE, false, true));
            assertEquals(KeyVaultException.FAILED, e.reason());
            FakeAndroidKeyStore.generationFails = false;
            assertTrue("after " + successfulEnrolmentsFirst, vault.exists("k"));
            assertArrayEquals(old, vault.publicKey("k"));
            assertTrue("the old key still signs", FakeAndroidKeyStore.verifies(old, payload, signWith(vault, "k", payload)));
            assertEquals("no half-made entry is left", 1, FakeAndroidKeyStore.KEYS.size());
        }
    }

    @Test
    public void noEnrolledBiometricIsNotEnrolledAndKeepsTheOldKey() throws Exception {
        AndroidKeyVault vault = vault(false);
        byte[] old = vault.create("k", CHALLENGE, false, false).publicKeySpki();
        FakeAndroidKeyStore.noneEnrolled = true;
        KeyVaultException e = assertThrows(KeyVaultException.class, () -> vault.create("k", CHALLENGE, false, false));
        assertEquals(KeyVaultException.NOT_ENROLLED, e.reason());
        FakeAndroidKeyStore.noneEnrolled = false;
        assertArrayEquals(old, vault.publicKey("k"));
        // Any other generation failure is still FAILED, not NOT_ENROLLED.
        FakeAndroidKeyStore.generationFails = true;
        assertEquals(KeyVaultException.FAILED,
                assertThrows(KeyVaultException.class, () -> vault.create("k", CHALLENGE, false, false)).reason());
    }

    @Test
    public void aKeystoreHoldingTheDeviceLockedIsUserNotAuthenticatedAndKeepsTheKey() throws Exception {
        AndroidKeyVault vault = vault(false);
        byte[] spki = vault.create("k", CHALLENGE, false, false).publicKeySpki();
        FakeAndroidKeyStore.lockedOnInit = true;
        KeyVaultException e = assertThrows(KeyVaultException.class, () -> vault.signatureFor("k"));
        assertEquals(KeyVaultException.USER_NOT_AUTHENTICATED, e.reason());
        FakeAndroidKeyStore.lockedOnInit = false;
        // Unlike an invalidated key, nothing was deleted: once unlocked it signs.
        byte[] payload = "p".getBytes(StandardCharsets.UTF_8);
        assertTrue(FakeAndroidKeyStore.verifies(spki, payload, signWith(vault, "k", payload)));
    }

    @Test
    public void reEnrolmentsAlternateSlotsAndAlwaysServeTheNewestKey() throws Exception {
        AndroidKeyVault vault = vault(false);
        byte[] payload = "p".getBytes(StandardCharsets.UTF_8);
        byte[] previous = null;
        for (int i = 0; i < 4; i++) {
            byte[] spki = vault.create("k", CHALLENGE, false, false).publicKeySpki();
            assertArrayEquals(spki, vault.publicKey("k"));
            assertTrue(FakeAndroidKeyStore.verifies(spki, payload, signWith(vault, "k", payload)));
            if (previous != null) {
                assertFalse("the old key is gone", FakeAndroidKeyStore.verifies(previous, payload,
                        signWith(vault, "k", payload)));
            }
            assertEquals(1, FakeAndroidKeyStore.KEYS.size());
            previous = spki;
        }
        assertTrue(vault.delete("k"));
        assertFalse(vault.exists("k"));
        assertTrue(FakeAndroidKeyStore.KEYS.isEmpty());
    }

    @Test
    public void anOrphanFromAnInterruptedEnrolmentIsNotCurrentAndIsReplaced() throws Exception {
        AndroidKeyVault vault = vault(false);
        byte[] current = vault.create("k", CHALLENGE, false, false).publicKeySpki();
        // The process died after generating in the second slot, before deleting the old key.
        KeyGenParameterSpec orphan = new KeyGenParameterSpec.Builder("k" + AndroidKeyVault.NEXT_SUFFIX,
                KeyProperties.PURPOSE_SIGN).setAlgorithmParameterSpec(new ECGenParameterSpec("secp256r1")).build();
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC", "AndroidKeyStore");
        g.initialize(orphan);
        g.generateKeyPair();
        assertEquals(2, FakeAndroidKeyStore.KEYS.size());
        assertArrayEquals("the old key stays current", current, vault.publicKey("k"));
        byte[] fresh = vault.create("k", CHALLENGE, false, false).publicKeySpki();
        assertArrayEquals(fresh, vault.publicKey("k"));
        assertEquals(1, FakeAndroidKeyStore.KEYS.size());
    }
}
