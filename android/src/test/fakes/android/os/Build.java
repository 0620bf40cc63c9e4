package android.os;

/** Host fake: the API level is settable (a run-time value on a device too). */
public class Build {
    /** Host fake. */
    public static class VERSION {
        public static int SDK_INT = 36;
    }
}
