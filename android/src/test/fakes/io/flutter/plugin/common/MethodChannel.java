package io.flutter.plugin.common;

/** Host fake: registers the handler with the (fake) messenger under the channel's name. */
public class MethodChannel {
    private final BinaryMessenger messenger;
    private final String name;

    public MethodChannel(BinaryMessenger messenger, String name) {
        this.messenger = messenger;
        this.name = name;
    }

    public void setMethodCallHandler(MethodCallHandler handler) {
        messenger.setMethodCallHandler(name, handler);
    }

    public interface MethodCallHandler {
        void onMethodCall(MethodCall call, Result result);
    }

    public interface Result {
        void success(Object result);

        void error(String errorCode, String errorMessage, Object errorDetails);

        void notImplemented();
    }
}
