import 'package:flutter/foundation.dart' show immutable;

import 'rust/api/error.dart' as rust;

/// Why a keybound call failed.
///
/// Every failure of a `Biometric` call is a [BiometricException] carrying one
/// of these codes. Codes may be added in later versions of keybound, so a
/// `switch` over them should keep a `default` (or `_`) branch.
///
/// ```dart
/// try {
///   final token = await Biometric.authenticate(
///     challenge: nonce,
///     audience: 'https://api.example.com',
///     prompt: const PromptText(title: 'Confirm payment', negativeButton: 'Cancel'),
///   );
///   await sendToBackend(token.token);
/// } on BiometricException catch (e) {
///   switch (e.code) {
///     case BiometricErrorCode.userCanceled:
///       break; // the user said no: stay on the screen
///     case BiometricErrorCode.keyInvalidated:
///     case BiometricErrorCode.keyNotFound:
///       await startEnrolment();
///     default:
///       showError(e.message);
///   }
/// }
/// ```
enum BiometricErrorCode {
  /// An argument was empty, too long, out of range or badly formed.
  ///
  /// [BiometricException.message] starts with the field name, e.g.
  /// `alias: must not be empty` or `ttl_seconds: must be between 1 and 300`.
  /// This is a bug in the calling code: fix the argument, do not retry.
  invalidArgument,

  /// Another keybound prompt is already showing, or an enrolment or key
  /// deletion is still running; nothing was done.
  ///
  /// Wait for the pending call to finish, or `Biometric.cancel` a prompt
  /// first.
  inProgress,

  /// Too many failed prompts in a row; keybound refuses to show another one
  /// for a while.
  ///
  /// Retry after [BiometricException.retryAfter].
  coolingDown,

  /// Biometrics are temporarily locked out by the OS after too many failed
  /// attempts (Android `BIOMETRIC_ERROR_LOCKOUT`, 7).
  ///
  /// Retry after [BiometricException.retryAfter] (about 30 seconds).
  lockedOut,

  /// Biometrics are locked until the user unlocks the device with their PIN,
  /// pattern or password (Android `BIOMETRIC_ERROR_LOCKOUT_PERMANENT`, 9).
  ///
  /// Ask the user to lock and unlock the device, then try again.
  lockedOutPermanent,

  /// The user dismissed the prompt or pressed its negative button
  /// (Android codes 10 and 13).
  ///
  /// Not an error to report: the user chose not to confirm.
  userCanceled,

  /// The system dismissed the prompt, for example because the app went to
  /// the background (Android `BIOMETRIC_ERROR_CANCELED`, 5).
  ///
  /// Offer to try again when the app is back in the foreground.
  systemCanceled,

  /// The prompt timed out, on the OS side (Android code 3) or keybound's.
  ///
  /// Offer to try again.
  timeout,

  /// The biometric sensor cannot be used right now (Android code 1).
  ///
  /// Try again later.
  hardwareUnavailable,

  /// The device has no biometric sensor (Android code 12).
  ///
  /// keybound cannot be used on this device: use another sign-in method.
  noHardware,

  /// No biometric is enrolled on the device (Android code 11).
  ///
  /// Ask the user to add a fingerprint or face in the system settings.
  notEnrolled,

  /// Device credential was allowed but no PIN, pattern or password is set
  /// (Android code 14).
  ///
  /// Ask the user to set a screen lock in the system settings.
  noDeviceCredential,

  /// The OS requires a security update before biometrics work again
  /// (Android code 15).
  ///
  /// Ask the user to install system updates.
  securityUpdateRequired,

  /// The sensor could not process the input (Android code 2).
  ///
  /// Offer to try again.
  unableToProcess,

  /// Not enough storage to finish the operation (Android code 4).
  ///
  /// Ask the user to free some space.
  noSpace,

  /// A vendor-specific biometric error (Android code 8);
  /// [BiometricException.platformCode] has the raw code.
  ///
  /// Offer to try again; log the platform code.
  vendorError,

  /// No keybound key exists under this alias.
  ///
  /// Call `Biometric.enroll` (and register the key with your backend) first.
  keyNotFound,

  /// The key was invalidated because biometrics were added or removed, or
  /// the screen lock was reset; keybound has deleted it.
  ///
  /// Enrol again, and tell your backend to forget the old key.
  keyInvalidated,

  /// The key is intact, but the device's key store will not use it until
  /// the device is unlocked with its PIN, pattern or password (seen after a
  /// restart on some Android 12 builds).
  ///
  /// Ask the user to lock the screen and unlock it with the PIN, pattern or
  /// password, then try again; if it keeps happening, enrol again.
  unlockRequired,

  /// The OS cannot do this: Android below 9 (API 28), or device credential
  /// requested below Android 11 (API 30).
  ///
  /// Use another sign-in method, or retry without device credential.
  unsupported,

  /// The native platform failed unexpectedly (an unknown OS code, a Java
  /// exception, or the native library could not be loaded);
  /// [BiometricException.platformCode] may have the raw code.
  ///
  /// Log it; offer to try again.
  platformError,

  /// A bug in keybound.
  ///
  /// Please report it with [BiometricException.message].
  internal,
}

/// The one exception every keybound call throws.
///
/// [code] says what went wrong (see [BiometricErrorCode] for what to do about
/// each), [message] is for developers and logs (it never contains tokens,
/// challenges or keys), [retryAfter] says when a retry makes sense and
/// [platformCode] carries the raw OS code where one exists.
///
/// ```dart
/// try {
///   await Biometric.enroll(attestationChallenge: nonceBytes);
/// } on BiometricException catch (e) {
///   if (e.code == BiometricErrorCode.notEnrolled) {
///     showMessage('Add a fingerprint in Settings first.');
///   } else {
///     log('keybound: $e');
///   }
/// }
/// ```
@immutable
class BiometricException implements Exception {
  /// Creates an exception. keybound creates these; apps normally only catch
  /// them (or create them in tests).
  const BiometricException({
    required this.code,
    required this.message,
    this.retryAfter,
    this.platformCode,
  });

  /// What went wrong.
  final BiometricErrorCode code;

  /// A description for developers and logs; for [BiometricErrorCode.invalidArgument]
  /// it starts with the field name (`alias: ...`). Never shown to users as is.
  final String message;

  /// When retrying makes sense, after how long (for
  /// [BiometricErrorCode.lockedOut] and [BiometricErrorCode.coolingDown]).
  final Duration? retryAfter;

  /// The raw OS error code, where one exists (Android `BIOMETRIC_ERROR_*`).
  final int? platformCode;

  @override
  String toString() {
    final details = StringBuffer('BiometricException(${code.name}: $message');
    if (retryAfter != null) {
      details.write(', retryAfter: ${retryAfter!.inMilliseconds} ms');
    }
    if (platformCode != null) {
      details.write(', platformCode: $platformCode');
    }
    details.write(')');
    return details.toString();
  }

  @override
  bool operator ==(Object other) =>
      other is BiometricException &&
      other.code == code &&
      other.message == message &&
      other.retryAfter == retryAfter &&
      other.platformCode == platformCode;

  @override
  int get hashCode => Object.hash(code, message, retryAfter, platformCode);
}

/// Converts the generated error into the public one. Not exported.
BiometricException exceptionFromRust(rust.KeyboundError error) {
  final retryAfterMs = error.retryAfterMs;
  return BiometricException(
    code: errorCodeFromRust(error.code),
    message: error.message,
    retryAfter:
        retryAfterMs == null ? null : Duration(milliseconds: retryAfterMs),
    platformCode: error.platformCode,
  );
}

/// The one exhaustive mapping from the generated code to the public one: a
/// code added in Rust fails compilation here (and the parity check in
/// `tools/dart/parity.py`). Not exported.
BiometricErrorCode errorCodeFromRust(rust.ErrorCode code) => switch (code) {
      rust.ErrorCode.invalidArgument => BiometricErrorCode.invalidArgument,
      rust.ErrorCode.inProgress => BiometricErrorCode.inProgress,
      rust.ErrorCode.coolingDown => BiometricErrorCode.coolingDown,
      rust.ErrorCode.lockedOut => BiometricErrorCode.lockedOut,
      rust.ErrorCode.lockedOutPermanent =>
        BiometricErrorCode.lockedOutPermanent,
      rust.ErrorCode.userCanceled => BiometricErrorCode.userCanceled,
      rust.ErrorCode.systemCanceled => BiometricErrorCode.systemCanceled,
      rust.ErrorCode.timeout => BiometricErrorCode.timeout,
      rust.ErrorCode.hardwareUnavailable =>
        BiometricErrorCode.hardwareUnavailable,
      rust.ErrorCode.noHardware => BiometricErrorCode.noHardware,
      rust.ErrorCode.notEnrolled => BiometricErrorCode.notEnrolled,
      rust.ErrorCode.noDeviceCredential =>
        BiometricErrorCode.noDeviceCredential,
      rust.ErrorCode.securityUpdateRequired =>
        BiometricErrorCode.securityUpdateRequired,
      rust.ErrorCode.unableToProcess => BiometricErrorCode.unableToProcess,
      rust.ErrorCode.noSpace => BiometricErrorCode.noSpace,
      rust.ErrorCode.vendorError => BiometricErrorCode.vendorError,
      rust.ErrorCode.keyNotFound => BiometricErrorCode.keyNotFound,
      rust.ErrorCode.keyInvalidated => BiometricErrorCode.keyInvalidated,
      rust.ErrorCode.unlockRequired => BiometricErrorCode.unlockRequired,
      rust.ErrorCode.unsupported => BiometricErrorCode.unsupported,
      rust.ErrorCode.platformError => BiometricErrorCode.platformError,
      rust.ErrorCode.internal => BiometricErrorCode.internal,
    };
