// Compile-only stub (keybound): the members of the real class that keybound
// uses, with the real signatures. Checked by tools/android/check_stubs.py.
// Never shipped; on a device the framework class is used.
package android.os;

public class Build {
    public Build() {
        throw new RuntimeException("Stub!");
    }

    public static class VERSION {
        /** Not a compile-time constant on a device either: read at run time. */
        public static final int SDK_INT = Integer.parseInt("0");

        public VERSION() {
            throw new RuntimeException("Stub!");
        }
    }
}
