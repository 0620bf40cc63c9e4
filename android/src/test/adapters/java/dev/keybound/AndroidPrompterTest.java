package dev.keybound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import android.app.Activity;
import android.hardware.biometrics.BiometricPrompt;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AndroidPrompter's wiring, against host fakes of the framework prompt
 * (src/test/fakes): what it asks the builder for on each API level, that it
 * signs with the instance the callback returns, and how the prompt ends.
 */
class AndroidPrompterTest {
    private static final PromptText TEXT = new PromptText("Sign in", "to Bank", "Confirm the payment", "Not now");
    private final Executor main = Runnable::run;
    private final List<String> events = new ArrayList<>();
    private Signature authorised;
    private Signature given;
    private LifecycleTracker tracker;

    private final Prompter.Callback callback = new Prompter.Callback() {
        @Override
        public void onSucceeded(Signature s, int authType) {
            authorised = s;
            events.add("succeeded:" + authType);
        }

        @Override
        public void onError(int code, CharSequence message) {
            events.add("error:" + code);
        }

        @Override
        public void onFailed() {
            events.add("failed");
        }

        @Override
        public void onHelp(int code, CharSequence message) {
            events.add("help:" + code);
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        BiometricPrompt.SHOWN.clear();
        BiometricPrompt.failBuild = null;
        BiometricPrompt.AuthenticationResult.apiLevel = 36;
        given = Signature.getInstance("SHA256withECDSA");
        tracker = new LifecycleTracker();
    }

    @AfterEach
    void tearDown() {
        BiometricPrompt.failBuild = null;
    }

    private AndroidPrompter prompter(int api, Activity activity) {
        BiometricPrompt.AuthenticationResult.apiLevel = api;
        AndroidPrompter p = new AndroidPrompter(api, main, tracker);
        tracker.onAttached();
        p.setActivity(activity);
        return p;
    }

    private static BiometricPrompt shown() {
        assertEquals(1, BiometricPrompt.SHOWN.size(), "one prompt shown");
        return BiometricPrompt.SHOWN.get(0);
    }

    @Test
    void api28BiometricOnlyWithNegativeButtonAndNoAuthenticatorsCall() throws Exception {
        Activity activity = new Activity("main");
        prompter(28, activity).authenticate(given, TEXT, true, callback);
        BiometricPrompt p = shown();
        assertSame(activity, p.context);
        assertEquals("Sign in", p.title);
        assertEquals("to Bank", p.subtitle);
        assertEquals("Confirm the payment", p.description);
        assertNull(p.allowedAuthenticators, "setAllowedAuthenticators is API 30");
        assertEquals("Not now", p.negativeText);
        assertSame(main, p.executor);
        assertSame(given, p.crypto.getSignature(), "the CryptoObject wraps the initialised Signature");
        // Success on API 28: no getAuthenticationType (the fake throws below 30).
        Signature fromOs = Signature.getInstance("SHA256withECDSA");
        p.callback.onAuthenticationSucceeded(new BiometricPrompt.AuthenticationResult(
                new BiometricPrompt.CryptoObject(fromOs), PromptPolicy.RESULT_TYPE_DEVICE_CREDENTIAL));
        assertEquals(List.of("succeeded:" + Prompter.AUTH_TYPE_BIOMETRIC), events);
        assertSame(fromOs, authorised, "signs with the instance the callback returns");
        assertFalse(tracker.isPromptActive());
    }

    @Test
    void api30StrongOnlyWithNegativeButton() {
        prompter(30, new Activity("main")).authenticate(given, TEXT, false, callback);
        BiometricPrompt p = shown();
        assertEquals(PromptPolicy.BIOMETRIC_STRONG, p.allowedAuthenticators);
        assertNotNull(p.negativeListener);
    }

    @Test
    void api35DeviceCredentialHasNoNegativeButtonAndReportsTheResultType() throws Exception {
        prompter(35, new Activity("main")).authenticate(given, TEXT, true, callback);
        BiometricPrompt p = shown();
        assertEquals(PromptPolicy.BIOMETRIC_STRONG | PromptPolicy.DEVICE_CREDENTIAL, p.allowedAuthenticators);
        assertNull(p.negativeListener);
        p.callback.onAuthenticationSucceeded(new BiometricPrompt.AuthenticationResult(
                new BiometricPrompt.CryptoObject(Signature.getInstance("SHA256withECDSA")),
                PromptPolicy.RESULT_TYPE_DEVICE_CREDENTIAL));
        assertEquals(List.of("succeeded:" + Prompter.AUTH_TYPE_DEVICE_CREDENTIAL), events);
    }

    @Test
    void negativeButtonEndsWith13AndALateFrameworkErrorIsDropped() {
        prompter(30, new Activity("main")).authenticate(given, TEXT, false, callback);
        BiometricPrompt p = shown();
        p.negativeListener.onClick(null, -2);
        p.callback.onAuthenticationError(PromptErrors.USER_CANCELED, "late");
        assertEquals(List.of("error:13"), events);
        assertFalse(tracker.isPromptActive());
    }

    @Test
    void failedAndHelpDoNotEndThePrompt() {
        prompter(33, new Activity("main")).authenticate(given, TEXT, false, callback);
        BiometricPrompt p = shown();
        p.callback.onAuthenticationFailed();
        p.callback.onAuthenticationHelp(1, "Move finger slower");
        assertTrue(tracker.isPromptActive());
        p.callback.onAuthenticationError(7, "Too many attempts");
        assertEquals(List.of("failed", "help:1", "error:7"), events);
    }

    @Test
    void cancelCancelsTheSignalAndEndsWith5Once() {
        AndroidPrompter prompter = prompter(34, new Activity("main"));
        prompter.authenticate(given, TEXT, false, callback);
        BiometricPrompt p = shown();
        prompter.cancel();
        assertTrue(p.cancel.canceled);
        p.callback.onAuthenticationError(PromptErrors.CANCELED, "Canceled");
        prompter.cancel();
        assertEquals(List.of("error:5"), events);
    }

    @Test
    void backgroundedAppIsRefusedWith5AndNothingShows() {
        AndroidPrompter prompter = prompter(34, new Activity("main"));
        tracker.onBackground(false);
        prompter.authenticate(given, TEXT, false, callback);
        assertTrue(BiometricPrompt.SHOWN.isEmpty());
        assertEquals(List.of("error:5"), events);
    }

    @Test
    void promptAskedDuringRotationShowsOnTheNewActivity() {
        AndroidPrompter prompter = prompter(34, new Activity("old"));
        tracker.onDetachedForConfigChanges();
        prompter.setActivity(null);
        prompter.authenticate(given, TEXT, false, callback);
        assertTrue(BiometricPrompt.SHOWN.isEmpty(), "waits for the new Activity");
        Activity fresh = new Activity("new");
        prompter.setActivity(fresh);
        assertEquals(LifecycleTracker.Action.SHOW_PENDING, tracker.onReattached());
        prompter.showPending();
        assertSame(fresh, shown().context);
        assertTrue(events.isEmpty());
    }

    @Test
    void waitingPromptCancelledBeforeReattachEndsWith5() {
        AndroidPrompter prompter = prompter(34, new Activity("old"));
        tracker.onDetachedForConfigChanges();
        prompter.setActivity(null);
        prompter.authenticate(given, TEXT, false, callback);
        assertEquals(LifecycleTracker.Action.CANCEL_PROMPT, tracker.onDetached());
        prompter.cancel();
        assertEquals(List.of("error:5"), events);
        assertFalse(tracker.isPromptActive());
    }

    @Test
    void builderFailureIsABridgeFailureNotACrash() {
        BiometricPrompt.failBuild = new IllegalStateException("vendor says no");
        prompter(30, new Activity("main")).authenticate(given, TEXT, false, callback);
        assertEquals(List.of("error:" + PromptErrors.PLATFORM_FAILURE), events);
        assertFalse(tracker.isPromptActive());
    }

    @Test
    void blankNegativeLabelGetsTheDefault() {
        prompter(29, new Activity("main")).authenticate(given, new PromptText("Sign in", null, null, ""), false,
                callback);
        BiometricPrompt p = shown();
        assertEquals("Cancel", p.negativeText);
        assertNull(p.subtitle);
        assertNull(p.description);
    }

    @Test
    void belowApi28NothingShows() {
        AndroidPrompter prompter = new AndroidPrompter(27, main, tracker);
        tracker.onAttached();
        prompter.setActivity(new Activity("main"));
        prompter.authenticate(given, TEXT, false, callback);
        assertTrue(BiometricPrompt.SHOWN.isEmpty());
        assertEquals(List.of("error:" + PromptErrors.PLATFORM_FAILURE), events);
    }
}
