package dev.keybound;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import android.app.Application;
import android.os.Build;
import android.util.Log;
import io.flutter.embedding.engine.plugins.FlutterPlugin.FlutterPluginBinding;
import io.flutter.plugin.common.MethodCall;
import io.flutter.plugin.common.MethodChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.shadows.ShadowLog;
import org.robolectric.util.ReflectionHelpers;

/**
 * A missing or broken libkeybound.so: the loader (or nativeInit) throws
 * UnsatisfiedLinkError, as System.loadLibrary does on a device. The plugin
 * attaches anyway (the app does not die at start-up), installs nothing, logs
 * the reason once per process, follows an Activity without throwing, and its
 * platform channel tells Dart why keybound is unavailable.
 */
@RunWith(RobolectricTestRunner.class)
public class KeyboundPluginNoLibraryTest {
    private final Application application = RuntimeEnvironment.getApplication();
    private final List<String> calls = new ArrayList<>();

    /** Which native step fails. */
    private enum Failing { LOAD, INIT }

    private KeyboundPlugin plugin(Failing failing) {
        return new KeyboundPlugin(new KeyboundPlugin.NativeLibrary() {
            @Override
            public void load() {
                calls.add("load");
                if (failing == Failing.LOAD) {
                    throw new UnsatisfiedLinkError("dlopen failed: library \"libkeybound.so\" not found");
                }
            }

            @Override
            public void init(Object context) {
                calls.add("init");
                if (failing == Failing.INIT) {
                    throw new UnsatisfiedLinkError("No implementation found for void dev.keybound.NativeBridge.nativeInit");
                }
            }
        });
    }

    @Before
    public void setUp() {
        NativeBridge.uninstallAllForTesting();
        KeyboundPlugin.resetLoadFailureLogForTesting();
        ShadowLog.clear();
        FlutterHostActivity.reset(null);
    }

    @After
    public void tearDown() {
        FlutterHostActivity.reset(null);
    }

    private static long loadFailureLines() {
        return ShadowLog.getLogsForTag("keybound").stream()
                .filter(l -> l.type == Log.ERROR && l.msg.contains("libkeybound.so did not load"))
                .count();
    }

    @Test
    public void aPluginWhoseLibraryDoesNotLoadAttachesLogsOnceAndInstallsNothing() {
        for (Failing failing : Failing.values()) {
            setUp();
            calls.clear();
            KeyboundPlugin first = plugin(failing);
            KeyboundPlugin second = plugin(failing);
            first.onAttachedToEngine(new FlutterPluginBinding(application));
            second.onAttachedToEngine(new FlutterPluginBinding(application));
            assertEquals(failing + ": no init after a failed load",
                    failing == Failing.LOAD ? List.of("load", "load") : List.of("load", "init", "load", "init"),
                    calls);
            assertFalse(first.isInstalled());
            assertFalse(second.isInstalled());
            assertThrows("nothing installed", IllegalStateException.class, NativeBridge::status);
            assertEquals(failing + ": logged once for two engines", 1, loadFailureLines());
            assertTrue(ShadowLog.getLogsForTag("keybound").stream().anyMatch(l -> l.msg.contains(
                    failing == Failing.LOAD ? "not found" : "nativeInit")));
            first.onDetachedFromEngine(new FlutterPluginBinding(application));
            second.onDetachedFromEngine(new FlutterPluginBinding(application));
        }
    }

    @Test
    public void theActivityLifecycleRunsWithoutTheLibrary() {
        KeyboundPlugin plugin = plugin(Failing.LOAD);
        plugin.onAttachedToEngine(new FlutterPluginBinding(application));
        FlutterHostActivity.reset(plugin);
        ActivityController<FlutterHostActivity> controller = Robolectric.buildActivity(FlutterHostActivity.class).setup();
        controller.pause().stop().destroy();
        plugin.onDetachedFromEngine(new FlutterPluginBinding(application));
        assertFalse(plugin.isInstalled());
    }

    @Test
    public void aLoadedLibraryStillInstalls() {
        KeyboundPlugin plugin = plugin(null);
        plugin.onAttachedToEngine(new FlutterPluginBinding(application));
        assertTrue(plugin.isInstalled());
        assertEquals(0, loadFailureLines());
        plugin.onDetachedFromEngine(new FlutterPluginBinding(application));
        assertFalse(plugin.isInstalled());
        assertThrows(IllegalStateException.class, NativeBridge::status);
    }
    /** What Dart's {@code MethodChannel.invokeMethod} would receive. */
    private static final class Answer implements MethodChannel.Result {
        final List<String> calls = new ArrayList<>();
        Object value;

        @Override
        public void success(Object result) {
            calls.add("success");
            value = result;
        }

        @Override
        public void error(String errorCode, String errorMessage, Object errorDetails) {
            calls.add("error " + errorCode);
        }

        @Override
        public void notImplemented() {
            calls.add("notImplemented");
        }
    }

    private static Answer ask(FlutterPluginBinding binding, String method) {
        MethodChannel.MethodCallHandler handler = binding.methodCallHandler(PlatformChannel.NAME);
        assertTrue("the plugin answers on " + PlatformChannel.NAME, handler != null);
        Answer answer = new Answer();
        handler.onMethodCall(new MethodCall(method, null), answer);
        return answer;
    }

    /**
     * The channel's answer for each way the library loads or not, on this
     * Robolectric level and on two levels below keybound's minimum (the
     * plugin reads Build.VERSION.SDK_INT; Robolectric has no runtime below
     * API 28, so the field is set for those rows).
     */
    @Test
    public void thePlatformChannelSaysWhyKeyboundIsUnavailable() {
        int robolectric = Build.VERSION.SDK_INT;
        Failing[] loads = {null, Failing.LOAD, Failing.INIT};
        int[] levels = {robolectric, 27, 23};
        try {
            for (int level : levels) {
                for (Failing failing : loads) {
                    setUp();
                    ReflectionHelpers.setStaticField(Build.VERSION.class, "SDK_INT", level);
                    String row = "API " + level + ", failing " + failing;
                    FlutterPluginBinding binding = new FlutterPluginBinding(application);
                    KeyboundPlugin plugin = plugin(failing);
                    plugin.onAttachedToEngine(binding);

                    Answer answer = ask(binding, PlatformChannel.UNAVAILABLE);
                    assertEquals(row, List.of("success"), answer.calls);
                    if (failing == null) {
                        assertNull(row + ": loaded, so Rust answers", answer.value);
                    } else {
                        @SuppressWarnings("unchecked")
                        Map<String, String> why = (Map<String, String>) answer.value;
                        if (level < ApiLevels.MIN_SUPPORTED) {
                            assertEquals(row, Map.of("code", "unsupported", "message",
                                    ApiLevels.unsupportedReason(level)), why);
                        } else {
                            assertEquals(row, "platformError", why.get("code"));
                            String message = why.get("message");
                            assertTrue(row + ": " + message, message.startsWith(
                                    "the native library libkeybound.so did not load: ")
                                    && message.contains(failing == Failing.LOAD ? "not found" : "nativeInit"));
                        }
                    }
                    assertEquals(row, List.of("notImplemented"), ask(binding, "status").calls);

                    plugin.onDetachedFromEngine(new FlutterPluginBinding(application));
                    assertNull(row + ": detaching removes the handler",
                            binding.methodCallHandler(PlatformChannel.NAME));
                }
            }
        } finally {
            ReflectionHelpers.setStaticField(Build.VERSION.class, "SDK_INT", robolectric);
        }
    }
}
