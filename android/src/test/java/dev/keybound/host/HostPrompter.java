package dev.keybound.host;

import dev.keybound.PromptText;
import dev.keybound.Prompter;
import java.security.Signature;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted {@link Prompter}. Each prompt takes the next scripted step
 * (default: immediate biometric success). Everything runs on the given
 * single-thread "main" executor, as on Android.
 */
public final class HostPrompter implements Prompter {
    /** What a scripted prompt does. */
    public enum Kind { SUCCESS, ERROR, FAILED_THEN_SUCCESS, HANG, WRONG_SIGNATURE, THROW }

    /** One scripted prompt. */
    public static final class Step {
        final Kind kind;
        final long delayMs;
        final int code;
        final int authType;
        final int failures;

        private Step(Kind kind, long delayMs, int code, int authType, int failures) {
            this.kind = kind;
            this.delayMs = delayMs;
            this.code = code;
            this.authType = authType;
            this.failures = failures;
        }

        public static Step success(long delayMs, int authType) {
            return new Step(Kind.SUCCESS, delayMs, 0, authType, 0);
        }

        public static Step error(int code, long delayMs) {
            return new Step(Kind.ERROR, delayMs, code, 0, 0);
        }

        public static Step failedThenSuccess(int failures) {
            return new Step(Kind.FAILED_THEN_SUCCESS, 0, 0, AUTH_TYPE_BIOMETRIC, failures);
        }

        public static Step hang() {
            return new Step(Kind.HANG, 0, 0, AUTH_TYPE_BIOMETRIC, 0);
        }

        public static Step wrongSignature() {
            return new Step(Kind.WRONG_SIGNATURE, 0, 0, AUTH_TYPE_BIOMETRIC, 0);
        }

        public static Step throwing() {
            return new Step(Kind.THROW, 0, 0, 0, 0);
        }
    }

    /** One prompt on screen. Touched on the main thread only. */
    private static final class Shown {
        final Signature signature;
        final Callback callback;
        final Step step;
        boolean ended;

        Shown(Signature signature, Callback callback, Step step) {
            this.signature = signature;
            this.callback = callback;
            this.step = step;
        }
    }

    private final ScheduledExecutorService main;
    private final Deque<Step> script = new ArrayDeque<>();
    private final AtomicInteger shown = new AtomicInteger();
    private final AtomicInteger cancels = new AtomicInteger();
    private final AtomicInteger failedReads = new AtomicInteger();
    private volatile String lastTitle;
    private volatile boolean lastAllowDeviceCredential;
    private volatile Shown current;
    private volatile Shown hung;

    public HostPrompter(ScheduledExecutorService main) {
        this.main = main;
    }

    /** Queues the behaviour of a coming prompt. */
    public void script(Step step) {
        synchronized (script) {
            script.addLast(step);
        }
    }

    public int promptsShown() {
        return shown.get();
    }

    public int cancelsReceived() {
        return cancels.get();
    }

    public int failedReads() {
        return failedReads.get();
    }

    public String lastTitle() {
        return lastTitle;
    }

    public boolean lastAllowDeviceCredential() {
        return lastAllowDeviceCredential;
    }

    @Override
    public void authenticate(Signature signature, PromptText text, boolean allowDeviceCredential, Callback callback) {
        Step step;
        synchronized (script) {
            step = script.isEmpty() ? Step.success(0, AUTH_TYPE_BIOMETRIC) : script.removeFirst();
        }
        if (step.kind == Kind.THROW) {
            throw new IllegalStateException("host prompter: scripted failure to show");
        }
        shown.incrementAndGet();
        lastTitle = text.title;
        lastAllowDeviceCredential = allowDeviceCredential;
        Shown s = new Shown(signature, callback, step);
        current = s;
        switch (step.kind) {
            case HANG:
                hung = s;
                break;
            case ERROR:
                main.schedule(() -> end(s, () -> s.callback.onError(step.code, "host error " + step.code)),
                        step.delayMs, TimeUnit.MILLISECONDS);
                break;
            case FAILED_THEN_SUCCESS:
                for (int i = 0; i < step.failures; i++) {
                    main.execute(() -> {
                        if (!s.ended) {
                            failedReads.incrementAndGet();
                            s.callback.onFailed();
                        }
                    });
                }
                main.execute(() -> succeed(s));
                break;
            default:
                main.schedule(() -> succeed(s), step.delayMs, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void cancel() {
        cancels.incrementAndGet();
        Shown s = current;
        if (s == null || s.ended || s == hung) {
            return; // a hung prompt ignores cancel, like a wedged system UI
        }
        end(s, () -> s.callback.onError(5, "host: canceled"));
    }

    /**
     * Ends the hung prompt late with a success (on the main thread).
     * Returns whether a prompt was hung.
     */
    public boolean releaseHang() {
        Shown s = hung;
        if (s == null) {
            return false;
        }
        hung = null;
        main.execute(() -> succeed(s));
        return true;
    }

    private void succeed(Shown s) {
        if (s.ended) {
            return;
        }
        Signature handedOut = s.signature;
        if (s.signature instanceof HostSignature) {
            HostSignature hs = (HostSignature) s.signature;
            hs.authorise();
            if (s.step.kind == Kind.WRONG_SIGNATURE) {
                try {
                    handedOut = hs.twin();
                } catch (java.security.GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        Signature result = handedOut;
        end(s, () -> s.callback.onSucceeded(result, s.step.authType));
    }

    private void end(Shown s, Runnable report) {
        if (s.ended) {
            return;
        }
        s.ended = true;
        if (current == s) {
            current = null;
        }
        report.run();
    }
}
