package io.flutter.plugin.common;

/** Host fake: the real class's two fields and constructor. */
public final class MethodCall {
    public final String method;
    public final Object arguments;

    public MethodCall(String method, Object arguments) {
        this.method = method;
        this.arguments = arguments;
    }
}
