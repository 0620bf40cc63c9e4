package io.flutter.embedding.engine.plugins.activity;

/** Host fake. */
public interface ActivityPluginBinding {
    android.app.Activity getActivity();
}
