// Compile-only stub (keybound): the members of the real class that keybound
// uses, with the real signatures. Checked by tools/android/check_stubs.py.
// Never shipped; on a device the framework class is used.
package android.content;

public interface DialogInterface {
    public static interface OnClickListener {
        void onClick(DialogInterface dialog, int which);
    }
}
