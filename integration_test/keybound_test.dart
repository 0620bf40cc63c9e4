// On-device tests of keybound. They need a real Android device or emulator
// (the Rust core, JNI bridge, AndroidKeyStore and BiometricPrompt all run for
// real); nothing here runs on the development host.
//
// Run from the example app, which hosts the plugin on Android:
//   cd example && flutter test integration_test
// Preconditions: Android 9 (API 28)+, a screen lock and a Class 3 biometric
// enrolled (emulator: Settings > Security > Fingerprint, then
// `adb -e emu finger touch 1` when a prompt asks). Tests that need a finger
// on the sensor are skipped unless enabled:
//   cd example && flutter test integration_test --dart-define=KEYBOUND_HUMAN=true
import 'dart:convert';
import 'dart:typed_data';

import 'package:flutter_test/flutter_test.dart';
import 'package:integration_test/integration_test.dart';
import 'package:keybound/keybound.dart';
// ignore: implementation_imports
import 'package:keybound/src/runtime.dart' show platformChannel;

import 'jws.dart';

/// Someone will touch the sensor when a prompt shows.
const bool humanPresent = bool.fromEnvironment('KEYBOUND_HUMAN');

const PromptText testPrompt = PromptText(
  title: 'keybound integration test',
  subtitle: 'Touch the sensor',
  negativeButton: 'Cancel',
);
const String audience = 'https://keybound.test';

int _counter = 0;

/// A fresh alias per test, so tests never see each other's keys.
String freshAlias(String name) =>
    'it_${name}_${DateTime.now().microsecondsSinceEpoch}_${_counter++}';

Uint8List bytes(String text) => Uint8List.fromList(utf8.encode(text));

/// Fails with a readable reason when the device cannot hold a key at all.
Future<BiometricStatus> requireBiometricDevice() async {
  final status = await Biometric.status();
  if (!status.supported || !status.class3Available) {
    fail('this test needs Android 9+ with a Class 3 biometric enrolled; '
        'status: $status');
  }
  return status;
}

/// Enrols a key under [alias] and deletes it when the test ends.
Future<KeyRegistration> enrollForTest(String alias) async {
  addTearDown(() => Biometric.deleteKey(alias: alias));
  return Biometric.enroll(
    alias: alias,
    attestationChallenge: bytes('challenge-$alias'),
  );
}

/// Awaits [future] and returns its BiometricException; fails otherwise.
Future<BiometricException> caught(Future<Object?> future) async {
  try {
    final value = await future;
    fail('expected a BiometricException, got $value');
  } on BiometricException catch (e) {
    return e;
  }
}

/// The outcome of a call started without awaiting it: its value or error,
/// captured at once so no error goes unhandled.
Future<Object?> outcomeOf(Future<Object?> future) =>
    future.then<Object?>((value) => value, onError: (Object e) => e);

Matcher invalidArgumentNaming(String field) => isA<BiometricException>()
    .having((e) => e.code, 'code', BiometricErrorCode.invalidArgument)
    .having((e) => e.message, 'message', startsWith('$field:'));

void main() {
  IntegrationTestWidgetsFlutterBinding.ensureInitialized();

  testWidgets('status is self-consistent and needs no init call',
      (tester) async {
    // The first call of the test run: the runtime initialises itself.
    final status = await Biometric.status();
    final api = status.apiLevel;
    expect(api, isNotNull, reason: 'Android always reports its API level');
    expect(status.supported, api! >= 28);
    if (status.deviceCredentialFallback) {
      expect(status.deviceSecure, isTrue);
      expect(api, greaterThanOrEqualTo(30));
    }
    if (status.biometricsEnrolled) {
      // Android refuses biometric enrolment without a screen lock.
      expect(status.deviceSecure, isTrue);
      expect(status.hardwarePresent, isTrue);
    }
    if (api >= 30 && status.class3Available) {
      // canAuthenticate(BIOMETRIC_STRONG) succeeds only with hardware and an
      // enrolled strong biometric.
      expect(status.hardwarePresent, isTrue);
      expect(status.biometricsEnrolled, isTrue);
    }
    if (!status.supported) {
      expect(status.class3Available, isFalse);
    }
    // Nobody enrolled a key under a fresh alias.
    final fresh = await Biometric.status(alias: freshAlias('status'));
    expect(fresh.keyEnrolled, isFalse);
    // Asking again changes nothing (the device did not change meanwhile).
    expect(await Biometric.status(alias: freshAlias('status')), fresh);
  });

  testWidgets('enroll returns a P-256 JWK, its thumbprint and a DER chain',
      (tester) async {
    final status = await requireBiometricDevice();
    final alias = freshAlias('enroll');
    final registration = await enrollForTest(alias);

    expect(registration.alias, alias);
    final jwk = jsonDecode(registration.publicKeyJwk) as Map<String, dynamic>;
    expect(jwk['kty'], 'EC');
    expect(jwk['crv'], 'P-256');
    expect(jwk.containsKey('d'), isFalse, reason: 'no private key material');
    expect(decodeSegment(jwk['x'] as String), hasLength(32));
    expect(decodeSegment(jwk['y'] as String), hasLength(32));
    expect(registration.keyId, jwkThumbprint(registration.publicKeyJwk));

    expect(registration.attestationChain, isNotEmpty);
    for (final der in registration.attestationChain) {
      expect(der.first, 0x30, reason: 'a DER certificate is a SEQUENCE');
      expect(der.length, greaterThan(100));
    }
    if (!status.strongBoxPresent) {
      expect(registration.securityLevel, isNot(KeySecurityLevel.strongBox));
    }
    expect((await Biometric.status(alias: alias)).keyEnrolled, isTrue);
  });

  testWidgets('bad arguments fail with invalidArgument naming the field',
      (tester) async {
    final alias = freshAlias('args');
    final cases = <String, Future<Object?> Function()>{
      'alias (empty)': () => Biometric.status(alias: ''),
      'alias (65 chars)': () => Biometric.status(alias: 'a' * 65),
      'alias (space)': () => Biometric.deleteKey(alias: 'a b'),
      'attestation_challenge (empty)': () =>
          Biometric.enroll(alias: alias, attestationChallenge: Uint8List(0)),
      'attestation_challenge (129 bytes)': () =>
          Biometric.enroll(alias: alias, attestationChallenge: Uint8List(129)),
      'challenge (empty)': () => Biometric.authenticate(
          alias: alias, challenge: '', audience: audience, prompt: testPrompt),
      'challenge (257 chars)': () => Biometric.authenticate(
          alias: alias,
          challenge: 'c' * 257,
          audience: audience,
          prompt: testPrompt),
      'audience (empty)': () => Biometric.authenticate(
          alias: alias, challenge: 'n', audience: '', prompt: testPrompt),
      'prompt.title (empty)': () => Biometric.authenticate(
          alias: alias,
          challenge: 'n',
          audience: audience,
          prompt: const PromptText(title: '', negativeButton: 'Cancel')),
      'prompt.title (101 chars)': () => Biometric.authenticate(
          alias: alias,
          challenge: 'n',
          audience: audience,
          prompt: PromptText(title: 't' * 101, negativeButton: 'Cancel')),
      'prompt.subtitle (101 chars)': () => Biometric.authenticate(
          alias: alias,
          challenge: 'n',
          audience: audience,
          prompt: PromptText(
              title: 't', subtitle: 's' * 101, negativeButton: 'Cancel')),
      'prompt.description (501 chars)': () => Biometric.authenticate(
          alias: alias,
          challenge: 'n',
          audience: audience,
          prompt: PromptText(
              title: 't', description: 'd' * 501, negativeButton: 'Cancel')),
      'prompt.negative_button (empty)': () => Biometric.authenticate(
          alias: alias,
          challenge: 'n',
          audience: audience,
          prompt: const PromptText(title: 't', negativeButton: '')),
      'prompt.negative_button (41 chars)': () => Biometric.authenticate(
          alias: alias,
          challenge: 'n',
          audience: audience,
          prompt: PromptText(title: 't', negativeButton: 'n' * 41)),
      'transaction (empty)': () => Biometric.authenticate(
          alias: alias,
          challenge: 'n',
          audience: audience,
          prompt: testPrompt,
          transaction: Uint8List(0)),
      'transaction (64 KiB + 1)': () => Biometric.authenticate(
          alias: alias,
          challenge: 'n',
          audience: audience,
          prompt: testPrompt,
          transaction: Uint8List(64 * 1024 + 1)),
      'ttl_seconds (0 s)': () => Biometric.authenticate(
          alias: alias,
          challenge: 'n',
          audience: audience,
          prompt: testPrompt,
          ttl: Duration.zero),
      'ttl_seconds (301 s)': () => Biometric.authenticate(
          alias: alias,
          challenge: 'n',
          audience: audience,
          prompt: testPrompt,
          ttl: const Duration(seconds: 301)),
      'ttl_seconds (1.5 s, not rounded)': () => Biometric.authenticate(
          alias: alias,
          challenge: 'n',
          audience: audience,
          prompt: testPrompt,
          ttl: const Duration(milliseconds: 1500)),
      'ttl_seconds (negative)': () => Biometric.authenticate(
          alias: alias,
          challenge: 'n',
          audience: audience,
          prompt: testPrompt,
          ttl: const Duration(seconds: -5)),
    };
    for (final entry in cases.entries) {
      final field = entry.key.split(' ').first;
      final error = await caught(entry.value());
      expect(error, invalidArgumentNaming(field), reason: entry.key);
    }
    // Nothing was created by the rejected calls.
    expect((await Biometric.status(alias: alias)).keyEnrolled, isFalse);
  });

  testWidgets('a second authenticate while one is pending fails with '
      'inProgress', (tester) async {
    await requireBiometricDevice();
    final alias = freshAlias('busy');
    await enrollForTest(alias);

    final first = outcomeOf(Biometric.authenticate(
        alias: alias, challenge: 'first', audience: audience, prompt: testPrompt));
    await Future<void>.delayed(const Duration(milliseconds: 500));
    final second = await caught(Biometric.authenticate(
        alias: alias, challenge: 'second', audience: audience, prompt: testPrompt));
    expect(second.code, BiometricErrorCode.inProgress);

    // The refused call did not disturb the pending one: it ends only now.
    await Biometric.cancel();
    final outcome = await first.timeout(const Duration(seconds: 10));
    expect(outcome, isA<BiometricException>());
  });

  testWidgets('cancel() ends the pending authenticate with userCanceled',
      (tester) async {
    await requireBiometricDevice();
    final alias = freshAlias('cancel');
    await enrollForTest(alias);

    final pending = outcomeOf(Biometric.authenticate(
        alias: alias, challenge: 'c1', audience: audience, prompt: testPrompt));
    await Future<void>.delayed(const Duration(milliseconds: 500));
    await Biometric.cancel();
    final outcome = await pending.timeout(const Duration(seconds: 10));
    expect(
      outcome,
      isA<BiometricException>()
          .having((e) => e.code, 'code', BiometricErrorCode.userCanceled),
    );

    // The slot is free again: a new prompt is not refused as inProgress.
    final again = outcomeOf(Biometric.authenticate(
        alias: alias, challenge: 'c2', audience: audience, prompt: testPrompt));
    await Future<void>.delayed(const Duration(milliseconds: 500));
    await Biometric.cancel();
    final againOutcome = await again.timeout(const Duration(seconds: 10));
    expect(
      againOutcome,
      isA<BiometricException>()
          .having((e) => e.code, 'code', BiometricErrorCode.userCanceled),
    );
  });

  testWidgets('the plugin\'s platform channel says nothing is unavailable '
      'when the library loaded', (tester) async {
    await Biometric.status();
    // The channel Dart asks only after a failed load (PlatformChannel.java):
    // with the library loaded, its answer is null and Rust answers the rest.
    expect(await platformChannel.invokeMethod<Object?>('unavailable'), isNull);
  });

  testWidgets('cancel() with nothing pending does nothing', (tester) async {
    await Biometric.cancel();
    await Biometric.cancel();
  });

  testWidgets('deleteKey then authenticate fails with keyNotFound',
      (tester) async {
    await requireBiometricDevice();
    final alias = freshAlias('delete');
    await enrollForTest(alias);
    expect((await Biometric.status(alias: alias)).keyEnrolled, isTrue);

    expect(await Biometric.deleteKey(alias: alias), isTrue);
    expect((await Biometric.status(alias: alias)).keyEnrolled, isFalse);
    // Deleting again is not an error; it reports that nothing was there.
    expect(await Biometric.deleteKey(alias: alias), isFalse);

    final error = await caught(Biometric.authenticate(
        alias: alias, challenge: 'n', audience: audience, prompt: testPrompt));
    expect(error.code, BiometricErrorCode.keyNotFound);
  });

  testWidgets('authenticate without any key fails with keyNotFound',
      (tester) async {
    final error = await caught(Biometric.authenticate(
        alias: freshAlias('none'),
        challenge: 'n',
        audience: audience,
        prompt: testPrompt));
    // On a device that cannot do keybound at all, that comes first.
    expect(error.code,
        anyOf(BiometricErrorCode.keyNotFound, BiometricErrorCode.unsupported));
  });

  testWidgets('a token follows docs/token-format.md (touch the sensor)',
      skip: !humanPresent, (tester) async {
    await requireBiometricDevice();
    final alias = freshAlias('token');
    final registration = await enrollForTest(alias);
    final transaction = bytes('{"amount":"120.00","to":"alice"}');
    const challenge = 'server-challenge-0123456789';
    final before = DateTime.now().toUtc();

    final result = await Biometric.authenticate(
      alias: alias,
      challenge: challenge,
      audience: audience,
      prompt: testPrompt,
      transaction: transaction,
      ttl: const Duration(seconds: 120),
    );

    expect(result.keyId, registration.keyId);
    expect(result.authMethod, AuthMethod.biometric);
    expect(utf8.encode(result.token).length, lessThanOrEqualTo(4096));
    final jws = ParsedJws.parse(result.token);
    expect(jws.header,
        {'alg': 'ES256', 'typ': 'keybound+jwt', 'kid': registration.keyId});
    expect(jws.signature, hasLength(64), reason: 'r || s, not DER');

    final claims = jws.claims;
    expect(claims['aud'], audience);
    expect(claims['nonce'], challenge);
    expect(claims['iat'], isA<int>());
    expect(claims['exp'], isA<int>());
    final iat = claims['iat'] as int;
    final exp = claims['exp'] as int;
    expect(exp - iat, 120);
    expect((iat - before.millisecondsSinceEpoch ~/ 1000).abs(),
        lessThanOrEqualTo(120));
    expect(result.expiresAt,
        DateTime.fromMillisecondsSinceEpoch(exp * 1000, isUtc: true));
    expect(claims['jti'], matches(RegExp(r'^[A-Za-z0-9_-]{16,64}$')));
    expect(claims['auth'], 'biometric');
    expect(claims['txn'], transactionHash(transaction));
    expect(
      claims.keys.toSet().difference(
          {'aud', 'nonce', 'iat', 'exp', 'jti', 'auth', 'txn'}),
      isEmpty,
    );
  });

  testWidgets('two tokens never share a jti (touch the sensor twice)',
      skip: !humanPresent, (tester) async {
    await requireBiometricDevice();
    final alias = freshAlias('jti');
    await enrollForTest(alias);
    final jtis = <Object?>{};
    for (final challenge in ['one', 'two']) {
      final result = await Biometric.authenticate(
          alias: alias,
          challenge: challenge,
          audience: audience,
          prompt: testPrompt);
      final claims = ParsedJws.parse(result.token).claims;
      expect(claims.containsKey('txn'), isFalse, reason: 'no transaction');
      jtis.add(claims['jti']);
    }
    expect(jtis, hasLength(2));
  });

  testWidgets('the negative button ends with userCanceled (press Cancel)',
      skip: !humanPresent, (tester) async {
    await requireBiometricDevice();
    final alias = freshAlias('negative');
    await enrollForTest(alias);
    final error = await caught(Biometric.authenticate(
      alias: alias,
      challenge: 'n',
      audience: audience,
      prompt: const PromptText(
          title: 'Press Cancel (do not touch the sensor)',
          negativeButton: 'Cancel'),
    ));
    expect(error.code, BiometricErrorCode.userCanceled);
  });

  // Issue 10, defect 3: only a device shows that a real split-screen or
  // notification shade pauses the Activity without hiding the prompt.
  testWidgets('pulling down the notification shade keeps the prompt '
      '(pull it down, close it, then touch the sensor)',
      skip: !humanPresent, (tester) async {
    await requireBiometricDevice();
    final alias = freshAlias('paused');
    await enrollForTest(alias);
    final result = await Biometric.authenticate(
      alias: alias,
      challenge: 'paused',
      audience: audience,
      prompt: const PromptText(
          title: 'Pull down the notification shade, close it, then touch',
          negativeButton: 'Cancel'),
    );
    expect(result.token.split('.'), hasLength(3));
  });

  // Issue 10, defect 3: going home (onStop) ends the prompt.
  testWidgets('pressing Home during the prompt ends it with systemCanceled '
      '(press Home, then come back)', skip: !humanPresent, (tester) async {
    await requireBiometricDevice();
    final alias = freshAlias('stopped');
    await enrollForTest(alias);
    final error = await caught(Biometric.authenticate(
      alias: alias,
      challenge: 'stopped',
      audience: audience,
      prompt: const PromptText(
          title: 'Press Home, then return to the app',
          negativeButton: 'Cancel'),
    ));
    expect(error.code, BiometricErrorCode.systemCanceled);
  });
}
