package dev.keybound;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import android.app.Application;
import android.app.KeyguardManager;
import android.content.res.Configuration;
import android.hardware.biometrics.BiometricPrompt;
import android.os.Build;
import android.os.Looper;
import io.flutter.embedding.engine.plugins.FlutterPlugin.FlutterPluginBinding;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.Shadows;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.annotation.Config;
import org.robolectric.shadows.ShadowBiometricPrompt;

/**
 * KeyboundPlugin with the real NativeBridge and the Android adapters on the
 * real framework, a real Activity driven by Robolectric's ActivityController
 * (create → resume → prompt → pause, rotation through a configuration
 * change, destroy), the real Application's lifecycle callbacks and the real
 * main Looper (paused). The native steps are recorded (no libkeybound here:
 * EndToEndTest loads it) and results go to a test sink instead of Rust.
 */
@RunWith(RobolectricTestRunner.class)
@Config(shadows = CryptoBiometricPromptShadow.class)
public class KeyboundPluginTest {
    private static final String ALIAS = "k";
    private static final byte[] PAYLOAD = "header.claims".getBytes(StandardCharsets.UTF_8);

    private final List<String> nativeCalls = new ArrayList<>();
    private final List<String> results = new ArrayList<>();
    private byte[] lastSignature;
    private final Application application = RuntimeEnvironment.getApplication();
    private KeyboundPlugin plugin;
    private byte[] publicKey;

    private KeyboundPlugin newPlugin() {
        return new KeyboundPlugin(new KeyboundPlugin.NativeLibrary() {
            @Override
            public void load() {
                nativeCalls.add("load");
            }

            @Override
            public void init(Object context) {
                nativeCalls.add("init:" + (context == application));
            }
        });
    }

    @Before
    public void setUp() throws Exception {
        CryptoBiometricPromptShadow.clear();
        TestDevice.withEnrolledFingerprint();
        FakeAndroidKeyStore.install();
        Shadows.shadowOf(application.getSystemService(KeyguardManager.class)).setIsDeviceSecure(true);
        NativeBridge.setResultSinkForTesting((id, outcome, der, authType, message) -> {
            results.add(id + ":" + outcome);
            lastSignature = der;
        });
        plugin = newPlugin();
        FlutterHostActivity.reset(plugin);
        plugin.onAttachedToEngine(new FlutterPluginBinding(application));
        publicKey = new AndroidKeyVault(new AndroidDeviceInfo(application))
                .create(ALIAS, "c".getBytes(StandardCharsets.UTF_8), false, false).publicKeySpki();
    }

    @After
    public void tearDown() {
        plugin.onDetachedFromEngine(new FlutterPluginBinding(application));
        FlutterHostActivity.reset(null);
        NativeBridge.setResultSinkForTesting(null);
        FakeAndroidKeyStore.uninstall();
    }

    private static void idleMain() {
        Shadows.shadowOf(Looper.getMainLooper()).idle();
    }

    /** What Rust does: ask for a prompt from a worker thread; it shows once the main Looper runs. */
    private static void startPrompt(long id) throws KeyVaultException {
        int shownBefore = CryptoBiometricPromptShadow.shownCount();
        int started = NativeBridge.authenticate(id, ALIAS, PAYLOAD, null, "Sign in", null, null, "Cancel", false);
        assertEquals(NativeBridge.START_ACCEPTED, started);
        assertEquals("nothing is built before the main Looper runs", shownBefore,
                CryptoBiometricPromptShadow.shownCount());
        idleMain();
    }

    /** The Context the prompt was built with; API 28's prompt keeps none (then the expected one). */
    private static Object promptContext(BiometricPrompt prompt, Object expected) throws Exception {
        if (Build.VERSION.SDK_INT < 29) {
            return expected;
        }
        Field f = BiometricPrompt.class.getDeclaredField("mContext");
        f.setAccessible(true);
        return f.get(prompt);
    }

    private boolean verifies(byte[] der) throws Exception {
        return FakeAndroidKeyStore.verifies(publicKey, PAYLOAD, der);
    }

    @Test
    public void attachLoadsThenHandsTheApplicationContextThenInstallsTheRealAdapters() {
        assertEquals(List.of("load", "init:true"), nativeCalls);
        int[] status = NativeBridge.status();
        assertEquals(Build.VERSION.SDK_INT, status[NativeBridge.STATUS_API_LEVEL]);
        assertEquals(1, status[NativeBridge.STATUS_DEVICE_SECURE]);
    }

    @Test
    public void createResumePromptSucceedsAndTheSignatureVerifies() throws Exception {
        ActivityController<FlutterHostActivity> controller = Robolectric.buildActivity(FlutterHostActivity.class).setup();
        startPrompt(1);
        BiometricPrompt shown = ShadowBiometricPrompt.getCurrentPrompt();
        assertNotNull(shown);
        assertSame(controller.get(), promptContext(shown, controller.get()));
        assertTrue(NativeBridge.isPromptShowing());
        CryptoBiometricPromptShadow.succeed(BiometricPrompt.AUTHENTICATION_RESULT_TYPE_BIOMETRIC);
        idleMain();
        assertEquals(List.of("1:" + NativeBridge.OUTCOME_SUCCESS), results);
        assertTrue("signed with the authorised Signature over the payload", verifies(lastSignature));
        assertFalse(NativeBridge.isPromptShowing());
    }

    @Test
    public void pauseKeepsThePromptThatAPausedButVisibleActivityShows() throws Exception {
        // Split-screen, a permission dialog or a translucent Activity on top pause the Activity only.
        ActivityController<FlutterHostActivity> controller = Robolectric.buildActivity(FlutterHostActivity.class).setup();
        startPrompt(20);
        controller.pause();
        idleMain();
        assertFalse(CryptoBiometricPromptShadow.lastCancellationSignal().isCanceled());
        assertTrue(NativeBridge.isPromptShowing());
        assertTrue(results.isEmpty());
        controller.resume();
        CryptoBiometricPromptShadow.succeed(BiometricPrompt.AUTHENTICATION_RESULT_TYPE_BIOMETRIC);
        idleMain();
        assertEquals(List.of("20:" + NativeBridge.OUTCOME_SUCCESS), results);
        // A prompt asked for while paused (not stopped) shows as well.
        controller.pause();
        startPrompt(21);
        assertNotNull(ShadowBiometricPrompt.getCurrentPrompt());
        assertTrue(NativeBridge.isPromptShowing());
    }

    @Test
    public void stopDuringThePromptCancelsItAsSystemCanceled() throws Exception {
        ActivityController<FlutterHostActivity> controller = Robolectric.buildActivity(FlutterHostActivity.class).setup();
        startPrompt(2);
        assertNotNull(ShadowBiometricPrompt.getCurrentPrompt());
        controller.pause().stop();
        idleMain();
        assertTrue("the real CancellationSignal", CryptoBiometricPromptShadow.lastCancellationSignal().isCanceled());
        assertNull(ShadowBiometricPrompt.getCurrentPrompt());
        assertEquals(List.of("2:" + NativeBridge.ERROR_CANCELED), results);
        assertFalse(NativeBridge.isPromptShowing());
        assertEquals(0, NativeBridge.pendingRequests());
    }

    @Test
    public void aPromptAskedWhileInTheBackgroundIsRefusedWith5() throws Exception {
        Robolectric.buildActivity(FlutterHostActivity.class).setup().pause().stop();
        startPrompt(3);
        assertEquals(0, CryptoBiometricPromptShadow.shownCount());
        assertEquals(List.of("3:" + NativeBridge.ERROR_CANCELED), results);
    }

    @Test
    public void anotherActivityPausingDoesNothing() throws Exception {
        Robolectric.buildActivity(FlutterHostActivity.class).setup();
        FlutterHostActivity.plugin = null; // a second, plain Activity of the app
        ActivityController<FlutterHostActivity> other = Robolectric.buildActivity(FlutterHostActivity.class).setup();
        FlutterHostActivity.plugin = plugin;
        startPrompt(4);
        other.pause().stop();
        idleMain();
        assertTrue(NativeBridge.isPromptShowing());
        assertFalse(CryptoBiometricPromptShadow.lastCancellationSignal().isCanceled());
        assertTrue(results.isEmpty());
    }

    @Test
    public void rotationKeepsThePromptAndShowsItOnceAndTheNewActivityIsFollowed() throws Exception {
        ActivityController<FlutterHostActivity> controller = Robolectric.buildActivity(FlutterHostActivity.class).setup();
        FlutterHostActivity portrait = controller.get();
        startPrompt(5);
        Configuration landscape = new Configuration(portrait.getResources().getConfiguration());
        landscape.orientation = Configuration.ORIENTATION_LANDSCAPE;
        controller.configurationChange(landscape);
        idleMain();
        FlutterHostActivity rotated = controller.get();
        assertNotSame("the Activity was recreated", portrait, rotated);
        assertFalse("the running prompt is kept", CryptoBiometricPromptShadow.lastCancellationSignal().isCanceled());
        assertTrue(NativeBridge.isPromptShowing());
        assertEquals("not shown twice", 1, CryptoBiometricPromptShadow.shownCount());
        assertTrue(results.isEmpty());
        CryptoBiometricPromptShadow.succeed(BiometricPrompt.AUTHENTICATION_RESULT_TYPE_BIOMETRIC);
        idleMain();
        assertEquals(List.of("5:" + NativeBridge.OUTCOME_SUCCESS), results);
        assertTrue(verifies(lastSignature));
        // The new Activity is the one prompts show on and the one watched.
        startPrompt(6);
        assertSame(rotated, promptContext(ShadowBiometricPrompt.getCurrentPrompt(), rotated));
        controller.pause().stop();
        idleMain();
        assertEquals(List.of("5:" + NativeBridge.OUTCOME_SUCCESS, "6:" + NativeBridge.ERROR_CANCELED), results);
    }

    @Test
    public void aPromptAskedDuringTheRotationShowsOnTheNewActivity() throws Exception {
        ActivityController<FlutterHostActivity> controller = Robolectric.buildActivity(FlutterHostActivity.class).setup();
        plugin.onDetachedFromActivityForConfigChanges();
        startPrompt(7);
        assertEquals("waits for the new Activity", 0, CryptoBiometricPromptShadow.shownCount());
        plugin.onReattachedToActivityForConfigChanges(controller::get);
        idleMain();
        assertEquals(1, CryptoBiometricPromptShadow.shownCount());
        assertSame(controller.get(), promptContext(ShadowBiometricPrompt.getCurrentPrompt(), controller.get()));
        assertTrue(results.isEmpty());
    }

    @Test
    public void destroyDetachesForGoodAndCancels() throws Exception {
        ActivityController<FlutterHostActivity> controller = Robolectric.buildActivity(FlutterHostActivity.class).setup();
        startPrompt(8);
        plugin.onDetachedFromActivity();
        idleMain();
        assertTrue(CryptoBiometricPromptShadow.lastCancellationSignal().isCanceled());
        assertEquals(List.of("8:" + NativeBridge.ERROR_CANCELED), results);
        FlutterHostActivity.plugin = null; // already detached
        controller.pause().stop().destroy();
        assertFalse(NativeBridge.isPromptShowing());
    }

    @Test
    public void detachFromEngineUninstalls() {
        plugin.onDetachedFromEngine(new FlutterPluginBinding(application));
        assertThrows(IllegalStateException.class, NativeBridge::status);
        // tearDown detaches again: harmless.
    }

    /**
     * Defect "a second FlutterEngine breaks keybound": engine A shows the
     * app's Activity, engine B is a background engine (no Activity). In
     * every order of attaching and detaching the two, with A's prompt in
     * flight: B never ends A's prompt, prompts go to A while its Activity
     * runs, and once A is gone B's installation still answers.
     */
    @Test
    public void twoEnginesInEveryAttachDetachOrderKeepEachOthersInstallation() throws Exception {
        String[] orders = {
            "A+ A- B+ B-", "A+ B+ A- B-", "A+ B+ B- A-", "B+ A+ A- B-", "B+ A+ B- A-", "B+ B- A+ A-",
        };
        plugin.onDetachedFromEngine(new FlutterPluginBinding(application));
        long id = 100;
        for (String order : orders) {
            KeyboundPlugin a = newPlugin();
            KeyboundPlugin b = newPlugin();
            boolean aAttached = false;
            boolean bAttached = false;
            ActivityController<FlutterHostActivity> activity = null;
            long inFlight = 0;
            results.clear();
            for (String step : order.split(" ")) {
                String where = order + ", after " + step;
                switch (step) {
                    case "A+":
                        a.onAttachedToEngine(new FlutterPluginBinding(application));
                        FlutterHostActivity.reset(a);
                        activity = Robolectric.buildActivity(FlutterHostActivity.class).setup();
                        aAttached = true;
                        inFlight = ++id;
                        startPrompt(inFlight);
                        assertSame(where, activity.get(),
                                promptContext(ShadowBiometricPrompt.getCurrentPrompt(), activity.get()));
                        break;
                    case "B+":
                        b.onAttachedToEngine(new FlutterPluginBinding(application));
                        bAttached = true;
                        break;
                    case "B-":
                        b.onDetachedFromEngine(new FlutterPluginBinding(application));
                        bAttached = false;
                        break;
                    case "A-":
                        // A's prompt survived everything B did: it completes and signs.
                        CryptoBiometricPromptShadow.succeed(BiometricPrompt.AUTHENTICATION_RESULT_TYPE_BIOMETRIC);
                        idleMain();
                        assertEquals(where, List.of(inFlight + ":" + NativeBridge.OUTCOME_SUCCESS), results);
                        assertTrue(where, verifies(lastSignature));
                        results.clear();
                        // A later prompt still goes to A's Activity, not to B.
                        inFlight = ++id;
                        startPrompt(inFlight);
                        assertSame(where, activity.get(),
                                promptContext(ShadowBiometricPrompt.getCurrentPrompt(), activity.get()));
                        activity.pause().stop().destroy();
                        idleMain();
                        assertEquals(where, List.of(inFlight + ":" + NativeBridge.ERROR_CANCELED), results);
                        results.clear();
                        a.onDetachedFromEngine(new FlutterPluginBinding(application));
                        FlutterHostActivity.reset(null);
                        aAttached = false;
                        inFlight = 0;
                        break;
                    default:
                        throw new AssertionError(step);
                }
                idleMain();
                if (inFlight != 0) {
                    assertTrue(where + ": A's prompt still shows", NativeBridge.isPromptShowing());
                    assertFalse(where, CryptoBiometricPromptShadow.lastCancellationSignal().isCanceled());
                    assertTrue(where + ": nothing reported", results.isEmpty());
                }
                assertEquals(where, (aAttached ? 1 : 0) + (bAttached ? 1 : 0), NativeBridge.installations());
                if (aAttached || bAttached) {
                    assertEquals(where, Build.VERSION.SDK_INT, NativeBridge.status()[NativeBridge.STATUS_API_LEVEL]);
                } else {
                    assertThrows(where, IllegalStateException.class, NativeBridge::status);
                }
                if (bAttached && !aAttached) {
                    // Only the background engine is left: a prompt is refused (no Activity), not lost.
                    int shown = CryptoBiometricPromptShadow.shownCount();
                    long refused = ++id;
                    assertEquals(where, NativeBridge.START_ACCEPTED,
                            NativeBridge.authenticate(refused, ALIAS, PAYLOAD, null, "t", null, null, "Cancel", false));
                    idleMain();
                    assertEquals(where, shown, CryptoBiometricPromptShadow.shownCount());
                    assertEquals(where, List.of(refused + ":" + NativeBridge.ERROR_CANCELED), results);
                    results.clear();
                }
            }
        }
        plugin = newPlugin(); // tearDown detaches it: harmless when never attached
    }

    @Test
    public void aSignatureRefusedUntilUnlockIsItsOwnOutcome() throws Exception {
        Robolectric.buildActivity(FlutterHostActivity.class).setup();
        FakeAndroidKeyStore.lockedOnSign = true;
        startPrompt(30);
        CryptoBiometricPromptShadow.succeed(BiometricPrompt.AUTHENTICATION_RESULT_TYPE_BIOMETRIC);
        idleMain();
        assertEquals(List.of("30:" + NativeBridge.OUTCOME_USER_NOT_AUTHENTICATED), results);
        // Any other signing failure stays OUTCOME_SIGN_FAILED.
        assertFalse(NativeBridge.isUserNotAuthenticated(new java.security.SignatureException("other")));
        assertTrue(NativeBridge.isUserNotAuthenticated(new java.security.ProviderException(
                new java.security.SignatureException(new android.security.keystore.UserNotAuthenticatedException()))));
    }

    @Test
    public void keyErrorsReachTheBridgeSynchronously() {
        Robolectric.buildActivity(FlutterHostActivity.class).setup();
        KeyVaultException e = assertThrows(KeyVaultException.class, () -> NativeBridge.authenticate(10, "missing",
                new byte[] {1}, null, "t", null, null, "Cancel", false));
        assertEquals(KeyVaultException.NOT_FOUND, e.reason());
        assertFalse(NativeBridge.isPromptShowing());
    }
}
