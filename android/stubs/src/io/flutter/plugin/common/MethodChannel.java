// Compile-only stub (keybound): the members of the real class that keybound
// uses, with the real signatures. Checked by tools/android/check_stubs.py.
// Never shipped; on a device the framework class is used.
package io.flutter.plugin.common;

public class MethodChannel {
    public MethodChannel(BinaryMessenger messenger, String name) {
        throw new RuntimeException("Stub!");
    }

    public void setMethodCallHandler(MethodChannel.MethodCallHandler handler) {
        throw new RuntimeException("Stub!");
    }

    public interface MethodCallHandler {
        void onMethodCall(MethodCall call, MethodChannel.Result result);
    }

    public interface Result {
        void success(Object result);

        void notImplemented();
    }
}
