package android.hardware.biometrics;

import android.content.Context;
import android.content.DialogInterface;
import android.os.CancellationSignal;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Host fake of the framework prompt. Every prompt shown is recorded in
 * {@link #SHOWN}; a test plays the framework through the recorded callback,
 * executor and negative-button listener. Validates what the real builder
 * validates (title, negative button vs device credential).
 */
public class BiometricPrompt {
    /** Prompts shown, oldest first. */
    public static final List<BiometricPrompt> SHOWN = new ArrayList<>();
    /** When set, build() throws it (a vendor framework refusing). */
    public static RuntimeException failBuild;

    public final Context context;
    public final CharSequence title;
    public final CharSequence subtitle;
    public final CharSequence description;
    public final Integer allowedAuthenticators;
    public final CharSequence negativeText;
    public final Executor negativeExecutor;
    public final DialogInterface.OnClickListener negativeListener;
    public CryptoObject crypto;
    public CancellationSignal cancel;
    public Executor executor;
    public AuthenticationCallback callback;

    private BiometricPrompt(Builder b) {
        context = b.context;
        title = b.title;
        subtitle = b.subtitle;
        description = b.description;
        allowedAuthenticators = b.allowedAuthenticators;
        negativeText = b.negativeText;
        negativeExecutor = b.negativeExecutor;
        negativeListener = b.negativeListener;
    }

    public void authenticate(CryptoObject crypto, CancellationSignal cancel, Executor executor,
            AuthenticationCallback callback) {
        this.crypto = crypto;
        this.cancel = cancel;
        this.executor = executor;
        this.callback = callback;
        SHOWN.add(this);
    }

    /** Host fake of the builder. */
    public static class Builder {
        final Context context;
        CharSequence title;
        CharSequence subtitle;
        CharSequence description;
        Integer allowedAuthenticators;
        CharSequence negativeText;
        Executor negativeExecutor;
        DialogInterface.OnClickListener negativeListener;

        public Builder(Context context) {
            this.context = context;
        }

        public Builder setTitle(CharSequence title) {
            this.title = title;
            return this;
        }

        public Builder setSubtitle(CharSequence subtitle) {
            this.subtitle = subtitle;
            return this;
        }

        public Builder setDescription(CharSequence description) {
            this.description = description;
            return this;
        }

        public Builder setNegativeButton(CharSequence text, Executor executor,
                DialogInterface.OnClickListener listener) {
            this.negativeText = text;
            this.negativeExecutor = executor;
            this.negativeListener = listener;
            return this;
        }

        public Builder setAllowedAuthenticators(int authenticators) {
            this.allowedAuthenticators = authenticators;
            return this;
        }

        public BiometricPrompt build() {
            if (failBuild != null) {
                throw failBuild;
            }
            if (title == null || title.length() == 0) {
                throw new IllegalArgumentException("Title must be set and non-empty");
            }
            boolean credential = allowedAuthenticators != null && (allowedAuthenticators & 0x8000) != 0;
            if (credential && negativeListener != null) {
                throw new IllegalArgumentException("Can't have both negative button behavior and device credential enabled");
            }
            if (!credential && negativeListener == null) {
                throw new IllegalArgumentException("Negative text must be set and non-empty");
            }
            return new BiometricPrompt(this);
        }
    }

    /** Host fake. */
    public static final class CryptoObject {
        private final Signature signature;

        public CryptoObject(Signature signature) {
            this.signature = signature;
        }

        public Signature getSignature() {
            return signature;
        }
    }

    /** Host fake. */
    public abstract static class AuthenticationCallback {
        public void onAuthenticationError(int errorCode, CharSequence errString) {}

        public void onAuthenticationHelp(int helpCode, CharSequence helpString) {}

        public void onAuthenticationSucceeded(AuthenticationResult result) {}

        public void onAuthenticationFailed() {}
    }

    /** Host fake: {@link #getAuthenticationType} fails below API 30, like a missing method. */
    public static class AuthenticationResult {
        public static int apiLevel = 36;
        private final CryptoObject crypto;
        private final int type;

        public AuthenticationResult(CryptoObject crypto, int type) {
            this.crypto = crypto;
            this.type = type;
        }

        public CryptoObject getCryptoObject() {
            return crypto;
        }

        public int getAuthenticationType() {
            if (apiLevel < 30) {
                throw new NoSuchMethodError("getAuthenticationType is API 30");
            }
            return type;
        }
    }
}
