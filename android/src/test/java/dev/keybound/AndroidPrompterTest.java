package dev.keybound;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import android.app.Activity;
import android.hardware.biometrics.BiometricManager;
import android.hardware.biometrics.BiometricPrompt;
import android.os.Build;
import android.os.Bundle;
import android.os.Looper;
import java.lang.reflect.Field;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.Shadows;
import org.robolectric.annotation.Config;
import org.robolectric.shadows.ShadowBiometricPrompt;

/**
 * AndroidPrompter on the real {@code BiometricPrompt} of each API level: the
 * real Builder validates what it is asked for, the real prompt's
 * {@code authenticate(CryptoObject, ...)} runs, and Robolectric's prompt
 * shadow (through {@link CryptoBiometricPromptShadow}) plays the user. The
 * main Looper is paused: callbacks arrive only when the test idles it, on
 * the main thread.
 */
@RunWith(RobolectricTestRunner.class)
@Config(shadows = CryptoBiometricPromptShadow.class)
public class AndroidPrompterTest {
    private static final int API = Build.VERSION.SDK_INT;
    private static final PromptText TEXT = new PromptText("Sign in", "to Bank", "Confirm the payment", "Not now");

    private final List<String> events = new ArrayList<>();
    private final List<Boolean> onMainThread = new ArrayList<>();
    private Signature authorised;
    private Signature given;
    private LifecycleTracker tracker;
    private Activity activity;

    private final Prompter.Callback callback = new Prompter.Callback() {
        @Override
        public void onSucceeded(Signature s, int authType) {
            record("succeeded:" + authType);
            authorised = s;
        }

        @Override
        public void onError(int code, CharSequence message) {
            record("error:" + code);
        }

        @Override
        public void onFailed() {
            record("failed");
        }

        @Override
        public void onHelp(int code, CharSequence message) {
            record("help:" + code);
        }
    };

    private void record(String event) {
        events.add(event);
        onMainThread.add(Looper.myLooper() == Looper.getMainLooper());
    }

    @Before
    public void setUp() throws Exception {
        CryptoBiometricPromptShadow.clear();
        TestDevice.withEnrolledFingerprint();
        given = FakeAndroidKeyStore.realSignature();
        given.initSign(FakeAndroidKeyStore.realKeyPair().getPrivate());
        tracker = new LifecycleTracker();
        activity = Robolectric.buildActivity(Activity.class).setup().get();
    }

    private AndroidPrompter prompter() {
        AndroidPrompter p = new AndroidPrompter(API, activity.getMainExecutor(), tracker);
        tracker.onAttached();
        p.setActivity(activity);
        return p;
    }

    private static void idleMain() {
        Shadows.shadowOf(Looper.getMainLooper()).idle();
    }

    private static BiometricPrompt shown() {
        BiometricPrompt prompt = ShadowBiometricPrompt.getCurrentPrompt();
        assertNotNull("a real BiometricPrompt was built and authenticate(CryptoObject, ...) reached", prompt);
        return prompt;
    }

    /** The prompt's texts: public getters from API 30, the Builder's Bundle on 28-29. */
    private static CharSequence text(BiometricPrompt prompt, String key) {
        if (API >= 30) {
            switch (key) {
                case "title":
                    return prompt.getTitle();
                case "subtitle":
                    return prompt.getSubtitle();
                case "description":
                    return prompt.getDescription();
                default:
                    return prompt.getNegativeButtonText();
            }
        }
        Bundle bundle = (Bundle) field(prompt, "mBundle");
        return bundle.getCharSequence(key.equals("negative") ? "negative_text" : key);
    }

    private static Object field(Object target, String name) {
        try {
            Field f = BiometricPrompt.class.getDeclaredField(name);
            f.setAccessible(true);
            return f.get(target);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    public void theRealBuilderGetsTheTextsTheNegativeButtonAndStrongOnly() {
        prompter().authenticate(given, TEXT, false, callback);
        BiometricPrompt p = shown();
        assertEquals("Sign in", text(p, "title").toString());
        assertEquals("to Bank", text(p, "subtitle").toString());
        assertEquals("Confirm the payment", text(p, "description").toString());
        assertEquals("Not now", text(p, "negative").toString());
        if (API >= 30) {
            assertEquals(BiometricManager.Authenticators.BIOMETRIC_STRONG, p.getAllowedAuthenticators());
        }
        assertSame("the CryptoObject wraps the initialised Signature", given,
                CryptoBiometricPromptShadow.lastCrypto().getSignature());
        assertTrue(tracker.isPromptActive());
        assertTrue(events.isEmpty());
    }

    @Test
    public void deviceCredentialFrom30HasNoNegativeButtonAndIsBiometricOnlyBelow() {
        prompter().authenticate(given, TEXT, true, callback);
        BiometricPrompt p = shown();
        if (API >= 30) {
            assertEquals(BiometricManager.Authenticators.BIOMETRIC_STRONG
                    | BiometricManager.Authenticators.DEVICE_CREDENTIAL, p.getAllowedAuthenticators());
            assertNull(text(p, "negative"));
            assertFalse(CryptoBiometricPromptShadow.clickNegativeButton(p));
        } else {
            // Stricter than asked: biometric only, with the negative button.
            assertEquals("Not now", text(p, "negative").toString());
        }
    }

    @Test
    public void successSignsWithTheAuthorisedSignatureOnTheMainThread() throws Exception {
        prompter().authenticate(given, TEXT, false, callback);
        shown();
        CryptoBiometricPromptShadow.succeed(BiometricPrompt.AUTHENTICATION_RESULT_TYPE_BIOMETRIC);
        assertTrue("nothing before the main Looper runs", events.isEmpty());
        idleMain();
        assertEquals(List.of("succeeded:" + Prompter.AUTH_TYPE_BIOMETRIC), events);
        assertEquals(List.of(true), onMainThread);
        assertSame("the Signature the result's CryptoObject carries", given, authorised);
        authorised.update(new byte[] {1, 2, 3});
        assertTrue(authorised.sign().length > 0);
        assertFalse(tracker.isPromptActive());
    }

    @Test
    public void theResultTypeIsReadFrom30Only() {
        prompter().authenticate(given, TEXT, true, callback);
        shown();
        CryptoBiometricPromptShadow.succeed(BiometricPrompt.AUTHENTICATION_RESULT_TYPE_DEVICE_CREDENTIAL);
        idleMain();
        int expected = API >= 30 ? Prompter.AUTH_TYPE_DEVICE_CREDENTIAL : Prompter.AUTH_TYPE_BIOMETRIC;
        assertEquals(List.of("succeeded:" + expected), events);
    }

    @Test
    public void aSuccessWithoutTheCryptoObjectIsAPlatformFailureNotACrash() {
        // Robolectric's own success result has no CryptoObject (the real
        // framework returns ours): keybound must refuse it, not sign with
        // a Signature the OS did not authorise.
        prompter().authenticate(given, TEXT, false, callback);
        shown();
        ShadowBiometricPrompt.authenticateCurrentSessionSuccessfully();
        idleMain();
        assertEquals(List.of("error:" + PromptErrors.PLATFORM_FAILURE), events);
        assertNull(authorised);
        assertFalse(tracker.isPromptActive());
    }

    @Test
    public void frameworkErrorEndsThePromptWithItsCode() {
        prompter().authenticate(given, TEXT, false, callback);
        shown();
        ShadowBiometricPrompt.authenticateCurrentSessionWithError(BiometricPrompt.BIOMETRIC_ERROR_LOCKOUT, "Too many");
        assertTrue(events.isEmpty());
        idleMain();
        assertEquals(List.of("error:" + BiometricPrompt.BIOMETRIC_ERROR_LOCKOUT), events);
        assertEquals(List.of(true), onMainThread);
        assertFalse(tracker.isPromptActive());
    }

    @Test
    public void aFailedAttemptKeepsThePromptUp() {
        prompter().authenticate(given, TEXT, false, callback);
        shown();
        ShadowBiometricPrompt.failCurrentSessionOnce();
        idleMain();
        assertEquals(List.of("failed"), events);
        assertTrue(tracker.isPromptActive());
        assertNotNull("still the current session", ShadowBiometricPrompt.getCurrentPrompt());
        CryptoBiometricPromptShadow.succeed(BiometricPrompt.AUTHENTICATION_RESULT_TYPE_BIOMETRIC);
        idleMain();
        assertEquals(List.of("failed", "succeeded:" + Prompter.AUTH_TYPE_BIOMETRIC), events);
    }

    @Test
    public void theNegativeButtonEndsWith13OnTheMainThread() {
        prompter().authenticate(given, TEXT, false, callback);
        BiometricPrompt p = shown();
        assertTrue(CryptoBiometricPromptShadow.clickNegativeButton(p));
        idleMain();
        assertEquals(List.of("error:" + PromptErrors.NEGATIVE_BUTTON), events);
        assertEquals(List.of(true), onMainThread);
        assertFalse(tracker.isPromptActive());
    }

    @Test
    public void cancelCancelsTheRealSignalAndEndsWith5Once() {
        AndroidPrompter prompter = prompter();
        prompter.authenticate(given, TEXT, false, callback);
        shown();
        prompter.cancel();
        assertTrue("the real CancellationSignal", CryptoBiometricPromptShadow.lastCancellationSignal().isCanceled());
        assertNull("Robolectric's session ended through the signal", ShadowBiometricPrompt.getCurrentPrompt());
        idleMain(); // the framework's own ERROR_CANCELED arrives now and is dropped
        prompter.cancel();
        assertEquals(List.of("error:" + PromptErrors.CANCELED), events);
        assertFalse(tracker.isPromptActive());
    }

    @Test
    public void aBackgroundedAppIsRefusedWith5AndNothingIsBuilt() {
        AndroidPrompter prompter = prompter();
        tracker.onBackground(false);
        prompter.authenticate(given, TEXT, false, callback);
        assertEquals(0, CryptoBiometricPromptShadow.shownCount());
        assertEquals(List.of("error:" + PromptErrors.CANCELED), events);
    }

    @Test
    public void aPromptAskedDuringRotationShowsOnTheNewActivity() {
        AndroidPrompter prompter = prompter();
        tracker.onDetachedForConfigChanges();
        prompter.setActivity(null);
        prompter.authenticate(given, TEXT, false, callback);
        assertEquals("waits for the new Activity", 0, CryptoBiometricPromptShadow.shownCount());
        Activity fresh = Robolectric.buildActivity(Activity.class).setup().get();
        prompter.setActivity(fresh);
        assertEquals(LifecycleTracker.Action.SHOW_PENDING, tracker.onReattached());
        prompter.showPending();
        BiometricPrompt p = shown();
        if (API >= 29) { // API 28's prompt keeps no Context
            assertSame(fresh, field(p, "mContext"));
        }
        assertTrue(events.isEmpty());
    }

    @Test
    public void withoutASensorTheFrameworkEndsThePromptWith12OnTheLevelsThatCheck() {
        Shadows.shadowOf(activity.getPackageManager()).setSystemFeature(
                android.content.pm.PackageManager.FEATURE_FINGERPRINT, false);
        prompter().authenticate(given, TEXT, false, callback);
        idleMain();
        if (TestDevice.promptChecksTheSensorItself()) {
            assertEquals(List.of("error:" + BiometricPrompt.BIOMETRIC_ERROR_HW_NOT_PRESENT), events);
            assertFalse(tracker.isPromptActive());
        } else {
            assertTrue("from API 30 the system service decides", events.isEmpty());
            assertTrue(tracker.isPromptActive());
        }
    }

    @Test
    public void theRealBuilderRefusingAnEmptyTitleIsABridgeFailure() {
        // BiometricPrompt.Builder.build() throws IllegalArgumentException
        // ("Title must be set and non-empty") on every level.
        prompter().authenticate(given, new PromptText("", null, null, "Cancel"), false, callback);
        assertEquals(List.of("error:" + PromptErrors.PLATFORM_FAILURE), events);
        assertEquals(0, CryptoBiometricPromptShadow.shownCount());
        assertFalse(tracker.isPromptActive());
    }

    @Test
    public void aBlankNegativeLabelGetsTheDefaultAndAbsentTextsStayAbsent() {
        prompter().authenticate(given, new PromptText("Sign in", null, null, ""), false, callback);
        BiometricPrompt p = shown();
        assertEquals(PromptPolicy.DEFAULT_NEGATIVE_BUTTON, text(p, "negative").toString());
        assertNull(text(p, "subtitle"));
        assertNull(text(p, "description"));
    }
}
