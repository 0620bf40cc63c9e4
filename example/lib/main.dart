// keybound example: status -> enrol with the backend -> authenticate a
// backend challenge -> the backend verifies the token (and refuses a replay).
//
// Backend: keybound-server serve --listen 0.0.0.0:8080 --audience keybound-example
// (add --allow-unattested for a device or emulator without key attestation).
// From the Android emulator the host's loopback is 10.0.2.2.
import 'dart:async';
import 'dart:convert';

import 'package:flutter/material.dart';
import 'package:http/http.dart' as http;
import 'package:keybound/keybound.dart';

import 'backend.dart';
import 'messages.dart';

void main() => runApp(const ExampleApp());

class ExampleApp extends StatelessWidget {
  const ExampleApp({super.key});

  @override
  Widget build(BuildContext context) => MaterialApp(
        title: 'keybound example',
        theme: ThemeData(colorSchemeSeed: Colors.indigo, useMaterial3: true),
        home: const HomePage(),
      );
}

class HomePage extends StatefulWidget {
  const HomePage({super.key});

  @override
  State<HomePage> createState() => _HomePageState();
}

class _HomePageState extends State<HomePage> {
  final _url = TextEditingController(text: 'http://10.0.2.2:8080');
  final _audience = TextEditingController(text: 'keybound-example');
  BiometricStatus? _status;
  String? _lastToken;
  bool _busy = false;
  final List<String> _log = [];
  // One HTTP client for the screen's lifetime, closed in dispose.
  final _http = http.Client();

  Backend get _backend => Backend(_url.text.trim(), client: _http);

  @override
  void initState() {
    super.initState();
    _refreshStatus();
  }

  @override
  void dispose() {
    // Leaving the screen ends a prompt that is still showing. Not awaited
    // here; ignore() keeps a failure from surfacing as an unhandled error.
    Biometric.cancel().ignore();
    _http.close();
    _url.dispose();
    _audience.dispose();
    super.dispose();
  }

  void _say(String line) {
    if (mounted) setState(() => _log.insert(0, line));
  }

  /// Runs [action] with the buttons disabled; every failure becomes a line
  /// for the user (keybound errors through [userMessage]).
  Future<void> _run(String name, Future<void> Function() action) async {
    if (_busy) return;
    setState(() => _busy = true);
    try {
      await action();
    } on BiometricException catch (e) {
      _say('$name: ${userMessage(e)}  [${e.code.name}]');
    } on BackendException catch (e) {
      _say('$name: backend refused: ${e.error} (HTTP ${e.status})');
    } finally {
      if (mounted) setState(() => _busy = false);
    }
    await _refreshStatus();
  }

  Future<void> _refreshStatus() async {
    try {
      final status = await Biometric.status();
      if (mounted) setState(() => _status = status);
    } on BiometricException catch (e) {
      _say('status: ${userMessage(e)}  [${e.code.name}]');
    }
  }

  Future<void> _enroll() => _run('enrol', () async {
        final backend = _backend;
        final nonce = await backend.newChallenge();
        final registration = await Biometric.enroll(
          attestationChallenge: utf8.encode(nonce),
        );
        final registered = await backend.registerKey(nonce, registration);
        _say('enrolled: key ${registration.keyId}, '
            '${registration.securityLevel.name}, '
            '${registration.attestationChain.length} certificates; '
            'backend registered $registered');
      });

  Future<void> _authenticate() => _run('authenticate', () async {
        final backend = _backend;
        final nonce = await backend.newChallenge();
        final result = await Biometric.authenticate(
          challenge: nonce,
          audience: _audience.text.trim(),
          prompt: const PromptText(
            title: 'Sign in to keybound example',
            subtitle: 'Confirm it is you',
            negativeButton: 'Cancel',
          ),
        );
        _lastToken = result.token;
        final verdict = await backend.verify(result.token);
        _say(verdict.valid
            ? 'verified by the backend: key ${verdict.kid}, '
                'auth ${verdict.claims?['auth']}, '
                'expires ${result.expiresAt.toLocal()}'
            : 'backend refused the token: ${verdict.error}');
      });

  Future<void> _replay() => _run('replay', () async {
        final token = _lastToken;
        if (token == null) {
          _say('replay: authenticate first');
          return;
        }
        final verdict = await _backend.verify(token);
        _say(verdict.valid
            ? 'replay ACCEPTED: the backend should have refused it'
            : 'replay refused as expected: ${verdict.error}');
      });

  Future<void> _deleteKey() => _run('delete', () async {
        final existed = await Biometric.deleteKey();
        _lastToken = null;
        _say(existed
            ? 'key deleted on this device (tell the backend too)'
            : 'there was no key on this device');
      });

  @override
  Widget build(BuildContext context) {
    final status = _status;
    final ready = status != null && status.supported && status.class3Available;
    final enrolled = status?.keyEnrolled ?? false;
    return Scaffold(
      appBar: AppBar(title: const Text('keybound example')),
      body: ListView(
        padding: const EdgeInsets.all(16),
        children: [
          TextField(
            controller: _url,
            decoration: const InputDecoration(labelText: 'Backend URL'),
            keyboardType: TextInputType.url,
          ),
          TextField(
            controller: _audience,
            decoration: const InputDecoration(
                labelText: 'Audience (the backend\'s --audience)'),
          ),
          const SizedBox(height: 16),
          Text(status == null ? 'Checking the device...' : _describe(status)),
          const SizedBox(height: 16),
          Wrap(
            spacing: 8,
            runSpacing: 8,
            children: [
              FilledButton(
                onPressed: _busy || !ready ? null : _enroll,
                child: Text(enrolled ? 'Enrol again' : 'Enrol'),
              ),
              FilledButton(
                onPressed: _busy || !enrolled ? null : _authenticate,
                child: const Text('Authenticate'),
              ),
              OutlinedButton(
                onPressed: _busy || _lastToken == null ? null : _replay,
                child: const Text('Replay last token'),
              ),
              OutlinedButton(
                onPressed: _busy || !enrolled ? null : _deleteKey,
                child: const Text('Delete key'),
              ),
              OutlinedButton(
                onPressed: _refreshStatus,
                child: const Text('Refresh status'),
              ),
            ],
          ),
          const Divider(height: 32),
          for (final line in _log)
            Padding(
              padding: const EdgeInsets.only(bottom: 8),
              child: Text(line),
            ),
        ],
      ),
    );
  }

  static String _describe(BiometricStatus s) {
    if (!s.supported) return 'This device is too old for keybound (Android 9+).';
    final lines = <String>[
      'Android API ${s.apiLevel}',
      'Class 3 biometrics: ${s.class3Available ? 'available' : 'not available'}'
          '${s.hardwarePresent ? '' : ' (no sensor)'}'
          '${s.hardwarePresent && !s.biometricsEnrolled ? ' (none enrolled)' : ''}',
      'Screen lock: ${s.deviceSecure ? 'set' : 'not set'}',
      'StrongBox: ${s.strongBoxPresent ? 'yes' : 'no'}',
      'Screen lock as fallback: ${s.deviceCredentialFallback ? 'possible' : 'no'}',
      'keybound key: ${s.keyEnrolled ? 'enrolled' : 'none'}',
    ];
    return lines.join('\n');
  }
}
