package dev.keybound;

import java.security.Signature;

/**
 * Shows the system biometric prompt bound to a Signature. Implemented on
 * Android by {@code AndroidPrompter} (framework BiometricPrompt +
 * CryptoObject); on the host JVM by a scripted prompter. Called on the main
 * thread only; at most one prompt at a time (NativeBridge guarantees it).
 */
public interface Prompter {
    /** {@code BiometricPrompt.AUTHENTICATION_RESULT_TYPE_DEVICE_CREDENTIAL}. */
    int AUTH_TYPE_DEVICE_CREDENTIAL = 1;
    /** {@code BiometricPrompt.AUTHENTICATION_RESULT_TYPE_BIOMETRIC}. */
    int AUTH_TYPE_BIOMETRIC = 2;

    /**
     * Shows the prompt. Exactly one of {@link Callback#onSucceeded} or
     * {@link Callback#onError} ends it; {@link Callback#onFailed} and
     * {@link Callback#onHelp} may come before.
     */
    void authenticate(Signature signature, PromptText text, boolean allowDeviceCredential, Callback callback);

    /** Cancels the prompt showing now, if any; it then ends with onError. */
    void cancel();

    /** Prompt outcomes, delivered on the main thread. */
    interface Callback {
        /**
         * @param authorised the Signature the OS authorised (sign with this one)
         * @param authType one of the AUTH_TYPE_ constants
         */
        void onSucceeded(Signature authorised, int authType);

        /**
         * The prompt ended; {@code code} is a BIOMETRIC_ERROR_* value (13 for
         * the negative button), or -2 when the prompt could not be shown at
         * all (NativeBridge.OUTCOME_BRIDGE_FAILED).
         */
        void onError(int code, CharSequence message);

        /** A biometric was read but not recognised; the prompt stays up. */
        void onFailed();

        /** A transient hint (e.g. "move finger slower"). */
        void onHelp(int code, CharSequence message);
    }
}
