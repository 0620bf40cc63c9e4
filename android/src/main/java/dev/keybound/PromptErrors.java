package dev.keybound;

/**
 * The codes keybound's prompter reports through
 * {@link Prompter.Callback#onError}: the framework's
 * {@code BIOMETRIC_ERROR_*} values, plus the two keybound adds for things the
 * framework reports another way. Rust maps them in
 * {@code platform::android_codes::map_prompt_error}.
 */
public final class PromptErrors {
    /** The system (or keybound, for the same reasons) dismissed the prompt: app left the foreground. */
    @Mirrors("android.hardware.biometrics.BiometricPrompt.BIOMETRIC_ERROR_CANCELED")
    public static final int CANCELED = 5;
    /** The user dismissed the prompt. */
    @Mirrors("android.hardware.biometrics.BiometricPrompt.BIOMETRIC_ERROR_USER_CANCELED")
    public static final int USER_CANCELED = 10;
    /**
     * The negative button. The framework reports it only through the button's
     * click listener; keybound reports that click as 13, androidx's
     * {@code ERROR_NEGATIVE_BUTTON}, so Rust has one code for it.
     */
    public static final int NEGATIVE_BUTTON = 13;
    /**
     * Not an Android code: building or starting the prompt threw (the message
     * says what). The same value as {@link NativeBridge#OUTCOME_BRIDGE_FAILED},
     * so Rust reports a bridge failure, never a biometric error (-1 would be
     * {@code OUTCOME_SIGN_FAILED}, 0 success).
     */
    public static final int PLATFORM_FAILURE = -2;

    /** Message for a prompt ended because the app left the foreground. */
    public static final String BACKGROUNDED = "Canceled: the app left the foreground";
    /** Message for a prompt asked for while no Activity is showing. */
    public static final String NO_ACTIVITY = "Canceled: no foreground Activity to show the prompt on";

    private PromptErrors() {}
}
