package dev.keybound.host;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A self-signed, attestation-like chain: a root CA and a leaf for the key,
 * whose extension 1.3.6.1.4.1.11129.2.1.17 carries a KeyDescription with the
 * attestation challenge and the security level. Shape only: no Google root.
 */
public final class AttestationCerts {
    /** The Android key attestation extension OID. */
    public static final String KEY_DESCRIPTION_OID = "1.3.6.1.4.1.11129.2.1.17";
    private static final String ECDSA_SHA256 = "1.2.840.10045.4.3.2";
    private static final long DAY_MS = 24L * 3600 * 1000;
    private static final AtomicLong SERIAL = new AtomicLong(1000);

    private final KeyPair root;
    private final byte[] rootCert;

    public AttestationCerts() throws GeneralSecurityException {
        root = newP256();
        byte[] basicConstraints = Der.seq(Der.oid("2.5.29.19"), Der.bool(true), Der.octets(Der.seq(Der.bool(true))));
        rootCert = certificate("keybound host attestation root", "keybound host attestation root",
                root.getPublic(), root.getPrivate(), basicConstraints);
    }

    /** A fresh P-256 key pair. */
    public static KeyPair newP256() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** The root certificate (DER). */
    public byte[] rootCertificate() {
        return rootCert.clone();
    }

    /** The root's public key. */
    public PublicKey rootKey() {
        return root.getPublic();
    }

    /** [leaf, root] for {@code key}. */
    public byte[][] chainFor(PublicKey key, byte[] challenge, int securityLevel, boolean allowDeviceCredential)
            throws GeneralSecurityException {
        byte[] hardwareEnforced = Der.seq(
                Der.explicit(1, Der.set(Der.integer(2))), // purpose SIGN
                Der.explicit(2, Der.integer(3)), // algorithm EC
                Der.explicit(3, Der.integer(256)), // keySize
                Der.explicit(5, Der.set(Der.integer(4))), // digest SHA-256
                Der.explicit(10, Der.integer(1)), // ecCurve P-256
                Der.explicit(504, Der.integer(allowDeviceCredential ? 3 : 2)), // userAuthType
                Der.explicit(702, Der.integer(0))); // origin GENERATED
        byte[] keyDescription = Der.seq(
                Der.integer(200), Der.enumerated(securityLevel),
                Der.integer(200), Der.enumerated(securityLevel),
                Der.octets(challenge), Der.octets(new byte[0]),
                Der.seq(), hardwareEnforced);
        byte[] extension = Der.seq(Der.oid(KEY_DESCRIPTION_OID), Der.octets(keyDescription));
        byte[] leaf = certificate("keybound host attestation root", "Android Keystore Key", key, root.getPrivate(),
                extension);
        return new byte[][] {leaf, rootCert.clone()};
    }

    private static byte[] certificate(String issuer, String subject, PublicKey subjectKey, PrivateKey signer,
            byte[] extension) throws GeneralSecurityException {
        Date now = new Date();
        byte[] algorithm = Der.seq(Der.oid(ECDSA_SHA256));
        byte[] tbs = Der.seq(
                Der.explicit(0, Der.integer(2)),
                Der.integer(BigInteger.valueOf(SERIAL.incrementAndGet())),
                algorithm,
                name(issuer),
                Der.seq(Der.utcTime(new Date(now.getTime() - DAY_MS)), Der.utcTime(new Date(now.getTime() + 365 * DAY_MS))),
                name(subject),
                subjectKey.getEncoded(),
                Der.explicit(3, Der.seq(extension)));
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(signer);
        s.update(tbs);
        return Der.seq(tbs, algorithm, Der.bitString(s.sign()));
    }

    private static byte[] name(String cn) {
        return Der.seq(Der.set(Der.seq(Der.oid("2.5.4.3"), Der.utf8(cn))));
    }
}
