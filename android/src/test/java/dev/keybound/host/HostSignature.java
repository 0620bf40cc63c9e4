package dev.keybound.host;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;

/**
 * A {@code SHA256withECDSA} Signature with Android Keystore's auth-per-use
 * semantics: {@code update}/{@code sign} are refused ("Key user not
 * authenticated") unless the {@link HostPrompter} authorised this very
 * instance, and each authorisation is good for one signature.
 */
public final class HostSignature extends Signature {
    private final Signature delegate;
    private PrivateKey key;
    private boolean authorised;

    HostSignature() throws NoSuchAlgorithmException {
        super("SHA256withECDSA");
        delegate = Signature.getInstance("SHA256withECDSA");
    }

    /** Called by the prompter when the user authenticated for this instance. */
    synchronized void authorise() {
        authorised = true;
    }

    /** Whether this instance may sign now. */
    public synchronized boolean isAuthorised() {
        return authorised;
    }

    /** Another instance for the same key, not authorised (a misbehaving prompter hands this out). */
    HostSignature twin() throws NoSuchAlgorithmException, InvalidKeyException {
        HostSignature other = new HostSignature();
        other.initSign(key);
        return other;
    }

    @Override
    protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
        throw new InvalidKeyException("Keystore signing keys do not verify");
    }

    @Override
    protected synchronized void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
        key = privateKey;
        authorised = false;
        delegate.initSign(privateKey);
    }

    @Override
    protected synchronized void engineUpdate(byte b) throws SignatureException {
        requireAuthorised();
        delegate.update(b);
    }

    @Override
    protected synchronized void engineUpdate(byte[] b, int off, int len) throws SignatureException {
        requireAuthorised();
        delegate.update(b, off, len);
    }

    @Override
    protected synchronized byte[] engineSign() throws SignatureException {
        requireAuthorised();
        try {
            return delegate.sign();
        } finally {
            authorised = false; // auth per use
        }
    }

    @Override
    protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
        throw new SignatureException("Keystore signing keys do not verify");
    }

    @Override
    @Deprecated
    protected void engineSetParameter(String param, Object value) {
        throw new UnsupportedOperationException();
    }

    @Override
    @Deprecated
    protected Object engineGetParameter(String param) {
        throw new UnsupportedOperationException();
    }

    private void requireAuthorised() throws SignatureException {
        if (!authorised) {
            throw new SignatureException("Key user not authenticated");
        }
    }
}
