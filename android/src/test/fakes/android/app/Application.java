package android.app;

import java.util.ArrayList;
import java.util.List;

/** Host fake: keeps the registered lifecycle callbacks so a test can drive them. */
public class Application extends android.content.Context {
    public final List<ActivityLifecycleCallbacks> callbacks = new ArrayList<>();

    public void registerActivityLifecycleCallbacks(ActivityLifecycleCallbacks callback) {
        callbacks.add(callback);
    }

    public void unregisterActivityLifecycleCallbacks(ActivityLifecycleCallbacks callback) {
        callbacks.remove(callback);
    }

    /** Host fake. */
    public interface ActivityLifecycleCallbacks {
        void onActivityCreated(Activity activity, android.os.Bundle savedInstanceState);

        void onActivityStarted(Activity activity);

        void onActivityResumed(Activity activity);

        void onActivityPaused(Activity activity);

        void onActivityStopped(Activity activity);

        void onActivitySaveInstanceState(Activity activity, android.os.Bundle outState);

        void onActivityDestroyed(Activity activity);
    }
}
