// Helpers for reading a keybound token in tests (docs/token-format.md). Not a
// verifier: the signature is checked by the backend, never here.
import 'dart:convert';
import 'dart:typed_data';

import 'package:crypto/crypto.dart' show sha256;

final RegExp _base64UrlNoPad = RegExp(r'^[A-Za-z0-9_-]+$');

/// Decodes one base64url segment that must have no padding.
Uint8List decodeSegment(String segment) {
  if (!_base64UrlNoPad.hasMatch(segment)) {
    throw FormatException('not unpadded base64url', segment);
  }
  return base64Url.decode(base64Url.normalize(segment));
}

/// Base64url without padding.
String encodeNoPad(List<int> bytes) =>
    base64Url.encode(bytes).replaceAll('=', '');

/// The parts of a compact JWS.
class ParsedJws {
  ParsedJws._(this.header, this.claims, this.signature);

  /// Splits and decodes [token]; throws [FormatException] when it is not
  /// three unpadded base64url segments of JSON object, JSON object, bytes.
  factory ParsedJws.parse(String token) {
    final parts = token.split('.');
    if (parts.length != 3) {
      throw FormatException('expected 3 segments, got ${parts.length}');
    }
    final header = jsonDecode(utf8.decode(decodeSegment(parts[0])));
    final claims = jsonDecode(utf8.decode(decodeSegment(parts[1])));
    if (header is! Map<String, dynamic> || claims is! Map<String, dynamic>) {
      throw const FormatException('header and payload must be JSON objects');
    }
    return ParsedJws._(header, claims, decodeSegment(parts[2]));
  }

  /// The protected header.
  final Map<String, dynamic> header;

  /// The payload.
  final Map<String, dynamic> claims;

  /// The signature bytes (r || s for ES256).
  final Uint8List signature;
}

/// The RFC 7638 thumbprint of a P-256 JWK (JSON text), base64url.
String jwkThumbprint(String jwkJson) {
  final jwk = jsonDecode(jwkJson) as Map<String, dynamic>;
  final canonical = '{"crv":"${jwk['crv']}","kty":"${jwk['kty']}",'
      '"x":"${jwk['x']}","y":"${jwk['y']}"}';
  return encodeNoPad(sha256.convert(utf8.encode(canonical)).bytes);
}

/// The token's `txn` for [transaction]: base64url SHA-256.
String transactionHash(List<int> transaction) =>
    encodeNoPad(sha256.convert(transaction).bytes);
