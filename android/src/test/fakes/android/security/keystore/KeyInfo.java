package android.security.keystore;

/** Host fake. */
public class KeyInfo implements java.security.spec.KeySpec {
    private final boolean insideSecureHardware;

    public KeyInfo(boolean insideSecureHardware) {
        this.insideSecureHardware = insideSecureHardware;
    }

    public boolean isInsideSecureHardware() {
        return insideSecureHardware;
    }
}
