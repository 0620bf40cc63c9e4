package dev.keybound;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import android.app.Application;
import android.app.KeyguardManager;
import android.content.pm.PackageManager;
import android.hardware.biometrics.BiometricPrompt;
import android.os.Build;
import android.os.Looper;
import io.flutter.embedding.engine.plugins.FlutterPlugin.FlutterPluginBinding;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Base64;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.Shadows;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.annotation.Config;
import org.robolectric.shadows.ShadowBiometricPrompt;

/**
 * End to end inside Robolectric, on every API level: the host-built Rust
 * library ({@code cargo build -p keybound --features jni-test-driver}, path
 * in the system property {@code keybound.cdylib}) loaded with
 * {@code System.load}, its {@code JNI_OnLoad} binding the real
 * {@link NativeBridge}; {@link KeyboundPlugin} installs the adapters on the
 * real framework; the Rust session enrols (AndroidKeyVault →
 * FakeAndroidKeyStore) and authenticates: Rust → JNI → NativeBridge →
 * AndroidPrompter → the real BiometricPrompt → the user (Robolectric's
 * shadow) → the authorised Signature → Rust → a token that both Rust's
 * verifier and this test (with the key's public key from the vault) accept.
 */
@RunWith(RobolectricTestRunner.class)
@Config(shadows = CryptoBiometricPromptShadow.class)
public class EndToEndTest {
    private static final String ALIAS = "e2e-key";
    private static final String AUDIENCE = "https://bank.example/login";
    private static final long WAIT_MS = 30_000;
    /** Per Robolectric sandbox (one per API level): a JVM loads a library into one class loader only. */
    private static boolean loaded;

    private final Application application = RuntimeEnvironment.getApplication();
    private KeyboundPlugin plugin;
    private ActivityController<FlutterHostActivity> activity;

    private static void loadOnce() {
        if (loaded) {
            return;
        }
        String built = System.getProperty("keybound.cdylib", "");
        if (built.isEmpty()) {
            fail("-Dkeybound.cdylib=<target>/debug/libkeybound.so is required (make test-jvm builds and passes it)");
        }
        try {
            // A copy per sandbox: each API level's class loader gets its own
            // instance of the library (and of Rust's statics).
            Path copy = Files.createTempFile("libkeybound-api" + Build.VERSION.SDK_INT + "-", ".so");
            copy.toFile().deleteOnExit();
            Files.copy(Path.of(built), copy, StandardCopyOption.REPLACE_EXISTING);
            System.load(copy.toString());
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot copy " + built, e);
        }
        loaded = true;
    }

    @Before
    public void setUp() {
        CryptoBiometricPromptShadow.clear();
        TestDevice.withEnrolledFingerprint();
        FakeAndroidKeyStore.install();
        Shadows.shadowOf(application.getSystemService(KeyguardManager.class)).setIsDeviceSecure(true);
        Shadows.shadowOf(application.getPackageManager())
                .setSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE, true);
        plugin = new KeyboundPlugin(new KeyboundPlugin.NativeLibrary() {
            @Override
            public void load() {
                loadOnce();
            }

            @Override
            public void init(Object applicationContext) {
                NativeBridge.nativeInit(applicationContext);
            }
        });
        FlutterHostActivity.reset(plugin);
        plugin.onAttachedToEngine(new FlutterPluginBinding(application));
        activity = Robolectric.buildActivity(FlutterHostActivity.class).setup();
    }

    @After
    public void tearDown() {
        plugin.onDetachedFromEngine(new FlutterPluginBinding(application));
        FlutterHostActivity.reset(null);
        FakeAndroidKeyStore.uninstall();
    }

    private static void idleMain() {
        Shadows.shadowOf(Looper.getMainLooper()).idle();
    }

    /** Runs the main Looper until the Rust operation reports. */
    private static String outcome() throws InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MS;
        while (System.currentTimeMillis() < end) {
            idleMain();
            String out = RustSessionDriver.poll();
            if (!out.isEmpty()) {
                return out;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("Rust did not report within " + WAIT_MS + " ms");
    }

    /** Runs the main Looper until Rust's request has reached the real prompt. */
    private static BiometricPrompt promptShown() throws InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MS;
        while (System.currentTimeMillis() < end) {
            idleMain();
            BiometricPrompt prompt = ShadowBiometricPrompt.getCurrentPrompt();
            if (prompt != null) {
                return prompt;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no prompt within " + WAIT_MS + " ms");
    }

    private static String enrol() throws InterruptedException {
        RustSessionDriver.startEnroll(ALIAS, "enrol-challenge".getBytes(StandardCharsets.UTF_8));
        String out = outcome();
        assertTrue(out, out.startsWith("ok:{"));
        return out.substring(3);
    }

    @Test
    public void rustEnrolsAuthenticatesThroughThePromptAndTheTokenVerifies() throws Exception {
        String jwk = enrol();
        assertTrue(jwk, jwk.contains("\"P-256\""));
        assertEquals("Rust made the key through AndroidKeyVault", 1, FakeAndroidKeyStore.KEYS.size());
        String challenge = "challenge-" + Build.VERSION.SDK_INT;
        RustSessionDriver.startAuthenticate(ALIAS, AUDIENCE, challenge);
        promptShown();
        assertTrue(NativeBridge.isPromptShowing());
        CryptoBiometricPromptShadow.succeed(BiometricPrompt.AUTHENTICATION_RESULT_TYPE_BIOMETRIC);
        String out = outcome();
        assertTrue("Rust's verifier accepted the token: " + out, out.startsWith("ok:"));
        String token = out.substring(3);

        // And independently here: the JWS signature verifies with the key's public key.
        String[] parts = token.split("\\.");
        assertEquals(3, parts.length);
        byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        byte[] der = rawToDer(Base64.getUrlDecoder().decode(parts[2]));
        byte[] spki = new AndroidKeyVault(new AndroidDeviceInfo(application)).publicKey(ALIAS);
        assertTrue(FakeAndroidKeyStore.verifies(spki, signingInput, der));
        byte[] tampered = Arrays.copyOf(signingInput, signingInput.length);
        tampered[tampered.length - 1] ^= 1;
        assertFalse(FakeAndroidKeyStore.verifies(spki, tampered, der));
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertTrue(claims, claims.contains("\"nonce\":\"" + challenge + "\""));
        assertTrue(claims, claims.contains(AUDIENCE.replace("/", "\\/")) || claims.contains(AUDIENCE));
        assertFalse(NativeBridge.isPromptShowing());
    }

    @Test
    public void theNegativeButtonReachesRustAs13() throws Exception {
        enrol();
        RustSessionDriver.startAuthenticate(ALIAS, AUDIENCE, "challenge-negative");
        BiometricPrompt prompt = promptShown();
        assertTrue(CryptoBiometricPromptShadow.clickNegativeButton(prompt));
        String out = outcome();
        assertTrue(out, out.startsWith("error:") && out.endsWith(":Some(13)"));
    }

    @Test
    public void stoppingTheActivityReachesRustAsSystemCanceled5() throws Exception {
        enrol();
        RustSessionDriver.startAuthenticate(ALIAS, AUDIENCE, "challenge-paused");
        promptShown();
        activity.pause().stop();
        String out = outcome();
        assertTrue(out, out.startsWith("error:") && out.endsWith(":Some(5)"));
        assertNotNull(CryptoBiometricPromptShadow.lastCancellationSignal());
        assertTrue(CryptoBiometricPromptShadow.lastCancellationSignal().isCanceled());
    }

    /** JWS ES256's r||s (32 + 32 bytes) as the DER SEQUENCE Java's SHA256withECDSA reads. */
    private static byte[] rawToDer(byte[] raw) {
        assertEquals(64, raw.length);
        byte[] r = new BigInteger(1, Arrays.copyOfRange(raw, 0, 32)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(raw, 32, 64)).toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.write(2 + r.length + 2 + s.length);
        out.write(0x02);
        out.write(r.length);
        out.write(r, 0, r.length);
        out.write(0x02);
        out.write(s.length);
        out.write(s, 0, s.length);
        return out.toByteArray();
    }
}
