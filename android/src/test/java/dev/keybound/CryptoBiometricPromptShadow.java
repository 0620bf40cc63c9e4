package dev.keybound;

import android.content.DialogInterface;
import android.hardware.biometrics.BiometricPrompt;
import android.os.Build;
import android.os.CancellationSignal;
import java.lang.reflect.Field;
import java.util.concurrent.Executor;
import org.robolectric.annotation.Filter;
import org.robolectric.annotation.Implements;
import org.robolectric.shadows.ShadowBiometricPrompt;
import org.robolectric.util.ReflectionHelpers;
import org.robolectric.util.ReflectionHelpers.ClassParameter;

/**
 * Robolectric's {@link ShadowBiometricPrompt} (4.17), plus the one thing the
 * real framework does that it does not: on success the real
 * {@code BiometricPrompt} hands back the {@code CryptoObject} it was given
 * (now authorised), while the shadow's result carries a null CryptoObject.
 * This subclass keeps every behaviour of the shadow (the session, error,
 * failure and cancel through the real {@link CancellationSignal}) and only
 * remembers the CryptoObject, executor and callback so {@link #succeed} can
 * deliver the result the framework would. The negative button is clicked
 * the way the framework does it: the Builder's listener on the Builder's
 * executor, read from the real prompt.
 */
@Implements(value = BiometricPrompt.class, minSdk = Build.VERSION_CODES.P, isInAndroidSdk = false)
public class CryptoBiometricPromptShadow extends ShadowBiometricPrompt {
    private static BiometricPrompt.CryptoObject crypto;
    private static Executor executor;
    private static BiometricPrompt.AuthenticationCallback callback;
    private static CancellationSignal cancel;
    private static int shown;

    /** Before each test: no prompt remembered. */
    static void clear() {
        crypto = null;
        executor = null;
        callback = null;
        cancel = null;
        shown = 0;
        ShadowBiometricPrompt.reset();
    }

    @Filter(order = Filter.Order.AFTER)
    @Override
    protected void authenticate(BiometricPrompt.CryptoObject cryptoObject, CancellationSignal signal,
            Executor callbackExecutor, BiometricPrompt.AuthenticationCallback authenticationCallback) {
        super.authenticate(cryptoObject, signal, callbackExecutor, authenticationCallback);
        crypto = cryptoObject;
        executor = callbackExecutor;
        callback = authenticationCallback;
        cancel = signal;
        shown++;
    }

    /** How many times authenticate(CryptoObject, ...) reached the framework. */
    static int shownCount() {
        return shown;
    }

    static BiometricPrompt.CryptoObject lastCrypto() {
        return crypto;
    }

    static Executor lastExecutor() {
        return executor;
    }

    static CancellationSignal lastCancellationSignal() {
        return cancel;
    }

    /**
     * The user authenticated: the result the real framework builds (its
     * hidden constructor of this API level) with the CryptoObject it was given,
     * delivered on the executor it was given. Ends Robolectric's session too.
     */
    static void succeed(int authenticationType) {
        BiometricPrompt.AuthenticationResult result = result(crypto, authenticationType);
        BiometricPrompt.AuthenticationCallback target = callback;
        ShadowBiometricPrompt.reset();
        executor.execute(() -> target.onAuthenticationSucceeded(result));
    }

    static BiometricPrompt.AuthenticationResult result(BiometricPrompt.CryptoObject cryptoObject, int type) {
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.R) {
            return ReflectionHelpers.callConstructor(BiometricPrompt.AuthenticationResult.class,
                    ClassParameter.from(BiometricPrompt.CryptoObject.class, cryptoObject),
                    ClassParameter.from(int.class, type));
        }
        if (Build.VERSION.SDK_INT == Build.VERSION_CODES.Q) {
            return ReflectionHelpers.callConstructor(BiometricPrompt.AuthenticationResult.class,
                    ClassParameter.from(BiometricPrompt.CryptoObject.class, cryptoObject));
        }
        try {
            return ReflectionHelpers.callConstructor(BiometricPrompt.AuthenticationResult.class,
                    ClassParameter.from(BiometricPrompt.CryptoObject.class, cryptoObject),
                    ClassParameter.from(Class.forName(
                            "android.hardware.biometrics.BiometricAuthenticator$BiometricIdentifier"), null),
                    ClassParameter.from(int.class, 0));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The negative button of the real prompt, clicked as the framework does:
     * {@code mNegativeButtonInfo.executor.execute(() -> listener.onClick(null, BUTTON_NEGATIVE))}.
     * Returns false when the prompt has no negative button.
     */
    static boolean clickNegativeButton(BiometricPrompt prompt) {
        Object info = field(prompt, BiometricPrompt.class, "mNegativeButtonInfo");
        if (info == null) {
            return false;
        }
        Executor buttonExecutor = (Executor) field(info, info.getClass(), "executor");
        DialogInterface.OnClickListener listener =
                (DialogInterface.OnClickListener) field(info, info.getClass(), "listener");
        buttonExecutor.execute(() -> listener.onClick(null, DialogInterface.BUTTON_NEGATIVE));
        return true;
    }

    private static Object field(Object target, Class<?> type, String name) {
        try {
            Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return f.get(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no " + name + " in " + type + " on API " + Build.VERSION.SDK_INT, e);
        }
    }
}
