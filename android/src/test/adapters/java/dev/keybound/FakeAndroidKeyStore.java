package dev.keybound;

import android.security.keystore.KeyGenParameterSpec;
import android.security.keystore.KeyPermanentlyInvalidatedException;
import android.security.keystore.StrongBoxUnavailableException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.KeyFactorySpi;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyPairGeneratorSpi;
import java.security.KeyStoreSpi;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.cert.Certificate;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.KeySpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A host JCA provider named "AndroidKeyStore" that behaves like the parts of
 * the real one AndroidKeyVault relies on: key generation from a
 * KeyGenParameterSpec (recorded; StrongBox can be made unavailable), the key
 * store (aliases, chains), KeyFactory → KeyInfo, and a SHA256withECDSA that
 * throws KeyPermanentlyInvalidatedException at initSign for a key marked
 * invalidated. Real P-256 keys from the JDK underneath.
 */
final class FakeAndroidKeyStore extends Provider {
    private static final long serialVersionUID = 1L;

    /** Every spec generation was attempted with, in order. */
    static final List<KeyGenParameterSpec> ATTEMPTS = new ArrayList<>();
    /** The keys, by alias. */
    static final Map<String, Entry> KEYS = new LinkedHashMap<>();
    /** StrongBox generation throws StrongBoxUnavailableException. */
    static boolean strongBoxUnavailable;
    /** StrongBox key generation fails with a plain ProviderException (not "unavailable"). */
    static boolean strongBoxFails;
    /** KeyInfo.isInsideSecureHardware() answers false. */
    static boolean softwareOnly;

    static final class Entry {
        final KeyPair real;
        final KeyGenParameterSpec spec;
        final Certificate[] chain;
        boolean invalidated;

        Entry(KeyPair real, KeyGenParameterSpec spec, Certificate[] chain) {
            this.real = real;
            this.spec = spec;
            this.chain = chain;
        }
    }

    private FakeAndroidKeyStore() {
        super("AndroidKeyStore", "1.0", "keybound host fake of the AndroidKeyStore provider");
        put("KeyPairGenerator.EC", Generator.class.getName());
        put("KeyStore.AndroidKeyStore", Store.class.getName());
        put("KeyFactory.EC", Factory.class.getName());
        put("Signature.SHA256withECDSA", Sig.class.getName());
    }

    /** Installs the provider first (its Signature must win for keystore keys); resets the state. */
    static void install() {
        Security.removeProvider("AndroidKeyStore");
        Security.insertProviderAt(new FakeAndroidKeyStore(), 1);
        reset();
    }

    static void uninstall() {
        Security.removeProvider("AndroidKeyStore");
        reset();
    }

    static void reset() {
        ATTEMPTS.clear();
        KEYS.clear();
        strongBoxUnavailable = false;
        strongBoxFails = false;
        softwareOnly = false;
    }

    /** A keystore private key: the alias only, like the real opaque handle. */
    static final class KeystoreKey implements PrivateKey {
        private static final long serialVersionUID = 1L;
        final String alias;

        KeystoreKey(String alias) {
            this.alias = alias;
        }

        @Override
        public String getAlgorithm() {
            return "EC";
        }

        @Override
        public String getFormat() {
            return null;
        }

        @Override
        public byte[] getEncoded() {
            return null;
        }
    }

    /** A certificate carrying the public key; its encoding names the alias and challenge. */
    static final class FakeCertificate extends Certificate {
        private static final long serialVersionUID = 1L;
        private final PublicKey key;
        private final byte[] encoded;

        FakeCertificate(PublicKey key, String what) {
            super("X.509");
            this.key = key;
            this.encoded = what.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] getEncoded() {
            return encoded.clone();
        }

        @Override
        public void verify(PublicKey k) {}

        @Override
        public void verify(PublicKey k, String sigProvider) {}

        @Override
        public String toString() {
            return new String(encoded, StandardCharsets.UTF_8);
        }

        @Override
        public PublicKey getPublicKey() {
            return key;
        }
    }

    public static final class Generator extends KeyPairGeneratorSpi {
        private KeyGenParameterSpec spec;

        @Override
        public void initialize(int keysize, SecureRandom random) {
            throw new InvalidParameterException("AndroidKeyStore needs a KeyGenParameterSpec");
        }

        @Override
        public void initialize(AlgorithmParameterSpec params, SecureRandom random)
                throws InvalidAlgorithmParameterException {
            if (!(params instanceof KeyGenParameterSpec)) {
                throw new InvalidAlgorithmParameterException("not a KeyGenParameterSpec");
            }
            spec = (KeyGenParameterSpec) params;
        }

        @Override
        public KeyPair generateKeyPair() {
            ATTEMPTS.add(spec);
            if (spec.strongBox && strongBoxUnavailable) {
                throw new StrongBoxUnavailableException();
            }
            if (spec.strongBox && strongBoxFails) {
                throw new java.security.ProviderException("Failed to generate key pair");
            }
            try {
                KeyPairGenerator real = KeyPairGenerator.getInstance("EC", "SunEC");
                real.initialize((ECGenParameterSpec) spec.algorithmSpec);
                KeyPair pair = real.generateKeyPair();
                String challenge = spec.attestationChallenge == null ? "-"
                        : new String(spec.attestationChallenge, StandardCharsets.UTF_8);
                Certificate[] chain = {
                    new FakeCertificate(pair.getPublic(), "leaf:" + spec.alias + ":" + challenge),
                    new FakeCertificate(pair.getPublic(), "intermediate"),
                    new FakeCertificate(pair.getPublic(), "root"),
                };
                KEYS.put(spec.alias, new Entry(pair, spec, chain));
                return new KeyPair(pair.getPublic(), new KeystoreKey(spec.alias));
            } catch (java.security.GeneralSecurityException e) {
                throw new java.security.ProviderException(e);
            }
        }
    }

    public static final class Store extends KeyStoreSpi {
        @Override
        public Key engineGetKey(String alias, char[] password) {
            return KEYS.containsKey(alias) ? new KeystoreKey(alias) : null;
        }

        @Override
        public Certificate[] engineGetCertificateChain(String alias) {
            Entry e = KEYS.get(alias);
            return e == null ? null : e.chain.clone();
        }

        @Override
        public Certificate engineGetCertificate(String alias) {
            Entry e = KEYS.get(alias);
            return e == null ? null : e.chain[0];
        }

        @Override
        public Date engineGetCreationDate(String alias) {
            return KEYS.containsKey(alias) ? new Date(0) : null;
        }

        @Override
        public void engineSetKeyEntry(String alias, Key key, char[] password, Certificate[] chain) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void engineSetKeyEntry(String alias, byte[] key, Certificate[] chain) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void engineSetCertificateEntry(String alias, Certificate cert) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void engineDeleteEntry(String alias) {
            KEYS.remove(alias);
        }

        @Override
        public Enumeration<String> engineAliases() {
            return Collections.enumeration(new ArrayList<>(KEYS.keySet()));
        }

        @Override
        public boolean engineContainsAlias(String alias) {
            return KEYS.containsKey(alias);
        }

        @Override
        public int engineSize() {
            return KEYS.size();
        }

        @Override
        public boolean engineIsKeyEntry(String alias) {
            return KEYS.containsKey(alias);
        }

        @Override
        public boolean engineIsCertificateEntry(String alias) {
            return false;
        }

        @Override
        public String engineGetCertificateAlias(Certificate cert) {
            return null;
        }

        @Override
        public void engineStore(OutputStream stream, char[] password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void engineLoad(InputStream stream, char[] password) {
            if (stream != null) {
                throw new IllegalArgumentException("AndroidKeyStore loads from null");
            }
        }
    }

    public static final class Factory extends KeyFactorySpi {
        @Override
        protected PublicKey engineGeneratePublic(KeySpec keySpec) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected PrivateKey engineGeneratePrivate(KeySpec keySpec) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected <T extends KeySpec> T engineGetKeySpec(Key key, Class<T> keySpec) {
            if (!(key instanceof KeystoreKey) || keySpec != android.security.keystore.KeyInfo.class) {
                throw new UnsupportedOperationException("only KeyInfo of keystore keys");
            }
            return keySpec.cast(new android.security.keystore.KeyInfo(!softwareOnly));
        }

        @Override
        protected Key engineTranslateKey(Key key) {
            throw new UnsupportedOperationException();
        }
    }

    public static final class Sig extends SignatureSpi {
        private Signature real;

        @Override
        protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
            throw new InvalidKeyException("verify with the JDK provider");
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
            if (!(privateKey instanceof KeystoreKey)) {
                throw new InvalidKeyException("not a keystore key");
            }
            Entry e = KEYS.get(((KeystoreKey) privateKey).alias);
            if (e == null) {
                throw new InvalidKeyException("key deleted");
            }
            if (e.invalidated) {
                throw new KeyPermanentlyInvalidatedException();
            }
            try {
                real = Signature.getInstance("SHA256withECDSA", "SunEC");
            } catch (java.security.GeneralSecurityException ex) {
                throw new InvalidKeyException(ex);
            }
            real.initSign(e.real.getPrivate());
        }

        @Override
        protected void engineUpdate(byte b) throws SignatureException {
            real.update(b);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
            real.update(b, off, len);
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            return real.sign();
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
            throw new SignatureException("verify with the JDK provider");
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
            throw new UnsupportedOperationException();
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            throw new UnsupportedOperationException();
        }
    }
}
