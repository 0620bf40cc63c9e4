package dev.keybound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import android.app.Activity;
import android.app.Application;
import android.app.KeyguardManager;
import android.hardware.biometrics.BiometricManager;
import android.hardware.biometrics.BiometricPrompt;
import android.os.Build;
import io.flutter.embedding.engine.plugins.FlutterPlugin.FlutterPluginBinding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * KeyboundPlugin end to end on the host, with the real NativeBridge and the
 * Android adapters over host fakes (no libkeybound: the native steps are
 * recorded, and results the bridge sends to Rust are counted as
 * callbackFailures). What it proves: load → init → install order, that a
 * prompt survives rotation, and that pause or stop cancels it.
 */
class KeyboundPluginTest {
    private final List<String> nativeCalls = new ArrayList<>();
    private final Application application = new Application();
    private KeyboundPlugin plugin;

    @BeforeEach
    void setUp() throws Exception {
        Build.VERSION.SDK_INT = 34;
        BiometricPrompt.SHOWN.clear();
        FakeAndroidKeyStore.install();
        BiometricManager biometrics = new BiometricManager();
        application.services.put(BiometricManager.class, biometrics);
        KeyguardManager keyguard = new KeyguardManager();
        keyguard.secure = true;
        application.services.put(KeyguardManager.class, keyguard);
        plugin = new KeyboundPlugin(new KeyboundPlugin.NativeLibrary() {
            @Override
            public void load() {
                nativeCalls.add("load");
            }

            @Override
            public void init(Object context) {
                nativeCalls.add("init:" + (context == application));
            }
        });
        plugin.onAttachedToEngine(new FlutterPluginBinding(application));
        vault().create("k", "c".getBytes(StandardCharsets.UTF_8), false, false);
    }

    @AfterEach
    void tearDown() {
        plugin.onDetachedFromEngine(new FlutterPluginBinding(application));
        FakeAndroidKeyStore.uninstall();
        Build.VERSION.SDK_INT = 36;
    }

    private static AndroidKeyVault vault() {
        return new AndroidKeyVault(new AndroidDeviceInfo(new Application()));
    }

    private Activity attach(String name) {
        Activity activity = new Activity(name, application);
        plugin.onAttachedToActivity(() -> activity);
        return activity;
    }

    private static void startPrompt(long id) throws KeyVaultException {
        int started = NativeBridge.authenticate(id, "k", "payload".getBytes(StandardCharsets.UTF_8), null,
                "Sign in", null, null, "Cancel", false);
        assertEquals(NativeBridge.START_ACCEPTED, started);
    }

    private void paused(Activity a) {
        new ArrayList<>(application.callbacks).forEach(c -> c.onActivityPaused(a));
    }

    private void stopped(Activity a) {
        new ArrayList<>(application.callbacks).forEach(c -> c.onActivityStopped(a));
    }

    @Test
    void attachLoadsTheLibraryThenHandsTheApplicationContextThenInstalls() {
        assertEquals(List.of("load", "init:true"), nativeCalls);
        int[] status = NativeBridge.status();
        assertEquals(34, status[NativeBridge.STATUS_API_LEVEL]);
        assertEquals(1, status[NativeBridge.STATUS_DEVICE_SECURE]);
    }

    @Test
    void pauseDuringPromptCancelsIt() throws Exception {
        Activity activity = attach("main");
        startPrompt(1);
        BiometricPrompt shown = BiometricPrompt.SHOWN.get(0);
        assertSame(activity, shown.context);
        assertTrue(NativeBridge.isPromptShowing());
        long failuresBefore = NativeBridge.callbackFailures();
        paused(activity);
        assertTrue(shown.cancel.canceled, "CancellationSignal cancelled");
        assertFalse(NativeBridge.isPromptShowing());
        assertEquals(0, NativeBridge.pendingRequests(), "the request was reported (as code 5)");
        assertEquals(failuresBefore + 1, NativeBridge.callbackFailures(), "one result sent towards Rust");
    }

    @Test
    void stopAloneAlsoCancels() throws Exception {
        Activity activity = attach("main");
        startPrompt(2);
        stopped(activity);
        assertTrue(BiometricPrompt.SHOWN.get(0).cancel.canceled);
        assertFalse(NativeBridge.isPromptShowing());
    }

    @Test
    void anotherActivityPausingDoesNothing() throws Exception {
        attach("main");
        startPrompt(3);
        paused(new Activity("settings", application));
        assertTrue(NativeBridge.isPromptShowing());
    }

    @Test
    void rotationKeepsThePromptAndTheNewActivityIsFollowed() throws Exception {
        Activity old = attach("portrait");
        startPrompt(4);
        BiometricPrompt shown = BiometricPrompt.SHOWN.get(0);
        old.changingConfigurations = true;
        paused(old);
        stopped(old);
        plugin.onDetachedFromActivityForConfigChanges();
        assertTrue(application.callbacks.isEmpty(), "callbacks unregistered with the old Activity");
        Activity fresh = new Activity("landscape", application);
        plugin.onReattachedToActivityForConfigChanges(() -> fresh);
        assertFalse(shown.cancel.canceled, "the running prompt is kept");
        assertTrue(NativeBridge.isPromptShowing());
        assertEquals(1, BiometricPrompt.SHOWN.size(), "not shown twice");
        // The prompt still ends normally, with the authorised Signature.
        shown.callback.onAuthenticationSucceeded(
                new BiometricPrompt.AuthenticationResult(shown.crypto, PromptPolicy.RESULT_TYPE_BIOMETRIC));
        assertFalse(NativeBridge.isPromptShowing());
        // And the new Activity is the one watched now.
        startPrompt(5);
        paused(fresh);
        assertTrue(BiometricPrompt.SHOWN.get(1).cancel.canceled);
        assertSame(fresh, BiometricPrompt.SHOWN.get(1).context);
    }

    @Test
    void detachForGoodCancels() throws Exception {
        attach("main");
        startPrompt(6);
        plugin.onDetachedFromActivity();
        assertTrue(BiometricPrompt.SHOWN.get(0).cancel.canceled);
        assertFalse(NativeBridge.isPromptShowing());
        assertTrue(application.callbacks.isEmpty());
    }

    @Test
    void promptWithoutActivityIsRefusedWith5NotShown() throws Exception {
        startPrompt(7);
        assertTrue(BiometricPrompt.SHOWN.isEmpty());
        assertFalse(NativeBridge.isPromptShowing());
        assertEquals(0, NativeBridge.pendingRequests());
    }

    @Test
    void detachFromEngineUninstalls() {
        plugin.onDetachedFromEngine(new FlutterPluginBinding(application));
        assertThrows(IllegalStateException.class, NativeBridge::status);
        // tearDown detaches again: harmless.
    }

    @Test
    void keyErrorsReachTheBridgeSynchronously() {
        attach("main");
        KeyVaultException e = assertThrows(KeyVaultException.class, () -> NativeBridge.authenticate(8, "missing",
                new byte[] {1}, null, "t", null, null, "Cancel", false));
        assertEquals(KeyVaultException.NOT_FOUND, e.reason());
        assertFalse(NativeBridge.isPromptShowing());
    }
}
