import 'biometric_exception.dart';
import 'rust/api/error.dart' as rust;
import 'rust/frb_generated.dart' show RustLib;

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
  final started = RustLib.init().catchError((Object error, StackTrace stack) {
    _initialization = null;
    Error.throwWithStackTrace(
      BiometricException(
        code: BiometricErrorCode.platformError,
        message: 'could not initialise the keybound native library: $error',
      ),
      stack,
    );
  });
  return _initialization = started;
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
