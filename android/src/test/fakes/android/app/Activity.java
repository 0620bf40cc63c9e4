package android.app;

/** Host fake: an Activity with a name, its Application and a settable config-change flag. */
public class Activity extends android.content.Context {
    public final String name;
    public Application application = new Application();
    public boolean changingConfigurations;

    public Activity(String name) {
        this.name = name;
    }

    public Activity(String name, Application application) {
        this.name = name;
        this.application = application;
    }

    public final Application getApplication() {
        return application;
    }

    public boolean isChangingConfigurations() {
        return changingConfigurations;
    }

    @Override
    public String toString() {
        return "Activity(" + name + ")";
    }
}
