// Compile-only stub (keybound): the members of the real class that keybound
// uses, with the real signatures. Checked by tools/android/check_stubs.py.
// Never shipped; on a device the framework class is used.
package android.content.pm;

public abstract class PackageManager {
    public static final String FEATURE_STRONGBOX_KEYSTORE = "android.hardware.strongbox_keystore";

    public PackageManager() {
        throw new RuntimeException("Stub!");
    }

    public abstract boolean hasSystemFeature(String featureName);
}
