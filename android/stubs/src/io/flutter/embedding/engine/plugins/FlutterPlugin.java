// Compile-only stub (keybound): the members of the real class that keybound
// uses, with the real signatures. Checked by tools/android/check_stubs.py.
// Never shipped; on a device the framework class is used.
package io.flutter.embedding.engine.plugins;

public interface FlutterPlugin {
    void onAttachedToEngine(FlutterPlugin.FlutterPluginBinding binding);

    void onDetachedFromEngine(FlutterPlugin.FlutterPluginBinding binding);

    class FlutterPluginBinding {
        private FlutterPluginBinding() {
            throw new RuntimeException("Stub!");
        }

        public android.content.Context getApplicationContext() {
            throw new RuntimeException("Stub!");
        }

        public io.flutter.plugin.common.BinaryMessenger getBinaryMessenger() {
            throw new RuntimeException("Stub!");
        }
    }
}
