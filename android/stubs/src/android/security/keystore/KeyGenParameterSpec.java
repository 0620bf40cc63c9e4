// Compile-only stub (keybound): the members of the real class that keybound
// uses, with the real signatures. Checked by tools/android/check_stubs.py.
// Never shipped; on a device the framework class is used.
package android.security.keystore;

public final class KeyGenParameterSpec implements java.security.spec.AlgorithmParameterSpec {
    private KeyGenParameterSpec() {
        throw new RuntimeException("Stub!");
    }

    public static final class Builder {
        public Builder(String keystoreAlias, int purposes) {
            throw new RuntimeException("Stub!");
        }

        public KeyGenParameterSpec.Builder setAlgorithmParameterSpec(java.security.spec.AlgorithmParameterSpec spec) {
            throw new RuntimeException("Stub!");
        }

        public KeyGenParameterSpec.Builder setDigests(String... digests) {
            throw new RuntimeException("Stub!");
        }

        public KeyGenParameterSpec.Builder setUserAuthenticationRequired(boolean required) {
            throw new RuntimeException("Stub!");
        }

        public KeyGenParameterSpec.Builder setUserAuthenticationParameters(int timeout, int type) {
            throw new RuntimeException("Stub!");
        }

        public KeyGenParameterSpec.Builder setInvalidatedByBiometricEnrollment(boolean invalidateKey) {
            throw new RuntimeException("Stub!");
        }

        public KeyGenParameterSpec.Builder setUnlockedDeviceRequired(boolean unlockedDeviceRequired) {
            throw new RuntimeException("Stub!");
        }

        public KeyGenParameterSpec.Builder setIsStrongBoxBacked(boolean isStrongBoxBacked) {
            throw new RuntimeException("Stub!");
        }

        public KeyGenParameterSpec.Builder setAttestationChallenge(byte[] attestationChallenge) {
            throw new RuntimeException("Stub!");
        }

        public KeyGenParameterSpec build() {
            throw new RuntimeException("Stub!");
        }
    }
}
