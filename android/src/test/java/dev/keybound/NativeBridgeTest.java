package dev.keybound;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keybound.host.HostDeviceInfo;
import dev.keybound.host.HostKeyVault;
import dev.keybound.host.HostPrompter;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** NativeBridge's Java logic with the host platform, outcomes recorded instead of sent to Rust. */
class NativeBridgeTest {
    static final class Outcome {
        final long id;
        final int code;
        final byte[] der;
        final int authType;
        final String message;

        Outcome(long id, int code, byte[] der, int authType, String message) {
            this.id = id;
            this.code = code;
            this.der = der;
            this.authType = authType;
            this.message = message;
        }
    }

    private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private ScheduledExecutorService main;
    private HostDeviceInfo device;
    private HostKeyVault vault;
    private HostPrompter prompter;
    private PublicKey publicKey;
    private NativeBridge.Installation installation;

    @BeforeEach
    void setUp() throws Exception {
        NativeBridge.setResultSinkForTesting(
                (id, code, der, authType, message) -> outcomes.add(new Outcome(id, code, der, authType, message)));
        main = Executors.newSingleThreadScheduledExecutor();
        device = new HostDeviceInfo();
        vault = new HostKeyVault(device);
        prompter = new HostPrompter(main);
        installation = NativeBridge.install(device, vault, prompter, main::execute);
        KeyInfo info = NativeBridge.createKey("k", new byte[] {1, 2, 3}, false, true);
        publicKey = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(info.publicKeySpki()));
    }

    @AfterEach
    void tearDown() {
        NativeBridge.uninstallAllForTesting();
        NativeBridge.setResultSinkForTesting(null);
        main.shutdownNow();
    }

    private int start(long id, byte[] payload) throws KeyVaultException {
        return NativeBridge.authenticate(id, "k", payload, null, "Title", null, null, "Cancel", false);
    }

    private Outcome next() throws InterruptedException {
        Outcome o = outcomes.poll(5, TimeUnit.SECONDS);
        assertNotNull(o, "no outcome reported");
        return o;
    }

    private boolean verifies(byte[] payload, byte[] der) throws Exception {
        Signature v = Signature.getInstance("SHA256withECDSA");
        v.initVerify(publicKey);
        v.update(payload);
        return v.verify(der);
    }

    @Test
    void successSignsThePayloadWithTheAuthorisedInstance() throws Exception {
        byte[] payload = "header.payload".getBytes("US-ASCII");
        assertEquals(NativeBridge.START_ACCEPTED, start(7, payload));
        Outcome o = next();
        assertEquals(7, o.id);
        assertEquals(NativeBridge.OUTCOME_SUCCESS, o.code);
        assertEquals(Prompter.AUTH_TYPE_BIOMETRIC, o.authType);
        assertTrue(verifies(payload, o.der));
        assertEquals(0, NativeBridge.pendingRequests());
        assertFalse(NativeBridge.isPromptShowing());
    }

    @Test
    void deviceCredentialSignsTheOtherPayloadOnlyWhenGiven() throws Exception {
        byte[] bio = {1};
        byte[] dc = {2};
        prompter.script(HostPrompter.Step.success(0, Prompter.AUTH_TYPE_DEVICE_CREDENTIAL));
        NativeBridge.authenticate(1, "k", bio, dc, "T", null, null, "C", true);
        Outcome o = next();
        assertEquals(Prompter.AUTH_TYPE_DEVICE_CREDENTIAL, o.authType);
        assertTrue(verifies(dc, o.der));
        assertFalse(verifies(bio, o.der));

        prompter.script(HostPrompter.Step.success(0, Prompter.AUTH_TYPE_DEVICE_CREDENTIAL));
        start(2, bio);
        o = next();
        assertEquals(NativeBridge.OUTCOME_SIGN_FAILED, o.code);
        assertNull(o.der);
    }

    @Test
    void anAuthTypeOutsideTheProtocolSignsNothing() throws Exception {
        // Only the OS's reported type picks a payload; anything else is not
        // "biometric by default".
        int id = 1;
        for (int authType : new int[] {0, 3, -1, 99}) {
            prompter.script(HostPrompter.Step.success(0, authType));
            NativeBridge.authenticate(id, "k", new byte[] {1}, new byte[] {2}, "T", null, null, "C", true);
            Outcome o = next();
            assertEquals(id, o.id);
            assertEquals(NativeBridge.OUTCOME_SIGN_FAILED, o.code, "auth type " + authType);
            assertNull(o.der, "auth type " + authType);
            id++;
        }
        assertEquals(0, NativeBridge.pendingRequests());
    }

    @Test
    void aSecondPromptIsRefusedWhileOneIsShowing() throws Exception {
        prompter.script(HostPrompter.Step.success(300, Prompter.AUTH_TYPE_BIOMETRIC));
        assertEquals(NativeBridge.START_ACCEPTED, start(1, new byte[] {1}));
        assertEquals(NativeBridge.START_BUSY, start(2, new byte[] {2}));
        Outcome o = next();
        assertEquals(1, o.id);
        assertEquals(NativeBridge.OUTCOME_SUCCESS, o.code);
        assertNull(outcomes.poll(200, TimeUnit.MILLISECONDS), "a refused request reports nothing");
        assertEquals(1, prompter.promptsShown());
    }

    @Test
    void cancelEndsThePromptAsUserCanceledOnce() throws Exception {
        prompter.script(HostPrompter.Step.success(10_000, Prompter.AUTH_TYPE_BIOMETRIC));
        start(3, new byte[] {1});
        drain();
        NativeBridge.cancel(3);
        NativeBridge.cancel(3);
        Outcome o = next();
        assertEquals(NativeBridge.ERROR_USER_CANCELED, o.code);
        assertNull(outcomes.poll(200, TimeUnit.MILLISECONDS), "reported once");
        assertEquals(1, prompter.cancelsReceived());
        NativeBridge.cancel(999); // unknown: ignored
    }

    @Test
    void backgroundingReportsCanceledWhateverThePrompterSays() throws Exception {
        prompter.script(HostPrompter.Step.success(10_000, Prompter.AUTH_TYPE_BIOMETRIC));
        start(4, new byte[] {1});
        drain();
        installation.onBackgrounded();
        Outcome o = next();
        assertEquals(NativeBridge.ERROR_CANCELED, o.code);
        installation.onBackgrounded(); // nothing showing: no-op
        assertNull(outcomes.poll(100, TimeUnit.MILLISECONDS));
    }

    @Test
    void errorCodesPassThrough() throws Exception {
        for (int code : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15}) {
            prompter.script(HostPrompter.Step.error(code, 0));
            start(100 + code, new byte[] {1});
            Outcome o = next();
            assertEquals(100 + code, o.id);
            assertEquals(code, o.code);
            assertNull(o.der);
        }
    }

    @Test
    void keyVaultErrorsAreThrownSynchronouslyAndLeaveNoRequest() {
        KeyVaultException e = assertThrows(KeyVaultException.class,
                () -> NativeBridge.authenticate(5, "missing", new byte[] {1}, null, "T", null, null, "C", false));
        assertEquals(KeyVaultException.NOT_FOUND, e.reason());
        vault.invalidate("k");
        e = assertThrows(KeyVaultException.class, () -> start(6, new byte[] {1}));
        assertEquals(KeyVaultException.INVALIDATED, e.reason());
        assertFalse(NativeBridge.isPromptShowing());
        assertEquals(0, NativeBridge.pendingRequests());
    }

    @Test
    void aPrompterHandingBackAnotherInstanceCannotSign() throws Exception {
        prompter.script(HostPrompter.Step.wrongSignature());
        start(8, new byte[] {1});
        Outcome o = next();
        assertEquals(NativeBridge.OUTCOME_SIGN_FAILED, o.code);
        assertTrue(o.message.contains("Key user not authenticated"), o.message);
    }

    @Test
    void aPrompterThatThrowsIsReportedAndFreesTheBridge() throws Exception {
        prompter.script(HostPrompter.Step.throwing());
        start(9, new byte[] {1});
        assertEquals(NativeBridge.OUTCOME_BRIDGE_FAILED, next().code);
        assertEquals(NativeBridge.START_ACCEPTED, start(10, new byte[] {1}));
        assertEquals(NativeBridge.OUTCOME_SUCCESS, next().code);
    }

    @Test
    void anotherInstallationComingAndGoingLeavesThePromptAlone() throws Exception {
        prompter.script(HostPrompter.Step.hang());
        installation.activityStarted();
        start(13, new byte[] {1});
        drain();
        HostPrompter otherPrompter = new HostPrompter(main);
        NativeBridge.Installation other = NativeBridge.install(device, vault, otherPrompter, main::execute);
        other.onBackgrounded(); // not its prompt
        other.uninstall();
        drain();
        assertTrue(NativeBridge.isPromptShowing());
        assertNull(outcomes.poll(100, TimeUnit.MILLISECONDS));
        assertEquals(0, otherPrompter.promptsShown());
        assertEquals(1, NativeBridge.installations());
        assertTrue(prompter.releaseHang());
    }

    @Test
    void uninstallingWhileItsPromptShowsReportsCanceled() throws Exception {
        prompter.script(HostPrompter.Step.hang());
        start(11, new byte[] {1});
        drain();
        installation.uninstall();
        installation.uninstall(); // idempotent
        Outcome o = next();
        assertEquals(11, o.id);
        assertEquals(NativeBridge.ERROR_CANCELED, o.code);
        assertFalse(NativeBridge.isPromptShowing());
        // The old prompter's late answer is dropped.
        assertTrue(prompter.releaseHang());
        assertNull(outcomes.poll(200, TimeUnit.MILLISECONDS));
    }

    @Test
    void statusFollowsTheDocumentedLayout() {
        device.set(31, 11, false, true);
        int[] s = NativeBridge.status();
        assertEquals(NativeBridge.STATUS_LENGTH, s.length);
        assertArrayEquals(new int[] {31, 11, 0, 1}, s);
    }

    @Test
    void callsBeforeInstallThrowIllegalState() {
        installation.uninstall();
        assertThrows(IllegalStateException.class, NativeBridge::status);
        assertThrows(IllegalStateException.class, () -> start(12, new byte[] {1}));
        assertThrows(IllegalArgumentException.class, () -> NativeBridge.install(null, vault, prompter, main::execute));
    }

    @Test
    void withoutRustTheCallbackFailureIsCountedNotThrown() throws Exception {
        NativeBridge.setResultSinkForTesting(null); // the real native method, not registered here
        long before = NativeBridge.callbackFailures();
        start(13, new byte[] {1});
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (NativeBridge.callbackFailures() == before && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(before + 1, NativeBridge.callbackFailures());
    }

    /** Waits until everything queued on the main thread so far has run. */
    private void drain() throws InterruptedException {
        java.util.concurrent.CountDownLatch l = new java.util.concurrent.CountDownLatch(1);
        main.execute(l::countDown);
        assertTrue(l.await(5, TimeUnit.SECONDS));
    }
}
