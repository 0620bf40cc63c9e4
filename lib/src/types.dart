import 'dart:typed_data';

import 'package:flutter/foundation.dart' show immutable, listEquals;

import 'rust/api/types.dart' as rust;

/// What this device can do now, and whether a keybound key exists: the
/// enrol check returned by `Biometric.status`.
///
/// ```dart
/// final status = await Biometric.status();
/// if (!status.supported || !status.class3Available) {
///   showPasswordLogin();
/// } else if (!status.keyEnrolled) {
///   await enrol();
/// }
/// ```
@immutable
class BiometricStatus {
  /// Creates a status. keybound creates these; apps use the constructor in
  /// tests only.
  const BiometricStatus({
    required this.apiLevel,
    required this.supported,
    required this.hardwarePresent,
    required this.biometricsEnrolled,
    required this.class3Available,
    required this.deviceSecure,
    required this.strongBoxPresent,
    required this.deviceCredentialFallback,
    required this.keyEnrolled,
  });

  /// The Android API level, or `null` where the platform has none.
  final int? apiLevel;

  /// keybound can work on this OS version at all (Android 9, API 28, or
  /// newer). When `false`, every other call fails with
  /// `BiometricErrorCode.unsupported`.
  final bool supported;

  /// The device has a biometric sensor.
  final bool hardwarePresent;

  /// At least one biometric (fingerprint, face, iris) is enrolled.
  final bool biometricsEnrolled;

  /// A Class 3 ("strong") biometric can unlock keys now: what
  /// `Biometric.enroll` and `Biometric.authenticate` need (unless device
  /// credential is allowed).
  final bool class3Available;

  /// A screen lock (PIN, pattern or password) is set.
  final bool deviceSecure;

  /// The device has a StrongBox secure element.
  final bool strongBoxPresent;

  /// The screen lock can stand in for a biometric (Android 11, API 30, or
  /// newer, with a screen lock set): `allowDeviceCredential: true` can work.
  final bool deviceCredentialFallback;

  /// A keybound key exists under the alias asked about.
  final bool keyEnrolled;

  @override
  bool operator ==(Object other) =>
      other is BiometricStatus &&
      other.apiLevel == apiLevel &&
      other.supported == supported &&
      other.hardwarePresent == hardwarePresent &&
      other.biometricsEnrolled == biometricsEnrolled &&
      other.class3Available == class3Available &&
      other.deviceSecure == deviceSecure &&
      other.strongBoxPresent == strongBoxPresent &&
      other.deviceCredentialFallback == deviceCredentialFallback &&
      other.keyEnrolled == keyEnrolled;

  @override
  int get hashCode => Object.hash(
        apiLevel,
        supported,
        hardwarePresent,
        biometricsEnrolled,
        class3Available,
        deviceSecure,
        strongBoxPresent,
        deviceCredentialFallback,
        keyEnrolled,
      );

  @override
  String toString() => 'BiometricStatus(apiLevel: $apiLevel, '
      'supported: $supported, hardwarePresent: $hardwarePresent, '
      'biometricsEnrolled: $biometricsEnrolled, '
      'class3Available: $class3Available, deviceSecure: $deviceSecure, '
      'strongBoxPresent: $strongBoxPresent, '
      'deviceCredentialFallback: $deviceCredentialFallback, '
      'keyEnrolled: $keyEnrolled)';
}

/// Where a key lives.
enum KeySecurityLevel {
  /// Software only. keybound backends never accept such a key.
  software,

  /// The Trusted Execution Environment (TEE).
  trustedEnvironment,

  /// The StrongBox secure element.
  strongBox,
}

/// How the user authenticated for a token (its `auth` claim).
enum AuthMethod {
  /// A Class 3 biometric.
  biometric,

  /// The screen lock: PIN, pattern or password.
  deviceCredential,
}

/// A newly enrolled hardware key, returned by `Biometric.enroll`: send all of
/// it to your backend, which verifies the attestation chain and stores the
/// public key.
///
/// ```dart
/// final registration = await Biometric.enroll(
///   attestationChallenge: utf8.encode(nonce),
/// );
/// await http.post(registerUrl, body: jsonEncode({
///   'nonce': nonce,
///   'attestationChain': [for (final der in registration.attestationChain) base64Encode(der)],
/// }));
/// ```
@immutable
class KeyRegistration {
  /// Creates a registration. keybound creates these; apps use the
  /// constructor in tests only.
  const KeyRegistration({
    required this.alias,
    required this.keyId,
    required this.publicKeyJwk,
    required this.attestationChain,
    required this.securityLevel,
  });

  /// The alias the key was created under.
  final String alias;

  /// The key id: the RFC 7638 thumbprint of the public key, and the `kid` of
  /// every token the key signs.
  final String keyId;

  /// The P-256 public key as JWK JSON:
  /// `{"crv":"P-256","kty":"EC","x":"...","y":"..."}`.
  final String publicKeyJwk;

  /// The key attestation certificate chain, DER-encoded, leaf first. The
  /// leaf carries the attestation challenge given to `Biometric.enroll`.
  final List<Uint8List> attestationChain;

  /// Where the key lives.
  final KeySecurityLevel securityLevel;

  @override
  bool operator ==(Object other) =>
      other is KeyRegistration &&
      other.alias == alias &&
      other.keyId == keyId &&
      other.publicKeyJwk == publicKeyJwk &&
      other.securityLevel == securityLevel &&
      other.attestationChain.length == attestationChain.length &&
      Iterable<int>.generate(attestationChain.length).every(
        (i) => listEquals(other.attestationChain[i], attestationChain[i]),
      );

  @override
  int get hashCode => Object.hash(alias, keyId, publicKeyJwk, securityLevel,
      attestationChain.length);

  @override
  String toString() => 'KeyRegistration(alias: $alias, keyId: $keyId, '
      'securityLevel: ${securityLevel.name}, '
      'attestationChain: ${attestationChain.length} certificates)';
}

/// The text of the system biometric prompt.
///
/// ```dart
/// const prompt = PromptText(
///   title: 'Confirm transfer',
///   subtitle: '120.00 EUR to Alice',
///   negativeButton: 'Cancel',
/// );
/// ```
@immutable
class PromptText {
  /// Creates prompt text. Lengths are checked by `Biometric.authenticate`
  /// (`BiometricErrorCode.invalidArgument` naming `prompt.title`,
  /// `prompt.subtitle`, `prompt.description` or `prompt.negative_button`).
  ///
  /// * [title]: 1 to 100 characters.
  /// * [subtitle]: optional, at most 100 characters.
  /// * [description]: optional, at most 500 characters.
  /// * [negativeButton]: the label of the button that dismisses the prompt,
  ///   1 to 40 characters (Android replaces it with "Use PIN" and similar
  ///   when device credential is allowed).
  const PromptText({
    required this.title,
    this.subtitle,
    this.description,
    required this.negativeButton,
  });

  /// The prompt title.
  final String title;

  /// An optional subtitle.
  final String? subtitle;

  /// An optional longer description.
  final String? description;

  /// The label of the button that dismisses the prompt.
  final String negativeButton;

  @override
  bool operator ==(Object other) =>
      other is PromptText &&
      other.title == title &&
      other.subtitle == subtitle &&
      other.description == description &&
      other.negativeButton == negativeButton;

  @override
  int get hashCode => Object.hash(title, subtitle, description, negativeButton);

  @override
  String toString() => 'PromptText(title: $title, subtitle: $subtitle, '
      'description: $description, negativeButton: $negativeButton)';
}

/// A one-time token proving that the holder of key [keyId] passed a
/// biometric (or screen lock) check just now, for one server challenge and
/// audience. Returned by `Biometric.authenticate`.
///
/// Send [token] to your backend, which verifies it with the registered public
/// key; the backend accepts it once and only before [expiresAt]. Never log
/// [token]: [toString] leaves it out.
///
/// ```dart
/// final result = await Biometric.authenticate(
///   challenge: nonce,
///   audience: 'https://api.example.com',
///   prompt: const PromptText(title: 'Sign in', negativeButton: 'Cancel'),
/// );
/// await http.post(verifyUrl, body: jsonEncode({'token': result.token}));
/// ```
@immutable
class BiometricToken {
  /// Creates a token. keybound creates these; apps use the constructor in
  /// tests only.
  const BiometricToken({
    required this.token,
    required this.keyId,
    required this.expiresAt,
    required this.authMethod,
  });

  /// The token: a JWS (ES256, compact serialization, `typ` `keybound+jwt`).
  final String token;

  /// The id of the key that signed it (the token's `kid`).
  final String keyId;

  /// When the token expires (its `exp` claim), in UTC.
  final DateTime expiresAt;

  /// How the user authenticated (the token's `auth` claim).
  final AuthMethod authMethod;

  @override
  bool operator ==(Object other) =>
      other is BiometricToken &&
      other.token == token &&
      other.keyId == keyId &&
      other.expiresAt == expiresAt &&
      other.authMethod == authMethod;

  @override
  int get hashCode => Object.hash(token, keyId, expiresAt, authMethod);

  @override
  String toString() => 'BiometricToken(keyId: $keyId, '
      'expiresAt: ${expiresAt.toIso8601String()}, '
      'authMethod: ${authMethod.name}, token: <redacted>)';
}

// Conversions from the generated types. Not exported.

/// The public status from the generated one.
BiometricStatus statusFromRust(rust.DeviceStatus status) => BiometricStatus(
      apiLevel: status.apiLevel,
      supported: status.supported,
      hardwarePresent: status.hardwarePresent,
      biometricsEnrolled: status.biometricsEnrolled,
      class3Available: status.class3Available,
      deviceSecure: status.deviceSecure,
      strongBoxPresent: status.strongBoxPresent,
      deviceCredentialFallback: status.deviceCredentialFallback,
      keyEnrolled: status.keyEnrolled,
    );

/// The public registration from the generated one.
KeyRegistration registrationFromRust(rust.KeyRegistration registration) =>
    KeyRegistration(
      alias: registration.alias,
      keyId: registration.keyId,
      publicKeyJwk: registration.publicKeyJwk,
      attestationChain:
          List<Uint8List>.unmodifiable(registration.attestationChain),
      securityLevel: securityLevelFromRust(registration.securityLevel),
    );

/// The public token from the generated one.
BiometricToken tokenFromRust(rust.BiometricToken token) => BiometricToken(
      token: token.token,
      keyId: token.keyId,
      expiresAt: DateTime.fromMillisecondsSinceEpoch(
        token.expiresAtUnix.toInt() * 1000,
        isUtc: true,
      ),
      authMethod: authMethodFromRust(token.authMethod),
    );

/// The generated prompt options from the public text.
rust.PromptOptions promptToRust(PromptText prompt) => rust.PromptOptions(
      title: prompt.title,
      subtitle: prompt.subtitle,
      description: prompt.description,
      negativeButton: prompt.negativeButton,
    );

/// Exhaustive: a level added in Rust fails compilation here.
KeySecurityLevel securityLevelFromRust(rust.KeySecurityLevel level) =>
    switch (level) {
      rust.KeySecurityLevel.software => KeySecurityLevel.software,
      rust.KeySecurityLevel.trustedEnvironment =>
        KeySecurityLevel.trustedEnvironment,
      rust.KeySecurityLevel.strongBox => KeySecurityLevel.strongBox,
    };

/// Exhaustive: a method added in Rust fails compilation here.
AuthMethod authMethodFromRust(rust.AuthMethod method) => switch (method) {
      rust.AuthMethod.biometric => AuthMethod.biometric,
      rust.AuthMethod.deviceCredential => AuthMethod.deviceCredential,
    };
