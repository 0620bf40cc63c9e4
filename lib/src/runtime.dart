import 'package:flutter/services.dart'
    show MethodChannel, MissingPluginException, PlatformException;
import 'package:flutter_rust_bridge/flutter_rust_bridge.dart'
    show loadExternalLibrary;
import 'package:flutter_rust_bridge/flutter_rust_bridge_for_generated.dart'
    show ExternalLibraryLoaderConfig;

import 'biometric_exception.dart';
import 'rust/api/error.dart' as rust;
import 'rust/frb_generated.dart' show RustLib;

/// Where a host build of the Rust core (`cargo build --release -p keybound`,
/// for `flutter test` and desktop runs) puts the library, relative to the
/// package root: the Cargo workspace's target folder, at the repository
/// root. (On Android the directory is not used: the library comes from the
/// APK.)
///
/// The generated loader's default points at `rust/keybound/target/release/`
/// instead: flutter_rust_bridge 2.13 derives it from `rust_root` and has no
/// option to change it (its config rejects unknown keys), so keybound loads
/// the library with this directory itself. tools/dart/loader_check.py keeps
/// it equal to the workspace's target folder.
const String hostLibraryDirectory = 'target/release/';

/// The generated loader config with [hostLibraryDirectory].
final ExternalLibraryLoaderConfig loaderConfig = ExternalLibraryLoaderConfig(
  stem: RustLib.kDefaultExternalLibraryLoaderConfig.stem,
  ioDirectory: hostLibraryDirectory,
  webPrefix: RustLib.kDefaultExternalLibraryLoaderConfig.webPrefix,
  wasmBindgenName: RustLib.kDefaultExternalLibraryLoaderConfig.wasmBindgenName,
);

/// The one pending or finished initialisation, shared by every caller.
Future<void>? _initialization;

/// Initialises the flutter_rust_bridge runtime once, on first use.
///
/// Concurrent first calls share one initialisation. A failed one is
/// forgotten, so a later call tries again. When the app (or a test) has
/// already initialised [RustLib] itself, nothing happens.
Future<void> ensureInitialized() {
  final pending = _initialization;
  if (pending != null) {
    return pending;
  }
  if (RustLib.instance.initialized) {
    return _initialization = Future<void>.value();
  }
  final started = _initialize().catchError(
    (Object error, StackTrace stack) async {
      _initialization = null;
      Error.throwWithStackTrace(await _unavailable(error), stack);
    },
  );
  return _initialization = started;
}

/// The Android plugin's own channel (`PlatformChannel.java`): with no
/// native library, Rust cannot say why keybound is unavailable, so the Java
/// side does. tools/dart/channel_check.py keeps these names equal to Java's.
const MethodChannel platformChannel = MethodChannel('dev.keybound/platform');

/// The exception every call reports when the native library did not load:
/// `unsupported` when the Android plugin says the device is below keybound's
/// minimum API level (no library could help there), else `platformError`
/// naming the library and the loader's reason (with the Java side's reason
/// when it has one). Off Android there is no plugin to ask.
Future<BiometricException> _unavailable(Object loadError) async {
  Object? answer;
  try {
    answer = await platformChannel.invokeMethod<Object?>('unavailable');
  } on MissingPluginException {
    answer = null;
  } on PlatformException {
    answer = null;
  }
  final why = answer is Map ? answer : const <Object?, Object?>{};
  final code = why['code'];
  final message = why['message'];
  if (code == 'unsupported' && message is String) {
    return BiometricException(
      code: BiometricErrorCode.unsupported,
      message: message,
    );
  }
  return BiometricException(
    code: BiometricErrorCode.platformError,
    message: 'the keybound native library (libkeybound) did not load: '
        '$loadError${message is String ? ' ($message)' : ''}',
  );
}

/// Loads the library from [loaderConfig] and initialises [RustLib] with it.
Future<void> _initialize() async {
  final library = await loadExternalLibrary(loaderConfig);
  await RustLib.init(externalLibrary: library);
}

/// Runs [body] after initialisation and turns every failure into a
/// [BiometricException], so no generated (or other) error type leaves the
/// package.
Future<T> guard<T>(Future<T> Function() body) async {
  await ensureInitialized();
  try {
    return await body();
  } on BiometricException {
    rethrow;
  } on rust.KeyboundError catch (error, stack) {
    Error.throwWithStackTrace(exceptionFromRust(error), stack);
  } catch (error, stack) {
    // A Rust panic (flutter_rust_bridge's PanicException), an encoding error
    // or anything else unexpected: a bug, reported without losing its text.
    Error.throwWithStackTrace(
      BiometricException(
        code: BiometricErrorCode.internal,
        message: 'unexpected ${error.runtimeType}: $error',
      ),
      stack,
    );
  }
}

/// An `invalidArgument` exception in Rust's wording (`field: why`), for the
/// few checks that must happen before a value can cross into Rust.
BiometricException invalidArgument(String field, String why) =>
    BiometricException(
      code: BiometricErrorCode.invalidArgument,
      message: '$field: $why',
    );
