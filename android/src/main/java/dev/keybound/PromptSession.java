package dev.keybound;

import java.security.Signature;

/**
 * One prompt's outcome: forwards to the caller's callback and makes sure it
 * ends exactly once, whatever order the framework, the negative button and a
 * cancel arrive in. Pure Java; used on the main thread only.
 *
 * <ul>
 *   <li>{@code onFailed} (a biometric not recognised) and {@code onHelp} are
 *       passed on and do not end the prompt;
 *   <li>the negative button ends it with {@link PromptErrors#NEGATIVE_BUTTON};
 *   <li>{@link #cancel} ends it at once with {@link PromptErrors#CANCELED}
 *       (what the framework reports for a cancelled signal), so the caller
 *       never waits on a framework that stays silent after a cancel;
 *   <li>anything after the end is dropped.
 * </ul>
 */
public final class PromptSession implements Prompter.Callback {
    private final Prompter.Callback downstream;
    private final Runnable onEnd;
    private boolean ended;

    /**
     * @param downstream the caller's callback
     * @param onEnd run once, after the outcome was delivered
     */
    public PromptSession(Prompter.Callback downstream, Runnable onEnd) {
        this.downstream = downstream;
        this.onEnd = onEnd;
    }

    /** Whether the outcome has been delivered. */
    public boolean isEnded() {
        return ended;
    }

    @Override
    public void onSucceeded(Signature authorised, int authType) {
        if (end()) {
            try {
                downstream.onSucceeded(authorised, authType);
            } finally {
                onEnd.run();
            }
        }
    }

    @Override
    public void onError(int code, CharSequence message) {
        if (end()) {
            try {
                downstream.onError(code, message);
            } finally {
                onEnd.run();
            }
        }
    }

    @Override
    public void onFailed() {
        if (!ended) {
            downstream.onFailed();
        }
    }

    @Override
    public void onHelp(int code, CharSequence message) {
        if (!ended) {
            downstream.onHelp(code, message);
        }
    }

    /** The framework prompt's negative button was pressed. */
    public void negativeButton(CharSequence label) {
        onError(PromptErrors.NEGATIVE_BUTTON, label);
    }

    /** The prompt is being cancelled (app backgrounded, caller gave up). */
    public void cancel(CharSequence why) {
        onError(PromptErrors.CANCELED, why);
    }

    private boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        return true;
    }
}
