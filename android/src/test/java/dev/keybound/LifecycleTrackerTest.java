package dev.keybound;

import static dev.keybound.LifecycleTracker.Action.CANCEL_PROMPT;
import static dev.keybound.LifecycleTracker.Action.NONE;
import static dev.keybound.LifecycleTracker.Action.SHOW_PENDING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LifecycleTrackerTest {
    private static LifecycleTracker showing() {
        LifecycleTracker t = new LifecycleTracker();
        t.onAttached();
        assertEquals(LifecycleTracker.Decision.SHOW, t.onPromptRequested());
        return t;
    }

    @Test
    void pauseDuringPromptCancelsIt() {
        LifecycleTracker t = showing();
        assertEquals(CANCEL_PROMPT, t.onBackground(false));
        assertFalse(t.isForeground());
    }

    @Test
    void stopWithoutPauseAlsoCancels() {
        // Some vendors skip onPause: onStop alone must do it.
        LifecycleTracker t = showing();
        assertEquals(LifecycleTracker.Action.CANCEL_PROMPT, t.onBackground(false));
    }

    @Test
    void pauseThenStopCancelsOnce() {
        LifecycleTracker t = showing();
        assertEquals(CANCEL_PROMPT, t.onBackground(false));
        assertEquals(NONE, t.onBackground(false));
    }

    @Test
    void pauseWithoutPromptDoesNothing() {
        LifecycleTracker t = new LifecycleTracker();
        t.onAttached();
        assertEquals(NONE, t.onBackground(false));
    }

    @Test
    void pauseAfterThePromptEndedDoesNothing() {
        LifecycleTracker t = showing();
        t.onPromptEnded();
        assertEquals(NONE, t.onBackground(false));
    }

    @Test
    void configChangeKeepsTheRunningPrompt() {
        LifecycleTracker t = showing();
        assertEquals(NONE, t.onBackground(true), "pause for rotation");
        assertEquals(NONE, t.onBackground(true), "stop for rotation");
        assertEquals(NONE, t.onDetachedForConfigChanges());
        assertTrue(t.isPromptActive());
        assertEquals(NONE, t.onReattached(), "already showing: nothing to show again");
        assertTrue(t.isPromptActive());
        assertEquals(LifecycleTracker.Binding.ATTACHED, t.binding());
        // And the new Activity going to the background still cancels it.
        assertEquals(CANCEL_PROMPT, t.onBackground(false));
    }

    @Test
    void promptAskedDuringConfigChangeWaitsForTheNewActivity() {
        LifecycleTracker t = new LifecycleTracker();
        t.onAttached();
        t.onDetachedForConfigChanges();
        assertEquals(LifecycleTracker.Decision.DEFER, t.onPromptRequested());
        assertTrue(t.isPromptActive());
        assertEquals(SHOW_PENDING, t.onReattached());
        assertEquals(NONE, t.onReattached(), "shown once");
    }

    @Test
    void detachForGoodCancelsShowingOrWaitingPrompt() {
        LifecycleTracker t = showing();
        assertEquals(CANCEL_PROMPT, t.onDetached());

        LifecycleTracker waiting = new LifecycleTracker();
        waiting.onAttached();
        waiting.onDetachedForConfigChanges();
        waiting.onPromptRequested();
        assertEquals(CANCEL_PROMPT, waiting.onDetached());
    }

    @Test
    void noActivityOrBackgroundRejectsAPrompt() {
        LifecycleTracker t = new LifecycleTracker();
        assertEquals(LifecycleTracker.Decision.REJECT, t.onPromptRequested(), "never attached");
        t.onAttached();
        t.onBackground(false);
        assertEquals(LifecycleTracker.Decision.REJECT, t.onPromptRequested(), "in the background");
        t.onForeground();
        assertEquals(LifecycleTracker.Decision.SHOW, t.onPromptRequested(), "back in the foreground");
    }

    @Test
    void secondPromptWhileOneShowsIsRejected() {
        LifecycleTracker t = showing();
        assertEquals(LifecycleTracker.Decision.REJECT, t.onPromptRequested());
        t.onPromptEnded();
        assertEquals(LifecycleTracker.Decision.SHOW, t.onPromptRequested());
    }

    @Test
    void newPromptAfterACancelCanBeCancelledAgain() {
        LifecycleTracker t = showing();
        assertEquals(CANCEL_PROMPT, t.onBackground(false));
        t.onPromptEnded();
        t.onForeground();
        assertEquals(LifecycleTracker.Decision.SHOW, t.onPromptRequested());
        assertEquals(CANCEL_PROMPT, t.onBackground(false));
    }

    @Test
    void foregroundEventsWithoutActivityDoNotMakeItForeground() {
        LifecycleTracker t = new LifecycleTracker();
        t.onForeground();
        assertFalse(t.isForeground());
        assertEquals(LifecycleTracker.Decision.REJECT, t.onPromptRequested());
    }
}
