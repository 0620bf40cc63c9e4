package dev.keybound;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keybound.host.AttestationCerts;
import dev.keybound.host.HostDeviceInfo;
import dev.keybound.host.HostKeyVault;
import dev.keybound.host.HostPrompter;
import dev.keybound.host.HostSignature;
import java.io.ByteArrayInputStream;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The host platform behaves like the Keystore where keybound relies on it. */
class HostKeyVaultTest {
    private final HostDeviceInfo device = new HostDeviceInfo();
    private final HostKeyVault vault = new HostKeyVault(device);
    private final ScheduledExecutorService main = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void tearDown() {
        main.shutdownNow();
    }

    /** Runs one scripted prompt for {@code s}; returns the instance the callback handed back. */
    private Signature prompt(HostPrompter prompter, Signature s) throws InterruptedException {
        AtomicReference<Signature> handed = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        main.execute(() -> prompter.authenticate(s, new PromptText("t", null, null, "c"), false,
                new Prompter.Callback() {
                    @Override
                    public void onSucceeded(Signature authorised, int authType) {
                        handed.set(authorised);
                        done.countDown();
                    }

                    @Override
                    public void onError(int code, CharSequence message) {
                        done.countDown();
                    }

                    @Override
                    public void onFailed() {}

                    @Override
                    public void onHelp(int code, CharSequence message) {}
                }));
        assertTrue(done.await(5, TimeUnit.SECONDS));
        return handed.get();
    }

    @Test
    void signingWithoutAPromptIsRefused() throws Exception {
        vault.create("k", new byte[] {1}, false, false);
        Signature s = vault.signatureFor("k");
        SignatureException e = assertThrows(SignatureException.class, () -> s.update(new byte[] {1}));
        assertEquals("Key user not authenticated", e.getMessage());
        assertThrows(SignatureException.class, s::sign);
    }

    @Test
    void anAuthorisationIsGoodForOneSignatureOfThatInstanceOnly() throws Exception {
        vault.create("k", new byte[] {1}, false, false);
        HostPrompter prompter = new HostPrompter(main);
        Signature authorised = vault.signatureFor("k");
        Signature other = vault.signatureFor("k");
        Signature handed = prompt(prompter, authorised);
        assertTrue(handed == authorised, "the callback hands back the authorised instance");
        assertThrows(SignatureException.class, () -> other.update(new byte[] {1}));
        authorised.update(new byte[] {1});
        assertNotNull(authorised.sign());
        assertFalse(((HostSignature) authorised).isAuthorised());
        assertThrows(SignatureException.class, () -> authorised.update(new byte[] {1}));
    }

    @Test
    void aMisbehavingPrompterHandsBackAnInstanceThatCannotSign() throws Exception {
        vault.create("k", new byte[] {1}, false, false);
        HostPrompter prompter = new HostPrompter(main);
        prompter.script(HostPrompter.Step.wrongSignature());
        Signature s = vault.signatureFor("k");
        Signature handed = prompt(prompter, s);
        assertFalse(handed == s);
        assertThrows(SignatureException.class, () -> handed.update(new byte[] {1}));
    }

    @Test
    void invalidationDeletesTheKeyAtItsNextUse() throws Exception {
        vault.create("k", new byte[] {1}, false, false);
        vault.invalidate("k");
        assertEquals(KeyVaultException.INVALIDATED,
                assertThrows(KeyVaultException.class, () -> vault.signatureFor("k")).reason());
        assertFalse(vault.exists("k"));
        assertEquals(KeyVaultException.NOT_FOUND,
                assertThrows(KeyVaultException.class, () -> vault.signatureFor("k")).reason());
        assertFalse(vault.delete("k"));
    }

    @Test
    void strongBoxFailureFallsBackToTheTee() throws Exception {
        assertEquals(KeyInfo.LEVEL_STRONGBOX, vault.create("a", new byte[] {1}, false, true).securityLevel());
        vault.breakStrongBox(true);
        assertEquals(KeyInfo.LEVEL_TEE, vault.create("b", new byte[] {1}, false, true).securityLevel());
        vault.breakStrongBox(false);
        device.set(33, 0, true, false);
        assertEquals(KeyInfo.LEVEL_TEE, vault.create("c", new byte[] {1}, false, true).securityLevel());
        assertEquals(KeyInfo.LEVEL_TEE, vault.create("d", new byte[] {1}, false, false).securityLevel());
    }

    @Test
    void theAttestationChainIsX509LeafSignedByTheRootWithTheChallenge() throws Exception {
        byte[] challenge = "nonce-from-server".getBytes("US-ASCII");
        KeyInfo info = vault.create("k", challenge, false, true);
        byte[][] chain = info.attestationChain();
        assertEquals(2, chain.length);
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate leaf = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(chain[0]));
        X509Certificate root = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(chain[1]));
        leaf.verify(root.getPublicKey());
        root.verify(root.getPublicKey());
        assertTrue(root.getBasicConstraints() >= 0, "root is a CA");
        assertArrayEquals(info.publicKeySpki(), leaf.getPublicKey().getEncoded());
        byte[] ext = leaf.getExtensionValue(AttestationCerts.KEY_DESCRIPTION_OID);
        assertNotNull(ext);
        assertTrue(contains(ext, challenge), "challenge in KeyDescription");
        assertArrayEquals(vault.certs().rootCertificate(), chain[1]);
    }

    @Test
    void publicKeyIsTheSpkiOfTheKeyThatSigns() throws Exception {
        KeyInfo info = vault.create("k", new byte[] {1}, false, false);
        assertArrayEquals(info.publicKeySpki(), vault.publicKey("k"));
        assertEquals(91, info.publicKeySpki().length, "P-256 SPKI");
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
