package dev.keybound;

/**
 * How a Keystore-bound prompt is configured on an API level: which
 * authenticators it allows, whether it has a negative button, and how to read
 * back the way the user authenticated. Pure Java: {@code AndroidPrompter}
 * only applies it.
 *
 * <p>Rules (docs/android-facts.md): a CryptoObject prompt accepts only Class 3
 * biometrics ({@code BIOMETRIC_STRONG}) and, from API 30,
 * {@code BIOMETRIC_STRONG | DEVICE_CREDENTIAL}; {@code BIOMETRIC_WEAK} is
 * never used. On API 28-29 there is no {@code setAllowedAuthenticators}: the
 * framework prompt is biometric-only with a CryptoObject, and device
 * credential cannot be combined with one. A negative button is required
 * unless device credential is allowed, and must not be set when it is.
 */
public final class PromptPolicy {
    /** Class 3 biometrics. */
    @Mirrors("android.hardware.biometrics.BiometricManager.Authenticators.BIOMETRIC_STRONG")
    public static final int BIOMETRIC_STRONG = 15;
    /** Class 2 biometrics: never allowed with a CryptoObject; kept only so tests can say so. */
    @Mirrors("android.hardware.biometrics.BiometricManager.Authenticators.BIOMETRIC_WEAK")
    public static final int BIOMETRIC_WEAK = 255;
    /** PIN, pattern or password. */
    @Mirrors("android.hardware.biometrics.BiometricManager.Authenticators.DEVICE_CREDENTIAL")
    public static final int DEVICE_CREDENTIAL = 32768;
    /** Result type: the user entered the device credential. */
    @Mirrors("android.hardware.biometrics.BiometricPrompt.AUTHENTICATION_RESULT_TYPE_DEVICE_CREDENTIAL")
    public static final int RESULT_TYPE_DEVICE_CREDENTIAL = 1;
    /** Result type: the user presented a biometric. */
    @Mirrors("android.hardware.biometrics.BiometricPrompt.AUTHENTICATION_RESULT_TYPE_BIOMETRIC")
    public static final int RESULT_TYPE_BIOMETRIC = 2;

    /** Label used when the caller gave none (the framework refuses an empty one). */
    public static final String DEFAULT_NEGATIVE_BUTTON = "Cancel";

    private final int apiLevel;
    private final boolean deviceCredential;

    private PromptPolicy(int apiLevel, boolean deviceCredential) {
        this.apiLevel = apiLevel;
        this.deviceCredential = deviceCredential;
    }

    /**
     * The policy for a prompt on {@code apiLevel}.
     *
     * @param allowDeviceCredential what the caller asked for. Below API 30 it
     *     is ignored and the prompt is biometric-only: stricter than asked, and
     *     a key made there cannot accept the credential anyway
     *     ({@link KeyPolicy} refuses to create one). The Rust session refuses
     *     such a request before it gets here.
     * @throws IllegalArgumentException below API 28 (check
     *     {@link ApiLevels#isSupported} first)
     */
    public static PromptPolicy forApi(int apiLevel, boolean allowDeviceCredential) {
        if (!ApiLevels.isSupported(apiLevel)) {
            throw new IllegalArgumentException(ApiLevels.unsupportedReason(apiLevel));
        }
        return new PromptPolicy(apiLevel,
                allowDeviceCredential && ApiLevels.deviceCredentialWithCrypto(apiLevel));
    }

    /** Whether to call {@code Builder.setAllowedAuthenticators} (API 30+ only). */
    public boolean setsAllowedAuthenticators() {
        return apiLevel >= ApiLevels.AUTHENTICATORS;
    }

    /**
     * The value for {@code setAllowedAuthenticators}: {@link #BIOMETRIC_STRONG},
     * or {@code BIOMETRIC_STRONG | DEVICE_CREDENTIAL}. Below API 30 this is
     * what the framework does implicitly for a CryptoObject (not passed).
     */
    public int allowedAuthenticators() {
        return deviceCredential ? (BIOMETRIC_STRONG | DEVICE_CREDENTIAL) : BIOMETRIC_STRONG;
    }

    /** Whether the lock-screen credential is offered. */
    public boolean allowsDeviceCredential() {
        return deviceCredential;
    }

    /**
     * Whether to call {@code Builder.setNegativeButton}: required without
     * device credential, forbidden with it (the system then shows its own
     * "use PIN" button).
     */
    public boolean hasNegativeButton() {
        return !deviceCredential;
    }

    /**
     * Never {@code setDeviceCredentialAllowed} (API 29, deprecated 30): on 29
     * it cannot be combined with a CryptoObject, from 30 the authenticators
     * say it.
     */
    public boolean usesLegacyDeviceCredentialFlag() {
        return false;
    }

    /** The negative button label: the caller's, or {@link #DEFAULT_NEGATIVE_BUTTON} when blank. */
    public static String negativeButtonLabel(String requested) {
        if (requested == null || requested.trim().isEmpty()) {
            return DEFAULT_NEGATIVE_BUTTON;
        }
        return requested;
    }

    /**
     * How the user authenticated, as a {@code Prompter.AUTH_TYPE_} value.
     *
     * @param resultType {@code AuthenticationResult.getAuthenticationType()},
     *     read only on API 30+ (pass anything below: the prompt could only be
     *     biometric). The OS saying device credential is always device
     *     credential, even where it was not offered (the bridge then signs
     *     nothing rather than claim a biometric). An unknown value is
     *     reported as the weaker claim the prompt allowed: device credential
     *     when offered, else biometric.
     */
    public int authType(int resultType) {
        if (resultType == RESULT_TYPE_DEVICE_CREDENTIAL) {
            return Prompter.AUTH_TYPE_DEVICE_CREDENTIAL;
        }
        if (!deviceCredential) {
            return Prompter.AUTH_TYPE_BIOMETRIC;
        }
        if (resultType == RESULT_TYPE_BIOMETRIC) {
            return Prompter.AUTH_TYPE_BIOMETRIC;
        }
        return Prompter.AUTH_TYPE_DEVICE_CREDENTIAL;
    }

    /** Whether {@code AuthenticationResult.getAuthenticationType()} exists (API 30+). */
    public boolean readsResultType() {
        return apiLevel >= ApiLevels.AUTHENTICATORS;
    }
}
