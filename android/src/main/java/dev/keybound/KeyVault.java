package dev.keybound;

import java.security.Signature;

/**
 * Hardware-backed P-256 signing keys, one per alias. Implemented on Android by
 * {@code AndroidKeyVault} (AndroidKeyStore); on the host JVM by the test
 * platform (JDK EC keys with Keystore-like auth-per-use semantics).
 */
public interface KeyVault {
    /**
     * Creates (replacing any existing) a P-256 signing key that needs user
     * authentication for every use and is invalidated by a new biometric
     * enrolment.
     *
     * @param attestationChallenge the server nonce to embed in the attestation
     * @param allowDeviceCredential let the lock-screen credential unlock it (API 30+)
     * @param preferStrongBox try StrongBox first, fall back to the TEE
     */
    KeyInfo create(String alias, byte[] attestationChallenge, boolean allowDeviceCredential,
            boolean preferStrongBox) throws KeyVaultException;

    /**
     * A {@code SHA256withECDSA} Signature already initialised for signing with
     * the key, to be wrapped in a CryptoObject. It can sign only after the
     * prompt authorises that very instance.
     *
     * @throws KeyVaultException with {@link KeyVaultException#INVALIDATED} when
     *     the key was permanently invalidated (the vault has deleted it), or
     *     {@link KeyVaultException#NOT_FOUND}
     */
    Signature signatureFor(String alias) throws KeyVaultException;

    /** The public key as X.509 SubjectPublicKeyInfo DER. */
    byte[] publicKey(String alias) throws KeyVaultException;

    /** Whether a key exists under the alias. */
    boolean exists(String alias) throws KeyVaultException;

    /** Deletes the key; false when there was none. */
    boolean delete(String alias) throws KeyVaultException;
}
