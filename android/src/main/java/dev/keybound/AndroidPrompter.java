package dev.keybound;

import android.app.Activity;
import android.hardware.biometrics.BiometricPrompt;
import android.os.CancellationSignal;
import android.util.Log;
import java.security.Signature;
import java.util.concurrent.Executor;

/**
 * {@link Prompter} on the framework {@code android.hardware.biometrics.BiometricPrompt}
 * (API 28+; no androidx, no FragmentActivity, so apps keep FlutterActivity).
 * Every decision is made by {@link PromptPolicy}, {@link LifecycleTracker} and
 * {@link PromptSession}; this class only applies them. Main thread only.
 */
final class AndroidPrompter implements Prompter {
    private static final String TAG = "keybound";

    private final int apiLevel;
    private final Executor mainExecutor;
    private final LifecycleTracker tracker;

    private Activity activity;
    private Request current;
    private CancellationSignal cancellation;

    /** A prompt asked for: kept while it waits for an Activity (configuration change). */
    private static final class Request {
        final Signature signature;
        final PromptText text;
        final PromptPolicy policy;
        PromptSession session;

        Request(Signature signature, PromptText text, PromptPolicy policy) {
            this.signature = signature;
            this.text = text;
            this.policy = policy;
        }
    }

    /**
     * @param mainExecutor runs on the main thread ({@code Context.getMainExecutor()})
     * @param tracker the plugin's lifecycle state, shared with {@code KeyboundPlugin}
     */
    AndroidPrompter(int apiLevel, Executor mainExecutor, LifecycleTracker tracker) {
        this.apiLevel = apiLevel;
        this.mainExecutor = mainExecutor;
        this.tracker = tracker;
    }

    /** The Activity prompts show on; null while there is none. */
    void setActivity(Activity activity) {
        this.activity = activity;
    }

    /** The plugin's {@link LifecycleTracker.Action#SHOW_PENDING}: the waiting prompt shows now. */
    void showPending() {
        Request request = current;
        if (request != null && !request.session.isEnded() && cancellation == null) {
            show(request);
        }
    }

    @Override
    public void authenticate(Signature signature, PromptText text, boolean allowDeviceCredential,
            Callback callback) {
        String unsupported = ApiLevels.unsupportedReason(apiLevel);
        if (unsupported != null) {
            callback.onError(PromptErrors.PLATFORM_FAILURE, unsupported);
            return;
        }
        PromptPolicy policy = PromptPolicy.forApi(apiLevel, allowDeviceCredential);
        LifecycleTracker.Decision decision = tracker.onPromptRequested();
        if (decision == LifecycleTracker.Decision.REJECT) {
            callback.onError(PromptErrors.CANCELED,
                    tracker.isPromptActive() ? "Canceled: another prompt is showing" : PromptErrors.NO_ACTIVITY);
            return;
        }
        Request request = new Request(signature, text, policy);
        request.session = new PromptSession(callback, () -> ended(request));
        current = request;
        if (decision == LifecycleTracker.Decision.SHOW) {
            show(request);
        }
        // DEFER: showPending() runs on reattachment, cancel() ends it meanwhile.
    }

    @Override
    public void cancel() {
        Request request = current;
        if (request == null) {
            return;
        }
        CancellationSignal signal = cancellation;
        if (signal != null) {
            signal.cancel();
        }
        request.session.cancel(PromptErrors.BACKGROUNDED);
    }

    private void show(Request request) {
        Activity host = activity;
        if (host == null) {
            request.session.onError(PromptErrors.CANCELED, PromptErrors.NO_ACTIVITY);
            return;
        }
        try {
            BiometricPrompt.Builder builder = new BiometricPrompt.Builder(host).setTitle(request.text.title);
            if (request.text.subtitle != null) {
                builder.setSubtitle(request.text.subtitle);
            }
            if (request.text.description != null) {
                builder.setDescription(request.text.description);
            }
            if (request.policy.setsAllowedAuthenticators()) {
                builder.setAllowedAuthenticators(request.policy.allowedAuthenticators());
            }
            if (request.policy.hasNegativeButton()) {
                String label = PromptPolicy.negativeButtonLabel(request.text.negativeButton);
                builder.setNegativeButton(label, mainExecutor,
                        (dialog, which) -> request.session.negativeButton(label));
            }
            CancellationSignal signal = new CancellationSignal();
            cancellation = signal;
            builder.build().authenticate(new BiometricPrompt.CryptoObject(request.signature), signal,
                    mainExecutor, new FrameworkCallback(request));
        } catch (RuntimeException e) {
            // IllegalArgumentException / IllegalStateException from the builder
            // or a vendor framework: end the request, never crash the app.
            Log.w(TAG, "could not show the biometric prompt", e);
            request.session.onError(PromptErrors.PLATFORM_FAILURE, "could not show the biometric prompt: " + e);
        }
    }

    private void ended(Request request) {
        if (current == request) {
            current = null;
            cancellation = null;
        }
        tracker.onPromptEnded();
    }

    /** Framework callback → {@link PromptSession}. */
    private final class FrameworkCallback extends BiometricPrompt.AuthenticationCallback {
        private final Request request;

        FrameworkCallback(Request request) {
            this.request = request;
        }

        @Override
        public void onAuthenticationSucceeded(BiometricPrompt.AuthenticationResult result) {
            // Sign with the instance the OS authorised, never the one we passed in.
            BiometricPrompt.CryptoObject crypto = result.getCryptoObject();
            Signature authorised = crypto != null ? crypto.getSignature() : null;
            if (authorised == null) {
                request.session.onError(PromptErrors.PLATFORM_FAILURE,
                        "the prompt succeeded without returning the authorised Signature");
                return;
            }
            int resultType = request.policy.readsResultType()
                    ? result.getAuthenticationType()
                    : PromptPolicy.RESULT_TYPE_BIOMETRIC;
            request.session.onSucceeded(authorised, request.policy.authType(resultType));
        }

        @Override
        public void onAuthenticationError(int errorCode, CharSequence errString) {
            request.session.onError(errorCode, errString);
        }

        @Override
        public void onAuthenticationFailed() {
            // Not recognised; the prompt stays up. Not an end.
            request.session.onFailed();
        }

        @Override
        public void onAuthenticationHelp(int helpCode, CharSequence helpString) {
            request.session.onHelp(helpCode, helpString);
        }
    }
}
