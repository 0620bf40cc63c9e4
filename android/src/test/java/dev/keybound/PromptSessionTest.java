package dev.keybound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Error mapping and the one-end rule of a prompt. */
class PromptSessionTest {
    private final List<String> events = new ArrayList<>();
    private int ends;
    private final PromptSession session = new PromptSession(new Prompter.Callback() {
        @Override
        public void onSucceeded(Signature authorised, int authType) {
            events.add("succeeded:" + authType);
        }

        @Override
        public void onError(int code, CharSequence message) {
            events.add("error:" + code + ":" + message);
        }

        @Override
        public void onFailed() {
            events.add("failed");
        }

        @Override
        public void onHelp(int code, CharSequence message) {
            events.add("help:" + code + ":" + message);
        }
    }, () -> ends++);

    @Test
    void negativeButtonIsCode13() {
        session.negativeButton("Not now");
        assertEquals(List.of("error:13:Not now"), events);
        assertEquals(PromptErrors.NEGATIVE_BUTTON, 13);
    }

    @Test
    void cancelIsCode5WhichRustMapsToSystemCanceled() {
        session.cancel(PromptErrors.BACKGROUNDED);
        assertEquals(List.of("error:5:" + PromptErrors.BACKGROUNDED), events);
        assertEquals(1, ends);
    }

    @Test
    void frameworkErrorCodesPassThrough() {
        session.onError(7, "Too many attempts");
        assertEquals(List.of("error:7:Too many attempts"), events);
    }

    @Test
    void failedAndHelpAreNotAnEnd() {
        session.onFailed();
        session.onHelp(5, "Move finger slower");
        session.onFailed();
        assertFalse(session.isEnded());
        assertEquals(0, ends);
        session.onSucceeded(null, Prompter.AUTH_TYPE_BIOMETRIC);
        assertEquals(List.of("failed", "help:5:Move finger slower", "failed", "succeeded:2"), events);
        assertTrue(session.isEnded());
        assertEquals(1, ends);
    }

    @Test
    void onlyTheFirstEndIsDelivered() {
        session.negativeButton("Cancel");
        // The framework may still report an error, and the app may cancel.
        session.onError(10, "User canceled");
        session.cancel("late");
        session.onSucceeded(null, Prompter.AUTH_TYPE_BIOMETRIC);
        session.onFailed();
        session.onHelp(1, "late hint");
        assertEquals(List.of("error:13:Cancel"), events);
        assertEquals(1, ends);
    }

    @Test
    void cancelAfterSuccessIsDropped() {
        session.onSucceeded(null, Prompter.AUTH_TYPE_DEVICE_CREDENTIAL);
        session.cancel(PromptErrors.BACKGROUNDED);
        assertEquals(List.of("succeeded:1"), events);
    }

    @Test
    void onEndRunsEvenWhenTheCallbackThrows() {
        PromptSession throwing = new PromptSession(new Prompter.Callback() {
            @Override
            public void onSucceeded(Signature authorised, int authType) {}

            @Override
            public void onError(int code, CharSequence message) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void onFailed() {}

            @Override
            public void onHelp(int code, CharSequence message) {}
        }, () -> ends++);
        try {
            throwing.onError(1, "x");
        } catch (IllegalStateException expected) {
            // propagated to the caller
        }
        assertEquals(1, ends);
        assertTrue(throwing.isEnded());
    }

    @Test
    void platformFailureIsTheBridgeFailureOutcomeNotAnAndroidCode() {
        assertTrue(PromptErrors.PLATFORM_FAILURE < 0);
        assertEquals(NativeBridge.OUTCOME_BRIDGE_FAILED, PromptErrors.PLATFORM_FAILURE);
        assertNotEquals(NativeBridge.OUTCOME_SIGN_FAILED, PromptErrors.PLATFORM_FAILURE);
        assertNotEquals(NativeBridge.OUTCOME_SUCCESS, PromptErrors.PLATFORM_FAILURE);
    }

    @Test
    void codesAgreeWithTheBridge() {
        assertEquals(NativeBridge.ERROR_CANCELED, PromptErrors.CANCELED);
        assertEquals(NativeBridge.ERROR_USER_CANCELED, PromptErrors.USER_CANCELED);
    }
}
