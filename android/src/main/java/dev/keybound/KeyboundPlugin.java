package dev.keybound;

import android.app.Activity;
import android.app.Application;
import android.content.Context;
import android.os.Bundle;
import android.os.Handler;
import android.os.Looper;
import android.util.Log;
import io.flutter.embedding.engine.plugins.FlutterPlugin;
import io.flutter.embedding.engine.plugins.activity.ActivityAware;
import io.flutter.embedding.engine.plugins.activity.ActivityPluginBinding;
import io.flutter.plugin.common.MethodChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The Flutter plugin class: loads the Rust library (Dart's dlopen does not
 * run {@code JNI_OnLoad}), hands the application Context to native code,
 * installs the Android adapters in {@link NativeBridge} once per engine, and
 * follows the Activity so prompts show on it.
 *
 * <p>Each plugin instance (one per FlutterEngine) owns its
 * {@link NativeBridge.Installation}: a background engine attaching or
 * detaching never touches the prompt or the installation of the engine
 * that shows the app's Activity, and prompts go to the engine whose
 * Activity started last (see {@link NativeBridge}).
 *
 * <p>The adapters are installed once and the {@link AndroidPrompter} is
 * rebound to each new Activity, so a configuration change (rotation) keeps a
 * running request alive. The Activity stopping (not for a configuration
 * change) cancels the prompt: Dart sees {@code systemCanceled}. Pausing does
 * not: split-screen, a translucent Activity on top or a permission dialog
 * pause the Activity while the prompt stays visible. The state machine is
 * {@link LifecycleTracker}.
 *
 * <p>A missing or broken {@code libkeybound.so} ({@code System.loadLibrary}
 * or {@code nativeInit} throwing {@link UnsatisfiedLinkError}) must not kill
 * the app: the generated plugin registrant does not catch an {@code Error}.
 * The plugin logs the reason once per process and attaches without
 * installing the adapters. Every keybound call reaches Java only through
 * Rust (flutter_rust_bridge, then JNI), so with no library the Dart side's
 * own load fails too; it then asks this plugin's {@link PlatformChannel}
 * why, and reports {@code unsupported} below API 28, else
 * {@code platformError} with the reason.
 */
public final class KeyboundPlugin implements FlutterPlugin, ActivityAware {
    /** {@code libkeybound.so}, built from {@code rust/keybound}. */
    static final String LIBRARY = "keybound";
    private static final String TAG = "keybound";
    /** Set once the load failure was logged: one line per process, however many engines attach. */
    private static final AtomicBoolean LOAD_FAILURE_LOGGED = new AtomicBoolean();

    /** The two native steps; host tests replace them (there is no libkeybound there). */
    interface NativeLibrary {
        /** {@code System.loadLibrary}: runs Rust's {@code JNI_OnLoad}. */
        void load();

        /** {@link NativeBridge#nativeInit}: hands the application Context to Rust. */
        void init(Object applicationContext);
    }

    private static final NativeLibrary SYSTEM = new NativeLibrary() {
        @Override
        public void load() {
            System.loadLibrary(LIBRARY);
        }

        @Override
        public void init(Object applicationContext) {
            NativeBridge.nativeInit(applicationContext);
        }
    };

    private final NativeLibrary nativeLibrary;
    private final LifecycleTracker tracker = new LifecycleTracker();
    private final ActivityCallbacks activityCallbacks = new ActivityCallbacks();
    private AndroidPrompter prompter;
    private Activity activity;
    /** This engine's installation; null when not attached or the library did not load. */
    private NativeBridge.Installation installation;
    /** This engine's {@link PlatformChannel}; null when not attached. */
    private MethodChannel channel;

    /** Instantiated by Flutter's generated plugin registrant. */
    public KeyboundPlugin() {
        this(SYSTEM);
    }

    KeyboundPlugin(NativeLibrary nativeLibrary) {
        this.nativeLibrary = nativeLibrary;
    }

    @Override
    public void onAttachedToEngine(FlutterPluginBinding binding) {
        Context application = binding.getApplicationContext();
        AndroidDeviceInfo device = new AndroidDeviceInfo(application);
        String loadError = null;
        try {
            nativeLibrary.load();
            nativeLibrary.init(application);
        } catch (UnsatisfiedLinkError e) {
            loadError = String.valueOf(e.getMessage());
            if (LOAD_FAILURE_LOGGED.compareAndSet(false, true)) {
                Log.e(TAG, "the native library lib" + LIBRARY + ".so did not load; keybound is unavailable: "
                        + loadError);
            }
        }
        channel = new MethodChannel(binding.getBinaryMessenger(), PlatformChannel.NAME);
        channel.setMethodCallHandler(new PlatformChannel(device.apiLevel(), loadError));
        if (loadError != null) {
            return;
        }
        Handler mainHandler = new Handler(Looper.getMainLooper());
        Executor mainThread = mainHandler::post;
        String unsupported = ApiLevels.unsupportedReason(device.apiLevel());
        if (unsupported != null) {
            // Still installed: Rust reads the API level and reports `unsupported` to Dart.
            Log.w(TAG, unsupported);
        }
        prompter = new AndroidPrompter(device.apiLevel(), mainThread, tracker);
        prompter.setActivity(activity);
        installation = NativeBridge.install(device, new AndroidKeyVault(device), prompter, mainThread);
        if (activity != null) {
            installation.activityStarted();
        }
    }

    /** Whether this plugin installed the adapters (false when the native library did not load). */
    boolean isInstalled() {
        return installation != null;
    }

    /** Lets a test see the one log line again. */
    static void resetLoadFailureLogForTesting() {
        LOAD_FAILURE_LOGGED.set(false);
    }

    @Override
    public void onDetachedFromEngine(FlutterPluginBinding binding) {
        unbind();
        MethodChannel own = channel;
        channel = null;
        if (own != null) {
            own.setMethodCallHandler(null);
        }
        NativeBridge.Installation installed = installation;
        installation = null;
        if (installed != null) {
            installed.uninstall();
        }
        prompter = null;
    }

    @Override
    public void onAttachedToActivity(ActivityPluginBinding binding) {
        bind(binding.getActivity());
        markActivity(NativeBridge.Installation::activityStarted);
        apply(tracker.onAttached());
    }

    @Override
    public void onDetachedFromActivityForConfigChanges() {
        unbind();
        markActivity(NativeBridge.Installation::activityRotating);
        apply(tracker.onDetachedForConfigChanges());
    }

    @Override
    public void onReattachedToActivityForConfigChanges(ActivityPluginBinding binding) {
        bind(binding.getActivity());
        markActivity(NativeBridge.Installation::activityStarted);
        apply(tracker.onReattached());
    }

    @Override
    public void onDetachedFromActivity() {
        unbind();
        markActivity(NativeBridge.Installation::activityStopped);
        apply(tracker.onDetached());
    }

    /** Tells this engine's installation (if any) where its Activity is, for routing prompts. */
    private void markActivity(Consumer<NativeBridge.Installation> state) {
        NativeBridge.Installation own = installation;
        if (own != null) {
            state.accept(own);
        }
    }

    private void apply(LifecycleTracker.Action action) {
        AndroidPrompter current = prompter;
        switch (action) {
            case CANCEL_PROMPT:
                // The bridge records "backgrounded" (code 5) for this engine's
                // request, then the prompter ends the prompt now, on this
                // (main) thread.
                NativeBridge.Installation own = installation;
                if (own != null) {
                    own.onBackgrounded();
                }
                if (current != null) {
                    current.cancel();
                }
                break;
            case SHOW_PENDING:
                if (current != null) {
                    current.showPending();
                }
                break;
            case NONE:
            default:
                break;
        }
    }

    private void bind(Activity newActivity) {
        unbind();
        activity = newActivity;
        if (prompter != null) {
            prompter.setActivity(newActivity);
        }
        newActivity.getApplication().registerActivityLifecycleCallbacks(activityCallbacks);
    }

    private void unbind() {
        Activity old = activity;
        if (old == null) {
            return;
        }
        old.getApplication().unregisterActivityLifecycleCallbacks(activityCallbacks);
        activity = null;
        if (prompter != null) {
            prompter.setActivity(null);
        }
    }

    /** Lifecycle of the attached Activity only (the Application reports all of them). */
    private final class ActivityCallbacks implements Application.ActivityLifecycleCallbacks {
        @Override
        public void onActivityCreated(Activity a, Bundle savedInstanceState) {}

        @Override
        public void onActivityStarted(Activity a) {
            if (a == activity) {
                markActivity(NativeBridge.Installation::activityStarted);
                apply(tracker.onForeground());
            }
        }

        @Override
        public void onActivityResumed(Activity a) {
            if (a == activity) {
                markActivity(NativeBridge.Installation::activityStarted);
                apply(tracker.onForeground());
            }
        }

        @Override
        public void onActivityPaused(Activity a) {
            // Paused is not hidden (split-screen, a dialog or translucent
            // Activity on top): the prompt stays. Stopping cancels it.
        }

        @Override
        public void onActivityStopped(Activity a) {
            if (a == activity) {
                boolean rotating = a.isChangingConfigurations();
                markActivity(rotating ? NativeBridge.Installation::activityRotating
                        : NativeBridge.Installation::activityStopped);
                apply(tracker.onBackground(rotating));
            }
        }

        @Override
        public void onActivitySaveInstanceState(Activity a, Bundle outState) {}

        @Override
        public void onActivityDestroyed(Activity a) {}
    }
}
