package dev.keybound;

import io.flutter.plugin.common.MethodCall;
import io.flutter.plugin.common.MethodChannel;
import java.util.HashMap;
import java.util.Map;

/**
 * The plugin's own method channel to Dart, for the one question Rust cannot
 * answer: why keybound is unavailable when {@code libkeybound.so} did not
 * load. Every other call goes Dart, flutter_rust_bridge, Rust, JNI; with no
 * library that path does not exist, so the Dart side asks here once its own
 * load failed.
 *
 * <p>{@value #UNAVAILABLE} answers null when the library loaded (Rust then
 * answers everything, {@code unsupported} included), otherwise a map with
 * {@value #KEY_CODE} and {@value #KEY_MESSAGE}: {@value #CODE_UNSUPPORTED}
 * below API {@value ApiLevels#MIN_SUPPORTED}, where keybound could not work
 * with any library, else {@value #CODE_PLATFORM_ERROR} with the loader's
 * reason. {@code lib/src/runtime.dart} is the other end
 * ({@code tools/dart/channel_check.py} keeps the names equal).
 */
final class PlatformChannel implements MethodChannel.MethodCallHandler {
    /** The channel's name, the same in Dart. */
    static final String NAME = "dev.keybound/platform";
    /** The one method: why keybound is unavailable, or null. */
    static final String UNAVAILABLE = "unavailable";
    static final String KEY_CODE = "code";
    static final String KEY_MESSAGE = "message";
    /** Dart's {@code BiometricErrorCode.unsupported}. */
    static final String CODE_UNSUPPORTED = "unsupported";
    /** Dart's {@code BiometricErrorCode.platformError}. */
    static final String CODE_PLATFORM_ERROR = "platformError";

    private final Map<String, String> unavailable;

    /**
     * @param apiLevel the device's API level
     * @param loadError why the library did not load, or null when it did
     */
    PlatformChannel(int apiLevel, String loadError) {
        this.unavailable = unavailability(apiLevel, loadError);
    }

    /** The answer to {@value #UNAVAILABLE}; null when the library loaded. */
    static Map<String, String> unavailability(int apiLevel, String loadError) {
        if (loadError == null) {
            return null;
        }
        // HashMap, not Map.of: API 28 has no Java 9 collections.
        Map<String, String> answer = new HashMap<>();
        String unsupported = ApiLevels.unsupportedReason(apiLevel);
        if (unsupported != null) {
            answer.put(KEY_CODE, CODE_UNSUPPORTED);
            answer.put(KEY_MESSAGE, unsupported);
        } else {
            answer.put(KEY_CODE, CODE_PLATFORM_ERROR);
            answer.put(KEY_MESSAGE, "the native library lib" + KeyboundPlugin.LIBRARY + ".so did not load: "
                    + loadError);
        }
        return answer;
    }

    @Override
    public void onMethodCall(MethodCall call, MethodChannel.Result result) {
        if (UNAVAILABLE.equals(call.method)) {
            result.success(unavailable == null ? null : new HashMap<>(unavailable));
        } else {
            result.notImplemented();
        }
    }
}
