package dev.keybound;

import android.security.keystore.KeyGenParameterSpec;
import android.security.keystore.KeyPermanentlyInvalidatedException;
import android.security.keystore.StrongBoxUnavailableException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
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
 * Robolectric has no AndroidKeyStore, so this stays a fake: a host JCA provider named "AndroidKeyStore" that behaves like the parts of
 * the real one AndroidKeyVault relies on: key generation from a
 * KeyGenParameterSpec (the real class, built by the real Builder of the API level under test; recorded; StrongBox can be made unavailable), the key
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
    /** Every key generation fails with a ProviderException (a full Keystore, a broken TEE). */
    static boolean generationFails;
    /** KeyInfo.isInsideSecureHardware() answers false. */
    static boolean softwareOnly;
    /**
     * No biometric is enrolled: initialize() refuses a per-use key as the
     * real AndroidKeyStore does (an IllegalStateException from its
     * user-auth arguments, wrapped in InvalidAlgorithmParameterException),
     * with the message of the running API level (android-all 9, 10, 13).
     */
    static boolean noneEnrolled;
    /** initSign throws UserNotAuthenticatedException (the Keystore holds the device locked). */
    static boolean lockedOnInit;
    /** sign() fails with a SignatureException caused by UserNotAuthenticatedException. */
    static boolean lockedOnSign;

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

    /**
     * A P-256 key pair from the first other provider that makes one. Not
     * "SunEC" by name: under Robolectric, Conscrypt is installed ahead of
     * the JDK's providers and SunEC's generator then fails to construct
     * ("No EC parameters available for key size 384 bits" on JDK 25).
     */
    static KeyPair realKeyPair(ECGenParameterSpec curve) throws java.security.GeneralSecurityException {
        java.security.GeneralSecurityException last = null;
        for (Provider p : Security.getProviders("KeyPairGenerator.EC")) {
            if (p instanceof FakeAndroidKeyStore) {
                continue;
            }
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", p);
                generator.initialize(curve);
                return generator.generateKeyPair();
            } catch (java.security.GeneralSecurityException | RuntimeException e) {
                last = new java.security.GeneralSecurityException(p.getName() + ": " + e, e);
            }
        }
        throw last != null ? last : new java.security.NoSuchAlgorithmException("no EC key pair generator");
    }

    /** A P-256 key pair on secp256r1. */
    static KeyPair realKeyPair() throws java.security.GeneralSecurityException {
        return realKeyPair(new ECGenParameterSpec("secp256r1"));
    }

    /** SHA256withECDSA from a provider other than this fake. */
    static Signature realSignature() throws java.security.NoSuchAlgorithmException {
        for (Provider p : Security.getProviders("Signature.SHA256withECDSA")) {
            if (!(p instanceof FakeAndroidKeyStore)) {
                return Signature.getInstance("SHA256withECDSA", p);
            }
        }
        throw new java.security.NoSuchAlgorithmException("no SHA256withECDSA");
    }

    /** Whether {@code der} is a valid signature of {@code payload} by the SPKI-encoded P-256 key. */
    static boolean verifies(byte[] spki, byte[] payload, byte[] der) throws java.security.GeneralSecurityException {
        PublicKey key = null;
        for (Provider p : Security.getProviders("KeyFactory.EC")) {
            if (!(p instanceof FakeAndroidKeyStore)) {
                key = java.security.KeyFactory.getInstance("EC", p)
                        .generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
                break;
            }
        }
        if (key == null) {
            throw new java.security.NoSuchAlgorithmException("no EC key factory");
        }
        Signature verify = realSignature();
        verify.initVerify(key);
        verify.update(payload);
        return verify.verify(der);
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
        generationFails = false;
        noneEnrolled = false;
        lockedOnInit = false;
        lockedOnSign = false;
        softwareOnly = false;
    }

    /**
     * A real {@code android.security.keystore.KeyInfo}: its constructor is
     * hidden and its parameter list differs per API level, so it is called
     * with neutral values and the one field AndroidKeyVault reads is set.
     */
    static android.security.keystore.KeyInfo keyInfo(boolean insideSecureHardware) {
        Constructor<?>[] constructors = android.security.keystore.KeyInfo.class.getDeclaredConstructors();
        Constructor<?> widest = constructors[0];
        for (Constructor<?> c : constructors) {
            if (c.getParameterCount() > widest.getParameterCount()) {
                widest = c;
            }
        }
        Class<?>[] types = widest.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            args[i] = neutral(types[i]);
        }
        try {
            widest.setAccessible(true);
            android.security.keystore.KeyInfo info = (android.security.keystore.KeyInfo) widest.newInstance(args);
            Field field = android.security.keystore.KeyInfo.class.getDeclaredField("mInsideSecureHardware");
            field.setAccessible(true);
            field.setBoolean(info, insideSecureHardware);
            return info;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build a KeyInfo on this API level", e);
        }
    }

    private static Object neutral(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == String.class) {
            return "";
        }
        if (type == String[].class) {
            return new String[0];
        }
        return null;
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
            if (noneEnrolled && spec.isUserAuthenticationRequired()) {
                String what = android.os.Build.VERSION.SDK_INT == 28 ? "fingerprint" : "biometric";
                throw new InvalidAlgorithmParameterException(new IllegalStateException("At least one " + what
                        + " must be enrolled to create keys requiring user authentication for every use"));
            }
        }

        @Override
        public KeyPair generateKeyPair() {
            ATTEMPTS.add(spec);
            if (spec.isStrongBoxBacked() && strongBoxUnavailable) {
                throw new StrongBoxUnavailableException();
            }
            if (generationFails) {
                throw new java.security.ProviderException("Failed to generate key pair");
            }
            if (spec.isStrongBoxBacked() && strongBoxFails) {
                throw new java.security.ProviderException("Failed to generate key pair");
            }
            try {
                KeyPair pair = realKeyPair((ECGenParameterSpec) spec.getAlgorithmParameterSpec());
                String challenge = spec.getAttestationChallenge() == null ? "-"
                        : new String(spec.getAttestationChallenge(), StandardCharsets.UTF_8);
                Certificate[] chain = {
                    new FakeCertificate(pair.getPublic(), "leaf:" + spec.getKeystoreAlias() + ":" + challenge),
                    new FakeCertificate(pair.getPublic(), "intermediate"),
                    new FakeCertificate(pair.getPublic(), "root"),
                };
                KEYS.put(spec.getKeystoreAlias(), new Entry(pair, spec, chain));
                return new KeyPair(pair.getPublic(), new KeystoreKey(spec.getKeystoreAlias()));
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
            return keySpec.cast(keyInfo(!softwareOnly));
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
            if (lockedOnInit) {
                throw new android.security.keystore.UserNotAuthenticatedException();
            }
            try {
                real = realSignature();
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
            if (lockedOnSign) {
                throw new SignatureException(new android.security.keystore.UserNotAuthenticatedException());
            }
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
