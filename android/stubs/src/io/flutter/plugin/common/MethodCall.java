// Compile-only stub (keybound): the members of the real class that keybound
// uses, with the real signatures. Checked by tools/android/check_stubs.py.
// Never shipped; on a device the framework class is used.
package io.flutter.plugin.common;

public final class MethodCall {
    public final String method;

    private MethodCall() {
        throw new RuntimeException("Stub!");
    }
}
