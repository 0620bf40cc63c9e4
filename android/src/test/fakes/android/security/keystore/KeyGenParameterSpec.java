package android.security.keystore;

import java.security.spec.AlgorithmParameterSpec;

/** Host fake: the parameters a key was asked for, readable by tests. */
public final class KeyGenParameterSpec implements AlgorithmParameterSpec {
    public final String alias;
    public final int purposes;
    public final AlgorithmParameterSpec algorithmSpec;
    public final String[] digests;
    public final boolean userAuthenticationRequired;
    /** -1 when setUserAuthenticationParameters was not called. */
    public final int authTimeout;
    /** -1 when setUserAuthenticationParameters was not called. */
    public final int authTypes;
    public final Boolean invalidatedByBiometricEnrollment;
    public final boolean unlockedDeviceRequired;
    public final boolean strongBox;
    public final byte[] attestationChallenge;

    private KeyGenParameterSpec(Builder b) {
        alias = b.alias;
        purposes = b.purposes;
        algorithmSpec = b.algorithmSpec;
        digests = b.digests;
        userAuthenticationRequired = b.userAuthenticationRequired;
        authTimeout = b.authTimeout;
        authTypes = b.authTypes;
        invalidatedByBiometricEnrollment = b.invalidatedByBiometricEnrollment;
        unlockedDeviceRequired = b.unlockedDeviceRequired;
        strongBox = b.strongBox;
        attestationChallenge = b.attestationChallenge;
    }

    /** Host fake of the builder. */
    public static final class Builder {
        final String alias;
        final int purposes;
        AlgorithmParameterSpec algorithmSpec;
        String[] digests;
        boolean userAuthenticationRequired;
        int authTimeout = -1;
        int authTypes = -1;
        Boolean invalidatedByBiometricEnrollment;
        boolean unlockedDeviceRequired;
        boolean strongBox;
        byte[] attestationChallenge;

        public Builder(String keystoreAlias, int purposes) {
            this.alias = keystoreAlias;
            this.purposes = purposes;
        }

        public Builder setAlgorithmParameterSpec(AlgorithmParameterSpec spec) {
            this.algorithmSpec = spec;
            return this;
        }

        public Builder setDigests(String... digests) {
            this.digests = digests.clone();
            return this;
        }

        public Builder setUserAuthenticationRequired(boolean required) {
            this.userAuthenticationRequired = required;
            return this;
        }

        public Builder setUserAuthenticationParameters(int timeout, int type) {
            this.authTimeout = timeout;
            this.authTypes = type;
            return this;
        }

        public Builder setInvalidatedByBiometricEnrollment(boolean invalidateKey) {
            this.invalidatedByBiometricEnrollment = invalidateKey;
            return this;
        }

        public Builder setUnlockedDeviceRequired(boolean unlockedDeviceRequired) {
            this.unlockedDeviceRequired = unlockedDeviceRequired;
            return this;
        }

        public Builder setIsStrongBoxBacked(boolean isStrongBoxBacked) {
            this.strongBox = isStrongBoxBacked;
            return this;
        }

        public Builder setAttestationChallenge(byte[] attestationChallenge) {
            this.attestationChallenge = attestationChallenge.clone();
            return this;
        }

        public KeyGenParameterSpec build() {
            return new KeyGenParameterSpec(this);
        }
    }
}
