package dev.keybound;

/**
 * What the plugin's Activity is doing, and what that means for a prompt.
 * Pure Java: {@code KeyboundPlugin} feeds it the Flutter and Activity
 * lifecycle, {@code AndroidPrompter} asks it whether a prompt may show, and
 * each returns what to do.
 *
 * <ul>
 *   <li>Stopped while a prompt shows, and not for a configuration change:
 *       cancel the prompt once; Dart sees {@code systemCanceled}. Paused is
 *       not reported here: a paused Activity can still be visible
 *       (split-screen, a permission dialog or translucent Activity on top)
 *       and the prompt with it.
 *   <li>Detached for a configuration change (rotation): keep the prompt; a
 *       prompt asked for meanwhile waits and shows on reattachment.
 *   <li>Detached for good: cancel.
 * </ul>
 */
public final class LifecycleTracker {
    /** What the plugin must do after an event. */
    public enum Action {
        /** Nothing. */
        NONE,
        /** Cancel the prompt showing (or waiting) now. */
        CANCEL_PROMPT,
        /** Show the prompt that waited for the Activity to come back. */
        SHOW_PENDING
    }

    /** The answer to a prompt request. */
    public enum Decision {
        /** Show it now, on the current Activity. */
        SHOW,
        /** Keep it until the Activity is reattached after a configuration change. */
        DEFER,
        /** Refuse it: no Activity, or the app is in the background. */
        REJECT
    }

    /** The Activity binding, as Flutter reports it. */
    public enum Binding {
        /** No Activity (never attached, or detached for good). */
        NONE,
        /** An Activity is attached. */
        ATTACHED,
        /** Detached for a configuration change; a new Activity is coming. */
        CONFIG_CHANGE
    }

    private Binding binding = Binding.NONE;
    private boolean foreground;
    private boolean promptShowing;
    private boolean promptPending;
    private boolean cancelIssued;

    /** {@code onAttachedToActivity}: the Activity is being created or is showing. */
    public Action onAttached() {
        binding = Binding.ATTACHED;
        foreground = true;
        return Action.NONE;
    }

    /** {@code onDetachedFromActivityForConfigChanges}: keep whatever runs. */
    public Action onDetachedForConfigChanges() {
        binding = Binding.CONFIG_CHANGE;
        return Action.NONE;
    }

    /** {@code onReattachedToActivityForConfigChanges}: rebind; show a waiting prompt. */
    public Action onReattached() {
        binding = Binding.ATTACHED;
        foreground = true;
        if (promptPending) {
            promptPending = false;
            promptShowing = true;
            cancelIssued = false;
            return Action.SHOW_PENDING;
        }
        return Action.NONE;
    }

    /** {@code onDetachedFromActivity}: the Activity is gone for good. */
    public Action onDetached() {
        binding = Binding.NONE;
        foreground = false;
        return cancelIfActive();
    }

    /** {@code onActivityResumed} / {@code onActivityStarted} of the tracked Activity. */
    public Action onForeground() {
        if (binding == Binding.ATTACHED) {
            foreground = true;
        }
        return Action.NONE;
    }

    /**
     * {@code onActivityStopped} of the tracked Activity (not
     * {@code onActivityPaused}: see the class docs).
     *
     * @param changingConfigurations {@code Activity.isChangingConfigurations()}:
     *     true while the Activity is paused only to be recreated (rotation)
     */
    public Action onBackground(boolean changingConfigurations) {
        if (changingConfigurations) {
            return Action.NONE;
        }
        foreground = false;
        return cancelIfActive();
    }

    /** A prompt was asked for. On {@link Decision#SHOW} the prompt counts as showing. */
    public Decision onPromptRequested() {
        if (promptShowing || promptPending) {
            // The bridge allows one prompt at a time; a second is refused.
            return Decision.REJECT;
        }
        if (binding == Binding.CONFIG_CHANGE) {
            promptPending = true;
            cancelIssued = false;
            return Decision.DEFER;
        }
        if (binding == Binding.ATTACHED && foreground) {
            promptShowing = true;
            cancelIssued = false;
            return Decision.SHOW;
        }
        return Decision.REJECT;
    }

    /** The prompt ended (any outcome). */
    public void onPromptEnded() {
        promptShowing = false;
        promptPending = false;
        cancelIssued = false;
    }

    /** The current binding. */
    public Binding binding() {
        return binding;
    }

    /** Whether the Activity is in the foreground as far as keybound knows. */
    public boolean isForeground() {
        return foreground;
    }

    /** Whether a prompt is showing or waiting for a new Activity. */
    public boolean isPromptActive() {
        return promptShowing || promptPending;
    }

    private Action cancelIfActive() {
        if ((promptShowing || promptPending) && !cancelIssued) {
            cancelIssued = true;
            return Action.CANCEL_PROMPT;
        }
        return Action.NONE;
    }
}
