package dev.keybound;

import android.security.keystore.KeyGenParameterSpec;
import android.security.keystore.KeyPermanentlyInvalidatedException;
import android.security.keystore.KeyProperties;
import android.security.keystore.StrongBoxUnavailableException;
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

/**
 * {@link KeyVault} on the AndroidKeyStore: one P-256 signing key per alias,
 * user authentication for every use, attested. Parameters and the
 * StrongBox → TEE fallback come from {@link KeyPolicy}; this class only
 * applies them.
 */
final class AndroidKeyVault implements KeyVault {
    private static final String TAG = "keybound";

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
        delete(alias);
        KeyPair pair = null;
        KeyPolicy.Backing used = null;
        for (KeyPolicy.Backing backing : policy.attempts()) {
            try {
                pair = generate(spec(alias, attestationChallenge, policy, backing));
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
                throw new KeyVaultException(KeyVaultException.FAILED, "key generation failed: " + e, e);
            }
        }
        if (pair == null || used == null) {
            throw new KeyVaultException(KeyVaultException.FAILED, "key generation produced no key");
        }
        byte[][] chain = attestationChain(alias);
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
        PrivateKey key = privateKey(alias);
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
        } catch (InvalidKeyException e) {
            throw new KeyVaultException(KeyVaultException.FAILED, "could not initialise the signature: " + e, e);
        } catch (GeneralSecurityException e) {
            throw new KeyVaultException(KeyVaultException.FAILED, "no " + KeyPolicy.SIGNATURE_ALGORITHM, e);
        }
    }

    private PrivateKey privateKey(String alias) throws KeyVaultException {
        Key key;
        try {
            key = keyStore().getKey(alias, null);
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
        Certificate certificate;
        try {
            certificate = keyStore().getCertificate(alias);
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
        try {
            return keyStore().containsAlias(alias);
        } catch (GeneralSecurityException e) {
            throw new KeyVaultException(KeyVaultException.FAILED, "could not read the key store: " + e, e);
        }
    }

    @Override
    public boolean delete(String alias) throws KeyVaultException {
        try {
            KeyStore store = keyStore();
            if (!store.containsAlias(alias)) {
                return false;
            }
            store.deleteEntry(alias);
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
