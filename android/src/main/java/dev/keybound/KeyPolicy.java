package dev.keybound;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The parameters of a keybound key on an API level, and where to try to make
 * it. Pure Java: {@code AndroidKeyVault} only applies it to a
 * {@code KeyGenParameterSpec.Builder}.
 *
 * <p>Every key: P-256 ({@code secp256r1}), {@code PURPOSE_SIGN}, SHA-256,
 * user authentication for every use, invalidated by a new biometric
 * enrolment, usable only while the device is unlocked, attested with the
 * server's challenge. Per-use authentication is
 * {@code setUserAuthenticationParameters(0, AUTH_BIOMETRIC_STRONG [| AUTH_DEVICE_CREDENTIAL])}
 * on API 30+, and {@code setUserAuthenticationRequired(true)} with the default
 * validity (-1, every use, biometric only) on API 28-29.
 */
public final class KeyPolicy {
    /** {@code KeyProperties.AUTH_DEVICE_CREDENTIAL}. */
    @Mirrors("android.security.keystore.KeyProperties.AUTH_DEVICE_CREDENTIAL")
    public static final int AUTH_DEVICE_CREDENTIAL = 1;
    /** {@code KeyProperties.AUTH_BIOMETRIC_STRONG}. */
    @Mirrors("android.security.keystore.KeyProperties.AUTH_BIOMETRIC_STRONG")
    public static final int AUTH_BIOMETRIC_STRONG = 2;
    /** {@code KeyProperties.PURPOSE_SIGN}. */
    @Mirrors("android.security.keystore.KeyProperties.PURPOSE_SIGN")
    public static final int PURPOSE_SIGN = 4;

    /** The Keystore provider and type. */
    public static final String PROVIDER = "AndroidKeyStore";
    /** Named curve for {@code ECGenParameterSpec}. */
    public static final String CURVE = "secp256r1";
    /** JCA signature algorithm; output is DER {@code SEQUENCE { r, s }}. */
    public static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    /** Authentication validity: 0 seconds = every use (API 30+ form). */
    public static final int AUTH_TIMEOUT_EVERY_USE = 0;

    /** Where a key is generated. */
    public enum Backing {
        /** The StrongBox secure element ({@code setIsStrongBoxBacked(true)}). */
        STRONGBOX,
        /** The Trusted Execution Environment (the default). */
        TEE
    }

    private final int apiLevel;
    private final boolean deviceCredential;
    private final List<Backing> attempts;

    private KeyPolicy(int apiLevel, boolean deviceCredential, List<Backing> attempts) {
        this.apiLevel = apiLevel;
        this.deviceCredential = deviceCredential;
        this.attempts = attempts;
    }

    /**
     * The policy for a new key.
     *
     * @param hasStrongBox {@code FEATURE_STRONGBOX_KEYSTORE}
     * @throws KeyVaultException {@link KeyVaultException#UNSUPPORTED} below API
     *     28, or when device credential is asked for below API 30 (it cannot
     *     unlock a per-use key together with a CryptoObject there)
     */
    public static KeyPolicy forRequest(int apiLevel, boolean allowDeviceCredential,
            boolean preferStrongBox, boolean hasStrongBox) throws KeyVaultException {
        String unsupported = ApiLevels.unsupportedReason(apiLevel);
        if (unsupported != null) {
            throw new KeyVaultException(KeyVaultException.UNSUPPORTED, unsupported);
        }
        if (allowDeviceCredential && !ApiLevels.deviceCredentialWithCrypto(apiLevel)) {
            throw new KeyVaultException(KeyVaultException.UNSUPPORTED,
                    "device credential can unlock a per-use Keystore key only from Android 11"
                            + " (API " + ApiLevels.AUTHENTICATORS + "); this device runs API " + apiLevel);
        }
        List<Backing> attempts = new ArrayList<>(2);
        if (preferStrongBox && hasStrongBox) {
            attempts.add(Backing.STRONGBOX);
        }
        attempts.add(Backing.TEE);
        return new KeyPolicy(apiLevel, allowDeviceCredential, Collections.unmodifiableList(attempts));
    }

    /** Where to try, in order: StrongBox first when wanted and advertised, then the TEE. */
    public List<Backing> attempts() {
        return attempts;
    }

    /**
     * Whether a failed attempt on {@code failed} goes on to the next backing.
     * Only a StrongBox attempt falls back (to the TEE): devices advertise
     * {@code FEATURE_STRONGBOX_KEYSTORE} and still throw
     * {@code StrongBoxUnavailableException}. A TEE failure is final.
     */
    public boolean fallsBackAfter(Backing failed) {
        int i = attempts.indexOf(failed);
        return failed == Backing.STRONGBOX && i >= 0 && i + 1 < attempts.size();
    }

    /** Whether to call {@code setUserAuthenticationParameters} (API 30+). */
    public boolean usesAuthenticationParameters() {
        return apiLevel >= ApiLevels.AUTHENTICATORS;
    }

    /** The {@code type} for {@code setUserAuthenticationParameters(0, type)}. */
    public int authenticationTypes() {
        return deviceCredential ? (AUTH_BIOMETRIC_STRONG | AUTH_DEVICE_CREDENTIAL) : AUTH_BIOMETRIC_STRONG;
    }

    /** The {@code timeout} for {@code setUserAuthenticationParameters}: every use. */
    public int authenticationTimeoutSeconds() {
        return AUTH_TIMEOUT_EVERY_USE;
    }

    /** {@code setUserAuthenticationRequired}: always. */
    public boolean userAuthenticationRequired() {
        return true;
    }

    /** {@code setInvalidatedByBiometricEnrollment}: always (a new finger must not sign). */
    public boolean invalidatedByBiometricEnrollment() {
        return true;
    }

    /** {@code setUnlockedDeviceRequired}: always (API 28+). */
    public boolean unlockedDeviceRequired() {
        return true;
    }

    /** Whether device credential may unlock the key. */
    public boolean allowsDeviceCredential() {
        return deviceCredential;
    }

    /**
     * The level to report for a key made on {@code backing}.
     *
     * @param insideSecureHardware what the Keystore says about the new key
     *     ({@code KeyInfo.isInsideSecureHardware()}); false means software,
     *     whatever was asked
     */
    public static int securityLevel(Backing backing, boolean insideSecureHardware) {
        if (!insideSecureHardware) {
            return KeyInfo.LEVEL_SOFTWARE;
        }
        return backing == Backing.STRONGBOX ? KeyInfo.LEVEL_STRONGBOX : KeyInfo.LEVEL_TEE;
    }

    /**
     * Whether a key-generation failure means "no biometric enrolled". The
     * Keystore refuses a key that needs authentication for every use when no
     * biometric secure user id exists, with an {@code IllegalStateException}
     * ("At least one fingerprint must be enrolled ..." on Android 9, "At
     * least one biometric must be enrolled ..." from Android 10) that
     * {@code KeyPairGenerator} wraps (in
     * {@code InvalidAlgorithmParameterException} on Android 9). There is no
     * typed exception for it, so the cause chain's messages are read; only
     * this one refusal is recognised, anything else stays a failure.
     */
    public static boolean isNoneEnrolled(Throwable failure) {
        return Causes.any(failure, t -> {
            String message = t.getMessage();
            return t instanceof IllegalStateException && message != null
                    && message.startsWith("At least one ")
                    && message.contains(" must be enrolled to create keys requiring user authentication");
        });
    }
}
