package dev.keybound;

/**
 * The Rust session, driven from a JVM test: natives exported by
 * {@code libkeybound.so} built with the cargo feature {@code jni-test-driver}
 * (rust/keybound/src/jni/test_driver.rs). Each start returns at once; the
 * outcome is read with {@link #poll} ("" while the operation runs).
 */
final class RustSessionDriver {
    private RustSessionDriver() {}

    /** Enrols a key under {@code alias}: outcome {@code ok:<public key JWK>} or {@code error:...}. */
    static native void startEnroll(String alias, byte[] attestationChallenge);

    /**
     * Authenticates with the enrolled key: outcome {@code ok:<token>} once
     * Rust's verifier accepted the token with the enrolled key for this
     * audience and challenge, {@code unverified:...} or {@code error:<code>:<platform code>}.
     */
    static native void startAuthenticate(String alias, String audience, String challenge);

    static native String poll();
}
