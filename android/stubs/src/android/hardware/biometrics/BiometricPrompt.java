// Compile-only stub (keybound): the members of the real class that keybound
// uses, with the real signatures. Checked by tools/android/check_stubs.py.
// Never shipped; on a device the framework class is used.
package android.hardware.biometrics;

public class BiometricPrompt {
    private BiometricPrompt() {
        throw new RuntimeException("Stub!");
    }

    public void authenticate(BiometricPrompt.CryptoObject crypto, android.os.CancellationSignal cancel,
            java.util.concurrent.Executor executor, BiometricPrompt.AuthenticationCallback callback) {
        throw new RuntimeException("Stub!");
    }

    public static class Builder {
        public Builder(android.content.Context context) {
            throw new RuntimeException("Stub!");
        }

        public BiometricPrompt.Builder setTitle(CharSequence title) {
            throw new RuntimeException("Stub!");
        }

        public BiometricPrompt.Builder setSubtitle(CharSequence subtitle) {
            throw new RuntimeException("Stub!");
        }

        public BiometricPrompt.Builder setDescription(CharSequence description) {
            throw new RuntimeException("Stub!");
        }

        public BiometricPrompt.Builder setNegativeButton(CharSequence text, java.util.concurrent.Executor executor,
                android.content.DialogInterface.OnClickListener listener) {
            throw new RuntimeException("Stub!");
        }

        public BiometricPrompt.Builder setAllowedAuthenticators(int authenticators) {
            throw new RuntimeException("Stub!");
        }

        public BiometricPrompt build() {
            throw new RuntimeException("Stub!");
        }
    }

    public static final class CryptoObject {
        public CryptoObject(java.security.Signature signature) {
            throw new RuntimeException("Stub!");
        }

        public java.security.Signature getSignature() {
            throw new RuntimeException("Stub!");
        }
    }

    public abstract static class AuthenticationCallback {
        public AuthenticationCallback() {
            throw new RuntimeException("Stub!");
        }

        public void onAuthenticationError(int errorCode, CharSequence errString) {
            throw new RuntimeException("Stub!");
        }

        public void onAuthenticationHelp(int helpCode, CharSequence helpString) {
            throw new RuntimeException("Stub!");
        }

        public void onAuthenticationSucceeded(BiometricPrompt.AuthenticationResult result) {
            throw new RuntimeException("Stub!");
        }

        public void onAuthenticationFailed() {
            throw new RuntimeException("Stub!");
        }
    }

    public static class AuthenticationResult {
        private AuthenticationResult() {
            throw new RuntimeException("Stub!");
        }

        public BiometricPrompt.CryptoObject getCryptoObject() {
            throw new RuntimeException("Stub!");
        }

        public int getAuthenticationType() {
            throw new RuntimeException("Stub!");
        }
    }
}
