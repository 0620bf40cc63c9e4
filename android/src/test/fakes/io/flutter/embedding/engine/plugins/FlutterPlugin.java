package io.flutter.embedding.engine.plugins;

import io.flutter.plugin.common.BinaryMessenger;
import io.flutter.plugin.common.MethodChannel;
import java.util.HashMap;
import java.util.Map;

/** Host fake. */
public interface FlutterPlugin {
    void onAttachedToEngine(FlutterPluginBinding binding);

    void onDetachedFromEngine(FlutterPluginBinding binding);

    /**
     * Host fake: the application Context and a messenger that keeps the
     * method-call handlers by channel name ({@link #methodCallHandler}).
     */
    class FlutterPluginBinding {
        private final android.content.Context applicationContext;
        private final Map<String, MethodChannel.MethodCallHandler> handlers = new HashMap<>();
        private final BinaryMessenger messenger = (channel, handler) -> {
            if (handler == null) {
                handlers.remove(channel);
            } else {
                handlers.put(channel, handler);
            }
        };

        public FlutterPluginBinding(android.content.Context applicationContext) {
            this.applicationContext = applicationContext;
        }

        public android.content.Context getApplicationContext() {
            return applicationContext;
        }

        public BinaryMessenger getBinaryMessenger() {
            return messenger;
        }

        /** The handler a plugin set on {@code channel} of this engine, or null. */
        public MethodChannel.MethodCallHandler methodCallHandler(String channel) {
            return handlers.get(channel);
        }
    }
}
