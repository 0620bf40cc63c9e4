// Compile-only stub (keybound): the members of the real class that keybound
// uses, with the real signatures. Checked by tools/android/check_stubs.py.
// Never shipped; on a device the framework class is used.
package android.content;

public abstract class Context {
    public Context() {
        throw new RuntimeException("Stub!");
    }

    public abstract Context getApplicationContext();

    public java.util.concurrent.Executor getMainExecutor() {
        throw new RuntimeException("Stub!");
    }

    public abstract android.content.pm.PackageManager getPackageManager();

    public final <T> T getSystemService(Class<T> serviceClass) {
        throw new RuntimeException("Stub!");
    }
}
