/// Biometric authentication bound to a hardware key.
///
/// Android's BiometricPrompt unlocks a P-256 Keystore key for one signature;
/// keybound returns a short-lived, one-time token (JWS ES256) for your
/// backend to verify. Biometrics never come back as a bare `true`.
///
/// Everything starts at [Biometric]; every failure is a
/// [BiometricException] with a [BiometricErrorCode].
///
/// ```dart
/// import 'package:keybound/keybound.dart';
///
/// final token = await Biometric.authenticate(
///   challenge: nonceFromBackend,
///   audience: 'https://api.example.com',
///   prompt: const PromptText(title: 'Sign in', negativeButton: 'Cancel'),
/// );
/// ```
library;

export 'src/biometric.dart' show Biometric;
export 'src/biometric_exception.dart'
    show BiometricErrorCode, BiometricException;
export 'src/types.dart'
    show
        AuthMethod,
        BiometricStatus,
        BiometricToken,
        KeyRegistration,
        KeySecurityLevel,
        PromptText;
