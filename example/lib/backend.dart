import 'dart:convert';

import 'package:http/http.dart' as http;
import 'package:keybound/keybound.dart';

/// A failed backend call: HTTP status and the backend's error code, if any.
class BackendException implements Exception {
  BackendException(this.status, this.error);

  /// The HTTP status (0 when the backend could not be reached).
  final int status;

  /// The backend's error (e.g. `replayed`, `nonce_mismatch`) or a description.
  final String error;

  @override
  String toString() => 'backend $status: $error';
}

/// The verdict of `POST /v1/tokens/verify`.
class Verification {
  Verification({required this.valid, this.kid, this.claims, this.error});

  /// The backend accepted the token.
  final bool valid;

  /// The key that signed it (when valid).
  final String? kid;

  /// The verified claims (when valid).
  final Map<String, dynamic>? claims;

  /// Why it was refused (when not valid), e.g. `replayed`.
  final String? error;
}

/// The reference backend (`keybound-server serve`) over HTTP.
class Backend {
  Backend(this.baseUrl, {http.Client? client})
      : _client = client ?? http.Client();

  /// E.g. `http://10.0.2.2:8080`: the host's loopback seen from the emulator.
  final String baseUrl;
  final http.Client _client;

  Uri _uri(String path) => Uri.parse('$baseUrl$path');

  Future<Map<String, dynamic>> _post(String path, Object? body,
      {Set<int> accept = const {200, 201}}) async {
    final http.Response response;
    try {
      response = await _client
          .post(_uri(path),
              headers: {'content-type': 'application/json'},
              body: body == null ? null : jsonEncode(body))
          .timeout(const Duration(seconds: 10));
    } on Exception catch (e) {
      throw BackendException(0, 'cannot reach $baseUrl ($e)');
    }
    Map<String, dynamic> json;
    try {
      final Object? decoded = response.body.isEmpty
          ? <String, dynamic>{}
          : jsonDecode(response.body);
      // A JSON array or string is not a backend answer: keep it as text.
      json =
          decoded is Map<String, dynamic> ? decoded : {'error': response.body};
    } on FormatException {
      json = {'error': response.body};
    }
    if (!accept.contains(response.statusCode)) {
      throw BackendException(
          response.statusCode, '${json['error'] ?? response.reasonPhrase}');
    }
    return json;
  }

  /// `POST /v1/challenges`: a one-time nonce.
  Future<String> newChallenge() async {
    final json = await _post('/v1/challenges', <String, dynamic>{},
        accept: const {201});
    return json['nonce'] as String;
  }

  /// `POST /v1/keys`: registers an enrolled key. With an attestation chain
  /// the backend verifies it against Google's roots; without one (only a
  /// backend started with `--allow-unattested` accepts that) the JWK is sent.
  /// The account the key is registered for: your backend's user id (this
  /// example has a single demo user).
  static const userId = 'example-user';

  Future<String> registerKey(String nonce, KeyRegistration registration) async {
    final body = registration.attestationChain.isNotEmpty
        ? {
            'nonce': nonce,
            'userId': userId,
            'attestationChain': [
              for (final der in registration.attestationChain)
                base64Encode(der),
            ],
          }
        : {
            'nonce': nonce,
            'userId': userId,
            'jwk': jsonDecode(registration.publicKeyJwk),
          };
    final json = await _post('/v1/keys', body, accept: const {201});
    return '${json['kid']} (${json['securityLevel'] ?? 'unattested'})';
  }

  /// `POST /v1/tokens/verify`: 200 valid, 401 refused with a reason.
  Future<Verification> verify(String token) async {
    final json = await _post('/v1/tokens/verify', {'token': token},
        accept: const {200, 401});
    if (json['valid'] == true) {
      return Verification(
        valid: true,
        kid: json['kid'] as String?,
        claims: json['claims'] as Map<String, dynamic>?,
      );
    }
    return Verification(valid: false, error: '${json['error']}');
  }
}
