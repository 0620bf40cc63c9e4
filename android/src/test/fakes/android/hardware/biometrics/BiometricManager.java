package android.hardware.biometrics;

import java.util.ArrayList;
import java.util.List;

/** Host fake: answers what a test sets and records what was asked. */
public class BiometricManager {
    public int status;
    /** "legacy" for canAuthenticate(), else the authenticators passed. */
    public final List<String> asked = new ArrayList<>();

    public int canAuthenticate() {
        asked.add("legacy");
        return status;
    }

    public int canAuthenticate(int authenticators) {
        asked.add(Integer.toString(authenticators));
        return status;
    }
}
