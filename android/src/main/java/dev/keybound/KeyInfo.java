package dev.keybound;

/** A key just created: its public key, attestation chain and security level. */
public final class KeyInfo {
    /** Software-backed (never expected on a real device). */
    public static final int LEVEL_SOFTWARE = 0;
    /** Trusted Execution Environment. */
    public static final int LEVEL_TEE = 1;
    /** StrongBox secure element. */
    public static final int LEVEL_STRONGBOX = 2;

    private final byte[] publicKeySpki;
    private final byte[][] attestationChain;
    private final int securityLevel;

    /**
     * @param publicKeySpki X.509 SubjectPublicKeyInfo DER
     * @param attestationChain DER certificates, leaf first
     * @param securityLevel one of the LEVEL_ constants
     */
    public KeyInfo(byte[] publicKeySpki, byte[][] attestationChain, int securityLevel) {
        this.publicKeySpki = publicKeySpki.clone();
        this.attestationChain = new byte[attestationChain.length][];
        for (int i = 0; i < attestationChain.length; i++) {
            this.attestationChain[i] = attestationChain[i].clone();
        }
        this.securityLevel = securityLevel;
    }

    /** X.509 SubjectPublicKeyInfo DER. */
    public byte[] publicKeySpki() {
        return publicKeySpki.clone();
    }

    /** DER certificates, leaf first. */
    public byte[][] attestationChain() {
        byte[][] copy = new byte[attestationChain.length][];
        for (int i = 0; i < attestationChain.length; i++) {
            copy[i] = attestationChain[i].clone();
        }
        return copy;
    }

    /** One of the LEVEL_ constants. */
    public int securityLevel() {
        return securityLevel;
    }
}
