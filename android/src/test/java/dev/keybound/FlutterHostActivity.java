package dev.keybound;

import android.app.Activity;
import android.os.Bundle;
import io.flutter.embedding.engine.plugins.activity.ActivityAware;

/**
 * A real Activity that talks to an {@link ActivityAware} plugin the way
 * Flutter's embedding (FlutterActivity → FlutterEngineConnectionRegistry)
 * does: attach in {@code onCreate} (reattach when the previous Activity went
 * away for a configuration change), detach in {@code onDestroy} (for config
 * changes when {@code isChangingConfigurations()}). The Flutter embedding is
 * not on Maven Central, so this is the part of Flutter the tests play;
 * everything else is the real framework under Robolectric.
 */
public class FlutterHostActivity extends Activity {
    /** The plugin of the engine this Activity hosts (one engine per test). */
    static ActivityAware plugin;
    /** The previous host went away for a configuration change. */
    private static boolean waitingForReattachment;

    static void reset(ActivityAware newPlugin) {
        plugin = newPlugin;
        waitingForReattachment = false;
    }

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        if (plugin == null) {
            return;
        }
        if (waitingForReattachment) {
            waitingForReattachment = false;
            plugin.onReattachedToActivityForConfigChanges(() -> this);
        } else {
            plugin.onAttachedToActivity(() -> this);
        }
    }

    @Override
    protected void onDestroy() {
        if (plugin != null) {
            if (isChangingConfigurations()) {
                waitingForReattachment = true;
                plugin.onDetachedFromActivityForConfigChanges();
            } else {
                plugin.onDetachedFromActivity();
            }
        }
        super.onDestroy();
    }
}
