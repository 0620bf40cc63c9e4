import 'dart:typed_data';

import 'biometric_exception.dart';
import 'runtime.dart';
import 'rust/api/keybound.dart' as rust_api;
import 'rust/api/types.dart' as rust;
import 'types.dart';

/// Biometric authentication bound to a hardware key.
///
/// The flow: [status] tells whether the device can do it; [enroll] creates a
/// P-256 key in the Android Keystore that only a Class 3 biometric can
/// unlock, and returns what your backend needs to register it; each
/// [authenticate] shows the system prompt, lets the unlocked key sign your
/// backend's one-time challenge, and returns a short-lived token for the
/// backend to verify. Biometrics never come back as a bare `true`.
///
/// Every method initialises the native runtime on first use (there is no
/// init call to make) and throws only [BiometricException].
///
/// ```dart
/// final status = await Biometric.status();
/// if (status.supported && status.class3Available) {
///   final nonce = await backend.newChallenge();
///   final token = await Biometric.authenticate(
///     challenge: nonce,
///     audience: 'https://api.example.com',
///     prompt: const PromptText(title: 'Sign in', negativeButton: 'Cancel'),
///   );
///   await backend.verify(token.token);
/// }
/// ```
abstract final class Biometric {
  /// The alias used when none is given.
  static const String defaultAlias = 'default';

  /// The token lifetime used when none is given.
  static const Duration defaultTtl = Duration(seconds: 60);

  /// The enrol check: whether this device can do Class 3 biometrics, whether
  /// they are enrolled, whether a screen lock is set, whether it has
  /// StrongBox, whether device credential can stand in for a biometric, and
  /// whether a keybound key exists under [alias] (default `'default'`).
  ///
  /// Shows nothing to the user. On Android below 9 (API 28) it still answers,
  /// with [BiometricStatus.supported] `false`.
  ///
  /// Throws [BiometricException]: `invalidArgument` for a bad [alias] (1 to
  /// 64 of `A-Z a-z 0-9 _ . -`), `platformError` when the native library
  /// cannot be loaded.
  ///
  /// ```dart
  /// final status = await Biometric.status();
  /// final canUse = status.supported && status.class3Available;
  /// ```
  static Future<BiometricStatus> status({String alias = defaultAlias}) =>
      guard(() async => statusFromRust(await rust_api.status(alias: alias)));

  /// Creates a new P-256 hardware key under [alias] that a Class 3 biometric
  /// must unlock for every signature, and returns its key id, public key
  /// (JWK JSON), attestation chain and security level. Send these to your
  /// backend.
  ///
  /// * [attestationChallenge]: your backend's one-time registration nonce
  ///   (1 to 128 bytes; e.g. `utf8.encode(nonce)`); the attestation
  ///   certificate carries it, so the backend knows the key is fresh.
  /// * [alias]: which key, 1 to 64 of `A-Z a-z 0-9 _ . -` (default
  ///   `'default'`).
  /// * [allowDeviceCredential]: let the screen lock unlock the key too
  ///   (Android 11, API 30, or newer; default `false`).
  /// * [preferStrongBox]: create the key in the StrongBox secure element when
  ///   the device has one, in the TEE otherwise (default `true`);
  ///   [KeyRegistration.securityLevel] says where it went.
  ///
  /// The key is invalidated when biometrics are added or removed: a later
  /// [authenticate] then throws `keyInvalidated`. Shows nothing to the user.
  ///
  /// Throws [BiometricException]: `invalidArgument` (naming `alias` or
  /// `attestation_challenge`), `inProgress` (a prompt or another key
  /// operation is running), `unsupported`, `noHardware`, `notEnrolled`,
  /// `hardwareUnavailable`, `noDeviceCredential` (with
  /// [allowDeviceCredential] and no screen lock), `platformError`.
  ///
  /// ```dart
  /// final nonce = await backend.newChallenge();
  /// final registration = await Biometric.enroll(
  ///   attestationChallenge: utf8.encode(nonce),
  /// );
  /// await backend.registerKey(nonce, registration.attestationChain);
  /// ```
  static Future<KeyRegistration> enroll({
    required Uint8List attestationChallenge,
    String alias = defaultAlias,
    bool allowDeviceCredential = false,
    bool preferStrongBox = true,
  }) =>
      guard(() async => registrationFromRust(await rust_api.enroll(
            options: rust.EnrollOptions(
              alias: alias,
              attestationChallenge: attestationChallenge,
              allowDeviceCredential: allowDeviceCredential,
              preferStrongBox: preferStrongBox,
            ),
          )));

  /// Shows the system biometric prompt; when the user passes it, the key
  /// under [alias] signs a token for [challenge] and [audience], which this
  /// returns. Send [BiometricToken.token] to your backend.
  ///
  /// * [challenge]: your backend's one-time challenge (the token's `nonce`),
  ///   1 to 256 characters.
  /// * [audience]: who the token is for (its `aud`), 1 to 256 characters;
  ///   the backend checks it byte for byte.
  /// * [prompt]: the text of the system prompt.
  /// * [transaction]: optional bytes to bind to the token (e.g. the
  ///   canonical payment details); the token's `txn` claim is their SHA-256.
  ///   1 to 65536 bytes when given.
  /// * [alias]: which key (default `'default'`), as given to [enroll].
  /// * [allowDeviceCredential]: let the user use the screen lock instead
  ///   (Android 11, API 30, or newer, and a key enrolled with
  ///   `allowDeviceCredential: true`; default `false`).
  /// * [ttl]: the token lifetime, whole seconds from 1 to 300 (default 60
  ///   seconds). Not rounded: a [Duration] with a fraction of a second is
  ///   rejected.
  ///
  /// Only one prompt runs at a time: a second call while one is pending
  /// throws `inProgress`, and [cancel] ends the pending one.
  ///
  /// Throws [BiometricException]: `invalidArgument` naming the field
  /// (`alias`, `challenge`, `audience`, `prompt.title`, `prompt.subtitle`,
  /// `prompt.description`, `prompt.negative_button`, `transaction`,
  /// `ttl_seconds`), `inProgress`, `userCanceled`, `systemCanceled`,
  /// `timeout`, `lockedOut` and `coolingDown` (with
  /// [BiometricException.retryAfter]), `lockedOutPermanent`, `keyNotFound`,
  /// `keyInvalidated`, `notEnrolled`, `unsupported`, and the other codes of
  /// [BiometricErrorCode].
  ///
  /// ```dart
  /// final token = await Biometric.authenticate(
  ///   challenge: nonce,
  ///   audience: 'https://api.example.com',
  ///   prompt: const PromptText(
  ///     title: 'Confirm transfer',
  ///     subtitle: '120.00 EUR to Alice',
  ///     negativeButton: 'Cancel',
  ///   ),
  ///   transaction: utf8.encode(canonicalTransfer),
  /// );
  /// ```
  static Future<BiometricToken> authenticate({
    required String challenge,
    required String audience,
    required PromptText prompt,
    Uint8List? transaction,
    String alias = defaultAlias,
    bool allowDeviceCredential = false,
    Duration ttl = defaultTtl,
  }) =>
      guard(() async {
        final request = rust.AuthenticateRequest(
          alias: alias,
          challenge: challenge,
          audience: audience,
          prompt: promptToRust(prompt),
          transaction: transaction,
          allowDeviceCredential: allowDeviceCredential,
          ttlSeconds: ttlSeconds(ttl),
        );
        return tokenFromRust(await rust_api.authenticate(request: request));
      });

  /// Ends the pending [authenticate], if any: its prompt closes and its
  /// future fails with `userCanceled`. Does nothing when no prompt is
  /// showing.
  ///
  /// Throws [BiometricException] only if the native library cannot be
  /// loaded (`platformError`).
  ///
  /// ```dart
  /// @override
  /// void dispose() {
  ///   // Not awaited in dispose; ignore() (dart:async) also drops a load
  ///   // failure.
  ///   Biometric.cancel().ignore();
  ///   super.dispose();
  /// }
  /// ```
  static Future<void> cancel() => guard(() => rust_api.cancel());

  /// Deletes the key under [alias] (default `'default'`) and returns
  /// whether there was one: `false` means no key existed, which is not an
  /// error. Tell your backend to forget the key as well.
  ///
  /// Throws [BiometricException]: `invalidArgument` for a bad [alias],
  /// `inProgress` while a prompt or another key operation is running,
  /// `platformError`.
  ///
  /// ```dart
  /// final existed = await Biometric.deleteKey();
  /// // The backend forgets it either way (keybound deletes an invalidated
  /// // key itself, so `existed` can be false for a registered key).
  /// await backend.forgetKey(registration.keyId);
  /// ```
  static Future<bool> deleteKey({String alias = defaultAlias}) =>
      guard(() => rust_api.deleteKey(alias: alias));
}

/// [ttl] in whole seconds for Rust, which checks the range 1..=300 itself.
///
/// A [Duration] with a fraction of a second, or one that does not fit the
/// unsigned 32-bit field, is rejected here with Rust's code and field name
/// rather than rounded or wrapped. Not exported.
int ttlSeconds(Duration ttl) {
  if (ttl.inMicroseconds % Duration.microsecondsPerSecond != 0) {
    throw invalidArgument(
      'ttl_seconds',
      'must be a whole number of seconds between 1 and 300 '
          '(got ${ttl.inMicroseconds} microseconds)',
    );
  }
  final seconds = ttl.inSeconds;
  if (seconds < 0 || seconds > 0xFFFFFFFF) {
    throw invalidArgument('ttl_seconds', 'must be between 1 and 300');
  }
  return seconds;
}
