package android.content;

import java.util.HashMap;
import java.util.Map;

/** Host fake: a Context whose system services and PackageManager a test sets. */
public class Context {
    public final Map<Class<?>, Object> services = new HashMap<>();
    public android.content.pm.PackageManager packageManager = new android.content.pm.PackageManager();

    public Context getApplicationContext() {
        return this;
    }

    public android.content.pm.PackageManager getPackageManager() {
        return packageManager;
    }

    public final <T> T getSystemService(Class<T> serviceClass) {
        return serviceClass.cast(services.get(serviceClass));
    }
}
