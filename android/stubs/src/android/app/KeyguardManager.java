// Compile-only stub (keybound): the members of the real class that keybound
// uses, with the real signatures. Checked by tools/android/check_stubs.py.
// Never shipped; on a device the framework class is used.
package android.app;

public class KeyguardManager {
    private KeyguardManager() {
        throw new RuntimeException("Stub!");
    }

    public boolean isDeviceSecure() {
        throw new RuntimeException("Stub!");
    }
}
