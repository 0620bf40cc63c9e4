import 'package:keybound/keybound.dart';

/// What to tell the user for each keybound error.
///
/// This in-tree example names every code, so adding one to keybound breaks
/// its build until it has a message here (tools/dart/parity.py checks it
/// too). An app depending on a version range should end its switch with a
/// default branch instead: codes may be added in later versions.
String userMessage(BiometricException e) => switch (e.code) {
      BiometricErrorCode.invalidArgument =>
        'Something is wrong with this request. (${e.message})',
      BiometricErrorCode.inProgress =>
        'A confirmation is already in progress.',
      BiometricErrorCode.coolingDown =>
        'Too many attempts. Try again in ${_seconds(e)}.',
      BiometricErrorCode.lockedOut =>
        'Too many failed attempts. Try again in ${_seconds(e)}.',
      BiometricErrorCode.lockedOutPermanent =>
        'Biometrics are locked. Unlock your phone with your PIN, pattern or '
            'password, then try again.',
      BiometricErrorCode.userCanceled => 'Cancelled.',
      BiometricErrorCode.systemCanceled =>
        'The confirmation was interrupted. Please try again.',
      BiometricErrorCode.timeout => 'The confirmation timed out. Try again.',
      BiometricErrorCode.hardwareUnavailable =>
        'The biometric sensor is busy or unavailable. Try again later.',
      BiometricErrorCode.noHardware =>
        'This device has no biometric sensor. Use another sign-in method.',
      BiometricErrorCode.notEnrolled =>
        'Add a fingerprint or face in Settings > Security first.',
      BiometricErrorCode.noDeviceCredential =>
        'Set a screen lock (PIN, pattern or password) in Settings first.',
      BiometricErrorCode.securityUpdateRequired =>
        'Install the latest system update to use biometrics.',
      BiometricErrorCode.unableToProcess =>
        'The sensor could not read that. Try again.',
      BiometricErrorCode.noSpace => 'Your device is out of storage.',
      BiometricErrorCode.vendorError =>
        'The biometric sensor reported an error. Try again.',
      BiometricErrorCode.keyNotFound =>
        'This device is not set up yet. Enrol first.',
      BiometricErrorCode.keyInvalidated =>
        'Your biometrics changed, so this device must be set up again. '
            'Enrol again.',
      BiometricErrorCode.unlockRequired =>
        'Lock your screen and unlock it with your PIN, pattern or password, '
            'then try again.',
      BiometricErrorCode.unsupported =>
        'This needs Android 9 or newer (Android 11 for the screen lock '
            'option).',
      BiometricErrorCode.platformError =>
        'Something went wrong on this device. Try again.',
      BiometricErrorCode.internal =>
        'Something went wrong in the app. Please report it.',
    };

String _seconds(BiometricException e) {
  final wait = e.retryAfter;
  if (wait == null) return 'a moment';
  final seconds = (wait.inMilliseconds / 1000).ceil();
  return '$seconds s';
}
