package dev.keybound.example;

import io.flutter.embedding.android.FlutterActivity;

/** A plain FlutterActivity: keybound shows the framework BiometricPrompt on it. */
public class MainActivity extends FlutterActivity {}
