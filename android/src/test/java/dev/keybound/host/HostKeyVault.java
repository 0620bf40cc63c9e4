package dev.keybound.host;

import dev.keybound.DeviceInfo;
import dev.keybound.KeyInfo;
import dev.keybound.KeyVault;
import dev.keybound.KeyVaultException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link KeyVault} on JDK EC keys (secp256r1) with Keystore semantics: the
 * Signature it hands out signs only after the {@link HostPrompter}
 * authorised that instance, once per authorisation. Also simulates
 * invalidation (a new enrolment) and a StrongBox that fails at key
 * generation (the vault then falls back to the TEE and says so).
 */
public final class HostKeyVault implements KeyVault {
    private static final class Entry {
        final KeyPair pair;
        final byte[][] chain;
        final int level;

        Entry(KeyPair pair, byte[][] chain, int level) {
            this.pair = pair;
            this.chain = chain;
            this.level = level;
        }
    }

    private final DeviceInfo device;
    private final AttestationCerts certs;
    private final Map<String, Entry> keys = new ConcurrentHashMap<>();
    private final Set<String> invalidated = ConcurrentHashMap.newKeySet();
    private volatile boolean strongBoxBroken;

    public HostKeyVault(DeviceInfo device) {
        this.device = device;
        try {
            this.certs = new AttestationCerts();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC support in this JDK", e);
        }
    }

    /** The attestation root (tests verify chains against it). */
    public AttestationCerts certs() {
        return certs;
    }

    /** Key generation in StrongBox throws (as StrongBoxUnavailableException would). */
    public void breakStrongBox(boolean broken) {
        strongBoxBroken = broken;
    }

    /** Simulates a new biometric enrolment: the key is dead at its next use. */
    public void invalidate(String alias) {
        invalidated.add(alias);
    }

    /** Aliases that exist now. */
    public Set<String> aliases() {
        return new HashSet<>(keys.keySet());
    }

    @Override
    public KeyInfo create(String alias, byte[] attestationChallenge, boolean allowDeviceCredential,
            boolean preferStrongBox) throws KeyVaultException {
        int level = KeyInfo.LEVEL_TEE;
        if (preferStrongBox && device.hasStrongBox() && !strongBoxBroken) {
            level = KeyInfo.LEVEL_STRONGBOX;
        }
        try {
            KeyPair pair = AttestationCerts.newP256();
            byte[][] chain = certs.chainFor(pair.getPublic(), attestationChallenge, level, allowDeviceCredential);
            keys.put(alias, new Entry(pair, chain, level));
            invalidated.remove(alias);
            return new KeyInfo(pair.getPublic().getEncoded(), chain, level);
        } catch (GeneralSecurityException e) {
            throw new KeyVaultException(KeyVaultException.FAILED, "key generation failed: " + e, e);
        }
    }

    @Override
    public Signature signatureFor(String alias) throws KeyVaultException {
        Entry e = live(alias);
        try {
            HostSignature s = new HostSignature();
            s.initSign(e.pair.getPrivate());
            return s;
        } catch (GeneralSecurityException ex) {
            throw new KeyVaultException(KeyVaultException.FAILED, "initSign failed: " + ex, ex);
        }
    }

    @Override
    public byte[] publicKey(String alias) throws KeyVaultException {
        return live(alias).pair.getPublic().getEncoded();
    }

    @Override
    public boolean exists(String alias) {
        return keys.containsKey(alias);
    }

    @Override
    public boolean delete(String alias) {
        invalidated.remove(alias);
        return keys.remove(alias) != null;
    }

    /** The security level of an existing key (tests). */
    public int levelOf(String alias) throws KeyVaultException {
        return live(alias).level;
    }

    private Entry live(String alias) throws KeyVaultException {
        if (invalidated.remove(alias)) {
            keys.remove(alias);
            throw new KeyVaultException(KeyVaultException.INVALIDATED,
                    "KeyPermanentlyInvalidatedException: key " + alias + " was invalidated and deleted");
        }
        Entry e = keys.get(alias);
        if (e == null) {
            throw new KeyVaultException(KeyVaultException.NOT_FOUND, "no key under " + alias);
        }
        return e;
    }
}
