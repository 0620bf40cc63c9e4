package android.app;

/** Host fake. */
public class KeyguardManager {
    public boolean secure;

    public boolean isDeviceSecure() {
        return secure;
    }
}
