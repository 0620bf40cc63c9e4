package dev.keybound;

import android.security.keystore.KeyGenParameterSpec;
import android.security.keystore.KeyPermanentlyInvalidatedException;
import android.security.keystore.KeyProperties;
import android.security.keystore.StrongBoxUnavailableException;
import android.security.keystore.UserNotAuthenticatedException;
import android.util.Log;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;

/**
 * {@link KeyVault} on the AndroidKeyStore: one P-256 signing key per alias,
 * user authentication for every use, attested. Parameters and the
 * StrongBox → TEE fallback come from {@link KeyPolicy}; this class only
 * applies them.
 *
 * <p><b>Re-enrolment never loses the old key.</b> AndroidKeyStore cannot
 * rename an entry, so a caller's alias {@code a} maps to two Keystore slots,
 * {@code a} and {@code a}{@value #NEXT_SUFFIX}. {@link #create} generates the
 * new key in the slot that is not current and deletes the old slot only after
 * generation (and reading its attestation chain) succeeded: a failed
 * enrolment leaves the old key in place and usable. Every other call resolves
 * the current slot: the one that exists; when both exist (the process died
 * between generating the new key and deleting the old one, so the new key
 * was never returned to anyone) the older entry by creation date is current
 * (the base slot on a tie or an unknown date), and the next {@code create}
 * replaces the orphan. {@link #delete} removes both slots. An app must not
 * use an alias ending in {@value #NEXT_SUFFIX} for a key of its own.
 */
final class AndroidKeyVault implements KeyVault {
    private static final String TAG = "keybound";
    /** The second Keystore slot of an alias (see the class doc). */
    static final String NEXT_SUFFIX = ".keybound-next";

    private final DeviceInfo device;

    AndroidKeyVault(DeviceInfo device) {
        this.device = device;
    }

    @Override
    public KeyInfo create(String alias, byte[] attestationChallenge, boolean allowDeviceCredential,
            boolean preferStrongBox) throws KeyVaultException {
        int api = device.apiLevel();
        KeyPolicy policy = KeyPolicy.forRequest(api, allowDeviceCredential, preferStrongBox,
                preferStrongBox && device.hasStrongBox());
        String current = currentSlot(alias);
        // The slot that is not current; a leftover there is an orphan of an
        // enrolment that never completed, never handed to anyone.
        String target = alias.equals(current) ? alias + NEXT_SUFFIX : alias;
        deleteSlot(target);
        KeyInfo created;
        try {
            created = generateIn(target, attestationChallenge, policy);
        } catch (KeyVaultException | RuntimeException e) {
            // The old key (if any) is untouched; drop whatever half-made entry the attempt left.
            try {
                deleteSlot(target);
            } catch (KeyVaultException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        if (current != null) {
            deleteSlot(current);
        }
        return created;
    }

    private KeyInfo generateIn(String slot, byte[] attestationChallenge, KeyPolicy policy)
            throws KeyVaultException {
        KeyPair pair = null;
        KeyPolicy.Backing used = null;
        for (KeyPolicy.Backing backing : policy.attempts()) {
            try {
                pair = generate(spec(slot, attestationChallenge, policy, backing));
                used = backing;
                break;
            } catch (StrongBoxUnavailableException e) {
                if (!policy.fallsBackAfter(backing)) {
                    throw new KeyVaultException(KeyVaultException.STRONGBOX_UNAVAILABLE,
                            "StrongBox is unavailable", e);
                }
                Log.i(TAG, "StrongBox unavailable, creating the key in the TEE");
            } catch (ProviderException | GeneralSecurityException e) {
                // Only StrongBoxUnavailableException (above) means "no
                // StrongBox here": any other failure is reported, never
                // hidden by a quieter key in the TEE.
                if (KeyPolicy.isNoneEnrolled(e)) {
                    throw new KeyVaultException(KeyVaultException.NOT_ENROLLED,
                            "no biometric is enrolled: enrol one in the system settings", e);
                }
                throw new KeyVaultException(KeyVaultException.FAILED, "key generation failed: " + e, e);
            }
        }
        if (pair == null || used == null) {
            throw new KeyVaultException(KeyVaultException.FAILED, "key generation produced no key");
        }
        byte[][] chain = attestationChain(slot);
        int level = KeyPolicy.securityLevel(used, insideSecureHardware(pair.getPrivate()));
        return new KeyInfo(pair.getPublic().getEncoded(), chain, level);
    }

    private static KeyGenParameterSpec spec(String alias, byte[] challenge, KeyPolicy policy,
            KeyPolicy.Backing backing) {
        KeyGenParameterSpec.Builder builder = new KeyGenParameterSpec.Builder(alias, KeyPolicy.PURPOSE_SIGN)
                .setAlgorithmParameterSpec(new ECGenParameterSpec(KeyPolicy.CURVE))
                .setDigests(KeyProperties.DIGEST_SHA256)
                .setUserAuthenticationRequired(policy.userAuthenticationRequired())
                .setInvalidatedByBiometricEnrollment(policy.invalidatedByBiometricEnrollment())
                .setUnlockedDeviceRequired(policy.unlockedDeviceRequired());
        if (policy.usesAuthenticationParameters()) {
            builder.setUserAuthenticationParameters(policy.authenticationTimeoutSeconds(),
                    policy.authenticationTypes());
        }
        // API 28-29: the default validity (-1) already means every use, biometric only.
        if (challenge != null) {
            builder.setAttestationChallenge(challenge);
        }
        if (backing == KeyPolicy.Backing.STRONGBOX) {
            builder.setIsStrongBoxBacked(true);
        }
        return builder.build();
    }

    private static KeyPair generate(KeyGenParameterSpec spec) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(KeyProperties.KEY_ALGORITHM_EC, KeyPolicy.PROVIDER);
        generator.initialize(spec);
        return generator.generateKeyPair();
    }

    // isInsideSecureHardware is deprecated from API 31 (getSecurityLevel) but
    // still answers there; one call for every level keybound supports.
    @SuppressWarnings("deprecation")
    private static boolean insideSecureHardware(PrivateKey key) {
        try {
            KeyFactory factory = KeyFactory.getInstance(key.getAlgorithm(), KeyPolicy.PROVIDER);
            android.security.keystore.KeyInfo info =
                    factory.getKeySpec(key, android.security.keystore.KeyInfo.class);
            return info.isInsideSecureHardware();
        } catch (GeneralSecurityException e) {
            Log.w(TAG, "could not read the key's security level", e);
            return false;
        }
    }

    private byte[][] attestationChain(String alias) throws KeyVaultException {
        Certificate[] chain;
        try {
            chain = keyStore().getCertificateChain(alias);
        } catch (GeneralSecurityException e) {
            throw new KeyVaultException(KeyVaultException.FAILED, "could not read the attestation chain", e);
        }
        if (chain == null) {
            return new byte[0][];
        }
        byte[][] der = new byte[chain.length][];
        for (int i = 0; i < chain.length; i++) {
            try {
                der[i] = chain[i].getEncoded();
            } catch (GeneralSecurityException e) {
                throw new KeyVaultException(KeyVaultException.FAILED, "could not encode certificate " + i, e);
            }
        }
        return der;
    }

    @Override
    public Signature signatureFor(String alias) throws KeyVaultException {
        PrivateKey key = privateKey(currentSlot(alias));
        try {
            Signature signature = Signature.getInstance(KeyPolicy.SIGNATURE_ALGORITHM);
            signature.initSign(key);
            return signature;
        } catch (KeyPermanentlyInvalidatedException e) {
            // A biometric was added or removed, or the lock screen reset: the key is dead.
            delete(alias);
            throw new KeyVaultException(KeyVaultException.INVALIDATED,
                    "the key was permanently invalidated (biometric enrolment or lock screen changed) and was deleted",
                    e);
        } catch (UserNotAuthenticatedException e) {
            // The key is fine; the Keystore wants the device unlocked first.
            throw new KeyVaultException(KeyVaultException.USER_NOT_AUTHENTICATED,
                    "the Keystore wants the device unlocked with its PIN, pattern or password first", e);
        } catch (InvalidKeyException e) {
            throw new KeyVaultException(KeyVaultException.FAILED, "could not initialise the signature: " + e, e);
        } catch (GeneralSecurityException e) {
            throw new KeyVaultException(KeyVaultException.FAILED, "no " + KeyPolicy.SIGNATURE_ALGORITHM, e);
        }
    }

    private PrivateKey privateKey(String slot) throws KeyVaultException {
        if (slot == null) {
            throw new KeyVaultException(KeyVaultException.NOT_FOUND, "no key under this alias");
        }
        Key key;
        try {
            key = keyStore().getKey(slot, null);
        } catch (GeneralSecurityException e) {
            throw new KeyVaultException(KeyVaultException.FAILED, "could not load the key: " + e, e);
        }
        if (key == null) {
            throw new KeyVaultException(KeyVaultException.NOT_FOUND, "no key under this alias");
        }
        if (!(key instanceof PrivateKey)) {
            throw new KeyVaultException(KeyVaultException.FAILED, "the alias holds no private key");
        }
        return (PrivateKey) key;
    }

    @Override
    public byte[] publicKey(String alias) throws KeyVaultException {
        String slot = currentSlot(alias);
        if (slot == null) {
            throw new KeyVaultException(KeyVaultException.NOT_FOUND, "no key under this alias");
        }
        Certificate certificate;
        try {
            certificate = keyStore().getCertificate(slot);
        } catch (GeneralSecurityException e) {
            throw new KeyVaultException(KeyVaultException.FAILED, "could not load the key: " + e, e);
        }
        if (certificate == null) {
            throw new KeyVaultException(KeyVaultException.NOT_FOUND, "no key under this alias");
        }
        return certificate.getPublicKey().getEncoded();
    }

    @Override
    public boolean exists(String alias) throws KeyVaultException {
        return currentSlot(alias) != null;
    }

    @Override
    public boolean delete(String alias) throws KeyVaultException {
        boolean base = deleteSlot(alias);
        boolean next = deleteSlot(alias + NEXT_SUFFIX);
        return base || next;
    }

    /** The Keystore slot holding the alias's current key, null when there is none (class doc). */
    private static String currentSlot(String alias) throws KeyVaultException {
        String next = alias + NEXT_SUFFIX;
        try {
            KeyStore store = keyStore();
            boolean hasBase = store.containsAlias(alias);
            boolean hasNext = store.containsAlias(next);
            if (hasBase && hasNext) {
                Date baseDate = store.getCreationDate(alias);
                Date nextDate = store.getCreationDate(next);
                return baseDate != null && nextDate != null && nextDate.before(baseDate) ? next : alias;
            }
            return hasBase ? alias : hasNext ? next : null;
        } catch (GeneralSecurityException e) {
            throw new KeyVaultException(KeyVaultException.FAILED, "could not read the key store: " + e, e);
        }
    }

    private static boolean deleteSlot(String slot) throws KeyVaultException {
        try {
            KeyStore store = keyStore();
            if (!store.containsAlias(slot)) {
                return false;
            }
            store.deleteEntry(slot);
            return true;
        } catch (GeneralSecurityException e) {
            throw new KeyVaultException(KeyVaultException.FAILED, "could not delete the key: " + e, e);
        }
    }

    private static KeyStore keyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyPolicy.PROVIDER);
        try {
            store.load(null);
        } catch (IOException e) {
            throw new GeneralSecurityException("could not open " + KeyPolicy.PROVIDER, e);
        }
        return store;
    }
}
