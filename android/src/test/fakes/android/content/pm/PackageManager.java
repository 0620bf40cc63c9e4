package android.content.pm;

import java.util.HashSet;
import java.util.Set;

/** Host fake: features a test sets. */
public class PackageManager {
    public static final String FEATURE_STRONGBOX_KEYSTORE = "android.hardware.strongbox_keystore";
    public final Set<String> features = new HashSet<>();

    public boolean hasSystemFeature(String featureName) {
        return features.contains(featureName);
    }
}
