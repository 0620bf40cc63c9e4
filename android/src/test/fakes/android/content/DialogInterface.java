package android.content;

/** Host fake. */
public interface DialogInterface {
    /** Host fake. */
    interface OnClickListener {
        void onClick(DialogInterface dialog, int which);
    }
}
