package dev.keybound;

import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Java half of keybound's JNI bridge: the static methods the Rust core
 * calls, and the native callbacks through which prompt outcomes go back.
 *
 * <h2>For the plugin author (Android adapters)</h2>
 * In this order, on the main thread:
 * <ol>
 *   <li>{@code System.loadLibrary("keybound")}: runs the Rust {@code JNI_OnLoad}
 *       with this class's loader; Rust caches this class, {@link KeyInfo} and
 *       {@link KeyVaultException}, their method ids, and registers the
 *       {@code native} methods below ({@code RegisterNatives}, no exported
 *       {@code Java_...} names). Calling any native method before it throws
 *       {@code UnsatisfiedLinkError}.</li>
 *   <li>{@link #nativeInit(Object)} with the <em>application</em> Context
 *       (passed as Object: this class has no android.* types). Initialises
 *       ndk-context and logcat logging in Rust; idempotent.</li>
 *   <li>{@link #install(DeviceInfo, KeyVault, Prompter, Executor)} with the
 *       Android adapters and a main-thread executor (e.g.
 *       {@code new Handler(Looper.getMainLooper())::post}), once per engine:
 *       it returns that engine's {@link Installation}. An app may run several
 *       engines (a background engine of a messaging or work-manager plugin,
 *       an app's own second engine); each installs its own, and one engine's
 *       install or uninstall never touches another's prompt. On a
 *       configuration change (rotation) keep the installation and hand the
 *       new Activity to the Prompter, as {@code KeyboundPlugin} does.</li>
 *   <li>{@link Installation#activityStarted()},
 *       {@link Installation#activityRotating()} and
 *       {@link Installation#activityStopped()} as the engine's Activity
 *       comes and goes: a prompt goes to the installation whose Activity
 *       started last, else to one whose Activity is being recreated, else
 *       to the newest installation, whose Prompter then refuses it (no
 *       Activity: {@code BIOMETRIC_ERROR_CANCELED}, 5). Calls that need no
 *       Activity (status, keys) go the same way; every installation reaches
 *       the same Keystore.</li>
 *   <li>{@link Installation#onBackgrounded()} from {@code onStop} (not for a
 *       configuration change) or {@code onDetachedFromActivity}: cancels the
 *       prompt this installation shows, which reaches Rust as
 *       {@code BIOMETRIC_ERROR_CANCELED} (5).</li>
 *   <li>{@link Installation#uninstall()} from {@code onDetachedFromEngine}.</li>
 * </ol>
 * Rust's calls arrive on Rust worker threads; {@link Prompter} methods are
 * only ever called on the main-thread executor; outcomes go back to Rust from
 * whatever thread the Prompter's callback runs on (the main thread on Android).
 *
 * <h2>Protocol with Rust (do not change without the Rust side)</h2>
 * Rust gives every prompt a request id. {@link #authenticate} returns
 * {@link #START_ACCEPTED} or {@link #START_BUSY}; exactly one
 * {@code nativeOnResult(requestId, outcome, derSignature, authType, message)}
 * follows an accepted request: outcome {@link #OUTCOME_SUCCESS} with the DER
 * signature made by the authorised Signature instance, a
 * {@code BIOMETRIC_ERROR_*} code (13 for the negative button), or
 * {@link #OUTCOME_SIGN_FAILED}. Key errors are thrown as
 * {@link KeyVaultException}; Rust turns every exception into a typed error.
 */
public final class NativeBridge {
    /** {@link #authenticate} accepted the request; one result will follow. */
    public static final int START_ACCEPTED = 0;
    /** {@link #authenticate} refused: another prompt is showing. No result follows. */
    public static final int START_BUSY = 1;

    /** The prompt succeeded and the payload was signed. */
    public static final int OUTCOME_SUCCESS = 0;
    /** The prompt succeeded but signing failed (message says why). */
    public static final int OUTCOME_SIGN_FAILED = -1;
    /** The Prompter or executor threw while starting the prompt (message says why). */
    public static final int OUTCOME_BRIDGE_FAILED = -2;
    /**
     * The prompt succeeded but the Keystore refused to sign with
     * {@code UserNotAuthenticatedException} (the device must be unlocked
     * with its credential first); see {@link KeyVaultException#USER_NOT_AUTHENTICATED}.
     */
    public static final int OUTCOME_USER_NOT_AUTHENTICATED = -3;
    /** Spelled by name: this class has no android.* types. */
    private static final String USER_NOT_AUTHENTICATED_EXCEPTION =
            "android.security.keystore.UserNotAuthenticatedException";

    /** BiometricPrompt.BIOMETRIC_ERROR_CANCELED: the system (or the app going to the background) cancelled. */
    public static final int ERROR_CANCELED = 5;
    /** BiometricPrompt.BIOMETRIC_ERROR_USER_CANCELED: also used when the app cancels. */
    public static final int ERROR_USER_CANCELED = 10;

    /** Indices into the array {@link #status()} returns. */
    public static final int STATUS_API_LEVEL = 0;
    public static final int STATUS_STRONG_BIOMETRIC = 1;
    public static final int STATUS_DEVICE_SECURE = 2;
    public static final int STATUS_STRONGBOX = 3;
    public static final int STATUS_LENGTH = 4;

    private static final Object LOCK = new Object();
    /** Installed and not yet uninstalled, oldest first; guarded by LOCK. */
    private static final List<Installation> INSTALLED = new ArrayList<>();
    /** Orders Activity starts across installations; guarded by LOCK. */
    private static long activityEvents;
    /** The request whose prompt the Prompter shows now; guarded by LOCK. */
    private static Request showing;
    /** Requests not yet reported to Rust, by id; guarded by LOCK. */
    private static final Map<Long, Request> REQUESTS = new HashMap<>();
    private static final AtomicLong CALLBACK_FAILURES = new AtomicLong();
    /** Where outcomes go: Rust in production; JUnit tests put a recorder here. */
    private static volatile ResultSink sink = NativeBridge::nativeOnResult;

    private NativeBridge() {}

    // ---------------------------------------------------------------- plugin entry points

    /** Native: initialises ndk-context (Android) with the application Context. Idempotent. */
    public static native void nativeInit(Object applicationContext);

    /** Native: one prompt outcome for Rust. Never throws (Rust swallows its own errors). */
    private static native void nativeOnResult(
            long requestId, int outcome, byte[] derSignature, int authType, String message);

    /**
     * Installs one engine's adapters and returns its handle. Other
     * installations are left as they are.
     */
    public static Installation install(DeviceInfo deviceInfo, KeyVault keyVault, Prompter prompter,
            Executor mainThread) {
        if (deviceInfo == null || keyVault == null || prompter == null || mainThread == null) {
            throw new IllegalArgumentException("install: null argument");
        }
        Installation in = new Installation(deviceInfo, keyVault, prompter, mainThread);
        synchronized (LOCK) {
            INSTALLED.add(in);
        }
        return in;
    }

    /** JUnit only: uninstalls every installation (a clean start between tests). */
    static void uninstallAllForTesting() {
        List<Installation> all;
        synchronized (LOCK) {
            all = new ArrayList<>(INSTALLED);
        }
        for (Installation in : all) {
            in.uninstall();
        }
    }

    /** Installations not yet uninstalled (tests and diagnostics). */
    public static int installations() {
        synchronized (LOCK) {
            return INSTALLED.size();
        }
    }

    // ---------------------------------------------------------------- called by Rust

    /** Capabilities, indexed by the STATUS_ constants (booleans as 0/1). */
    static int[] status() {
        DeviceInfo info = route().deviceInfo;
        int[] out = new int[STATUS_LENGTH];
        out[STATUS_API_LEVEL] = info.apiLevel();
        out[STATUS_STRONG_BIOMETRIC] = info.strongBiometricStatus();
        out[STATUS_DEVICE_SECURE] = info.isDeviceSecure() ? 1 : 0;
        out[STATUS_STRONGBOX] = info.hasStrongBox() ? 1 : 0;
        return out;
    }

    static KeyInfo createKey(String alias, byte[] attestationChallenge, boolean allowDeviceCredential,
            boolean preferStrongBox) throws KeyVaultException {
        return route().keyVault.create(alias, attestationChallenge, allowDeviceCredential, preferStrongBox);
    }

    static byte[] publicKey(String alias) throws KeyVaultException {
        return route().keyVault.publicKey(alias);
    }

    static boolean keyExists(String alias) throws KeyVaultException {
        return route().keyVault.exists(alias);
    }

    static boolean deleteKey(String alias) throws KeyVaultException {
        return route().keyVault.delete(alias);
    }

    /**
     * Starts a prompt for {@code requestId}: prepares the Signature now (so key
     * errors are thrown to Rust synchronously), then shows the prompt on the
     * main thread. After success it signs {@code payload}, or
     * {@code payloadDeviceCredential} when the user authenticated with the
     * device credential (non-null exactly when it is allowed: the token's
     * {@code auth} claim differs). The payloads are copied and wiped after use.
     */
    static int authenticate(long requestId, String alias, byte[] payload, byte[] payloadDeviceCredential,
            String title, String subtitle, String description, String negativeButton,
            boolean allowDeviceCredential) throws KeyVaultException {
        Installation in = route();
        synchronized (LOCK) {
            if (showing != null) {
                return START_BUSY;
            }
        }
        Signature signature = in.keyVault.signatureFor(alias);
        PromptText text = new PromptText(title, subtitle, description, negativeButton);
        Request r = new Request(requestId, payload.clone(),
                payloadDeviceCredential == null ? null : payloadDeviceCredential.clone(), in);
        synchronized (LOCK) {
            if (showing != null || !in.installed) {
                r.wipe();
                return START_BUSY;
            }
            showing = r;
            REQUESTS.put(requestId, r);
        }
        try {
            in.mainThread.execute(() -> showOnMain(in, r, signature, text, allowDeviceCredential));
        } catch (RuntimeException e) {
            synchronized (LOCK) {
                REQUESTS.remove(requestId);
                if (showing == r) {
                    showing = null;
                }
            }
            r.wipe();
            throw e;
        }
        return START_ACCEPTED;
    }

    /**
     * Cancels the prompt for {@code requestId} if it is still running; its
     * result is then {@link #ERROR_USER_CANCELED} (or {@link #ERROR_CANCELED}
     * when backgrounded). Unknown ids are ignored.
     */
    static void cancel(long requestId) {
        Request r;
        synchronized (LOCK) {
            r = REQUESTS.get(requestId);
            if (r == null) {
                return;
            }
            if (r.endCode == 0) {
                r.endCode = ERROR_USER_CANCELED;
            }
        }
        Installation in = r.installation;
        in.mainThread.execute(() -> cancelOnMain(in, r));
    }

    /** Requests not yet reported to Rust (tests and diagnostics). */
    public static int pendingRequests() {
        synchronized (LOCK) {
            return REQUESTS.size();
        }
    }

    /** Whether a prompt is showing now (tests and diagnostics). */
    public static boolean isPromptShowing() {
        synchronized (LOCK) {
            return showing != null;
        }
    }

    /** Receives prompt outcomes (the signature of {@code nativeOnResult}). */
    interface ResultSink {
        void onResult(long requestId, int outcome, byte[] derSignature, int authType, String message);
    }

    /** JUnit only: send outcomes to {@code testSink} instead of Rust; null restores Rust. */
    static void setResultSinkForTesting(ResultSink testSink) {
        sink = testSink == null ? NativeBridge::nativeOnResult : testSink;
    }

    /** Calls into Rust that threw (never expected; diagnostics). */
    public static long callbackFailures() {
        return CALLBACK_FAILURES.get();
    }

    // ---------------------------------------------------------------- main thread

    private static void showOnMain(Installation in, Request r, Signature signature, PromptText text,
            boolean allowDeviceCredential) {
        synchronized (LOCK) {
            if (r.endCode != 0) {
                // Cancelled before it was shown.
                promptEnded(r);
                finish(r, r.endCode, null, 0, "canceled before the prompt was shown");
                return;
            }
            r.started = true;
        }
        try {
            in.prompter.authenticate(signature, text, allowDeviceCredential, new PromptCallback(r));
        } catch (RuntimeException e) {
            synchronized (LOCK) {
                promptEnded(r);
            }
            finish(r, OUTCOME_BRIDGE_FAILED, null, 0, describe(e));
        }
    }

    private static void cancelOnMain(Installation in, Request r) {
        boolean started;
        synchronized (LOCK) {
            started = r.started && showing == r;
        }
        if (started) {
            try {
                in.prompter.cancel();
            } catch (RuntimeException e) {
                synchronized (LOCK) {
                    promptEnded(r);
                }
                finish(r, r.endCode, null, 0, "cancel failed: " + describe(e));
            }
        }
    }

    /** The previous installation's prompt ends as cancelled by the system. */
    private static void abandon(Installation previous) {
        Request r;
        synchronized (LOCK) {
            r = showing;
            if (r == null || r.installation != previous) {
                return;
            }
            r.endCode = ERROR_CANCELED;
            showing = null;
        }
        finish(r, ERROR_CANCELED, null, 0, "platform uninstalled");
        try {
            previous.mainThread.execute(() -> {
                try {
                    previous.prompter.cancel();
                } catch (RuntimeException ignored) {
                    // The old prompter is gone; nothing to report.
                }
            });
        } catch (RuntimeException ignored) {
            // The old executor is shut down.
        }
    }

    private static final class PromptCallback implements Prompter.Callback {
        private final Request r;

        PromptCallback(Request r) {
            this.r = r;
        }

        @Override
        public void onSucceeded(Signature authorised, int authType) {
            int endCode;
            synchronized (LOCK) {
                promptEnded(r);
                endCode = r.endCode;
            }
            if (endCode != 0) {
                // Cancel was asked for: honour it, do not sign.
                finish(r, endCode, null, 0, "canceled");
                return;
            }
            // The payload follows only the OS's reported type; a value outside
            // the protocol signs nothing (never "biometric by default").
            byte[] toSign;
            if (authType == Prompter.AUTH_TYPE_BIOMETRIC) {
                toSign = r.payload;
            } else if (authType == Prompter.AUTH_TYPE_DEVICE_CREDENTIAL) {
                toSign = r.payloadDeviceCredential;
                if (toSign == null) {
                    finish(r, OUTCOME_SIGN_FAILED, null, 0, "device credential used but not allowed");
                    return;
                }
            } else {
                finish(r, OUTCOME_SIGN_FAILED, null, 0, "unknown authentication type " + authType);
                return;
            }
            byte[] der;
            try {
                authorised.update(toSign);
                der = authorised.sign();
            } catch (Exception e) {
                finish(r, isUserNotAuthenticated(e) ? OUTCOME_USER_NOT_AUTHENTICATED : OUTCOME_SIGN_FAILED,
                        null, 0, describe(e));
                return;
            }
            finish(r, OUTCOME_SUCCESS, der, authType, null);
        }

        @Override
        public void onError(int code, CharSequence message) {
            int endCode;
            synchronized (LOCK) {
                promptEnded(r);
                endCode = r.endCode;
            }
            finish(r, endCode != 0 ? endCode : code, null, 0, message == null ? null : message.toString());
        }

        @Override
        public void onFailed() {
            // Not recognised; the prompt stays up.
        }

        @Override
        public void onHelp(int code, CharSequence message) {
            // Transient hint; the prompt shows it.
        }
    }

    /** Caller holds LOCK. */
    private static void promptEnded(Request r) {
        if (showing == r) {
            showing = null;
        }
    }

    /**
     * Reports the outcome of {@code r} to Rust once. A request already reported
     * (or abandoned) is not reported again; Rust would ignore it anyway.
     */
    private static void finish(Request r, int outcome, byte[] der, int authType, String message) {
        boolean first;
        synchronized (LOCK) {
            first = !r.reported;
            r.reported = true;
            REQUESTS.remove(r.id);
        }
        r.wipe();
        if (!first) {
            return;
        }
        try {
            sink.onResult(r.id, outcome, der, authType, message);
        } catch (Throwable t) {
            // Rust never throws back; an UnsatisfiedLinkError means the library is not loaded.
            CALLBACK_FAILURES.incrementAndGet();
        }
    }

    /**
     * The installation a call goes to: the one whose Activity started last,
     * else the one whose Activity is being recreated last, else the newest.
     */
    private static Installation route() {
        synchronized (LOCK) {
            Installation best = null;
            for (Installation in : INSTALLED) {
                if (best == null || in.routesBefore(best)) {
                    best = in;
                }
            }
            if (best == null) {
                throw new IllegalStateException("keybound: NativeBridge.install() was not called");
            }
            return best;
        }
    }

    /** Whether {@code t} or a cause is a {@code UserNotAuthenticatedException}. */
    static boolean isUserNotAuthenticated(Throwable failure) {
        return Causes.any(failure, t -> {
            for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
                if (c.getName().equals(USER_NOT_AUTHENTICATED_EXCEPTION)) {
                    return true;
                }
            }
            return false;
        });
    }

    private static String describe(Throwable t) {
        return t.getClass().getName() + ": " + t.getMessage();
    }

    /**
     * One engine's adapters, returned by {@link #install}. Its methods may be
     * called from any thread.
     */
    public static final class Installation {
        private static final int NO_ACTIVITY = 0;
        private static final int ROTATING = 1;
        private static final int STARTED = 2;

        final DeviceInfo deviceInfo;
        final KeyVault keyVault;
        final Prompter prompter;
        final Executor mainThread;
        /** Guarded by LOCK. */
        private boolean installed = true;
        /** Guarded by LOCK: NO_ACTIVITY, ROTATING or STARTED. */
        private int activity = NO_ACTIVITY;
        /** Guarded by LOCK: when {@link #activity} last changed (activityEvents). */
        private long activitySince;

        private Installation(DeviceInfo deviceInfo, KeyVault keyVault, Prompter prompter, Executor mainThread) {
            this.deviceInfo = deviceInfo;
            this.keyVault = keyVault;
            this.prompter = prompter;
            this.mainThread = mainThread;
        }

        /** This engine's Activity is attached and started: prompts go here. */
        public void activityStarted() {
            setActivity(STARTED);
        }

        /** This engine's Activity is being recreated (configuration change). */
        public void activityRotating() {
            setActivity(ROTATING);
        }

        /** This engine's Activity stopped or is gone. */
        public void activityStopped() {
            setActivity(NO_ACTIVITY);
        }

        /**
         * The app went to the background: cancel the prompt this installation
         * shows, reported to Rust as {@link #ERROR_CANCELED} whatever code the
         * Prompter ends with. Another installation's prompt is left alone.
         */
        public void onBackgrounded() {
            Request r;
            synchronized (LOCK) {
                r = showing;
                if (r == null || r.installation != this || !installed) {
                    return;
                }
                r.endCode = ERROR_CANCELED;
            }
            mainThread.execute(() -> cancelOnMain(this, r));
        }

        /**
         * Removes this installation; its prompt, if one shows, ends as
         * {@link #ERROR_CANCELED}. Other installations keep running.
         * Idempotent.
         */
        public void uninstall() {
            synchronized (LOCK) {
                if (!installed) {
                    return;
                }
                installed = false;
                INSTALLED.remove(this);
            }
            abandon(this);
        }

        private void setActivity(int state) {
            synchronized (LOCK) {
                activity = state;
                activitySince = ++activityEvents;
            }
        }

        /** Caller holds LOCK: whether calls prefer this installation to {@code other}. */
        private boolean routesBefore(Installation other) {
            if (activity != other.activity) {
                return activity > other.activity;
            }
            if (activity != NO_ACTIVITY) {
                return activitySince > other.activitySince;
            }
            // Neither has an Activity: the newest installation (INSTALLED is oldest first).
            return true;
        }
    }

    private static final class Request {
        final long id;
        final byte[] payload;
        final byte[] payloadDeviceCredential;
        final Installation installation;
        /** Guarded by LOCK: the prompter was asked to show it. */
        boolean started;
        /** Guarded by LOCK: the code to report when the prompt ends (0 = its own). */
        int endCode;
        /** Guarded by LOCK: already reported to Rust. */
        boolean reported;

        Request(long id, byte[] payload, byte[] payloadDeviceCredential, Installation installation) {
            this.id = id;
            this.payload = payload;
            this.payloadDeviceCredential = payloadDeviceCredential;
            this.installation = installation;
        }

        void wipe() {
            Arrays.fill(payload, (byte) 0);
            if (payloadDeviceCredential != null) {
                Arrays.fill(payloadDeviceCredential, (byte) 0);
            }
        }
    }
}
