// Compile-only stub (keybound): the members of the real class that keybound
// uses, with the real signatures. Checked by tools/android/check_stubs.py.
// Never shipped; on a device the framework class is used.
package android.os;

public final class Looper {
    private Looper() {
        throw new RuntimeException("Stub!");
    }

    public static Looper getMainLooper() {
        throw new RuntimeException("Stub!");
    }
}
