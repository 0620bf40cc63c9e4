package io.flutter.embedding.engine.plugins;

/** Host fake. */
public interface FlutterPlugin {
    void onAttachedToEngine(FlutterPluginBinding binding);

    void onDetachedFromEngine(FlutterPluginBinding binding);

    /** Host fake: only the application Context. */
    class FlutterPluginBinding {
        private final android.content.Context applicationContext;

        public FlutterPluginBinding(android.content.Context applicationContext) {
            this.applicationContext = applicationContext;
        }

        public android.content.Context getApplicationContext() {
            return applicationContext;
        }
    }
}
