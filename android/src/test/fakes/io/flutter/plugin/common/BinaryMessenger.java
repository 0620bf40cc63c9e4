package io.flutter.plugin.common;

/**
 * Host fake. The real messenger carries encoded messages to and from Dart;
 * this one only keeps each channel's method-call handler, so a test can call
 * it as Dart would (the real {@code MethodChannel} wraps the handler in the
 * standard codec first).
 */
public interface BinaryMessenger {
    void setMethodCallHandler(String channel, MethodChannel.MethodCallHandler handler);
}
