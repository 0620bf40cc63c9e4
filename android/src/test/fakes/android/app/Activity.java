package android.app;

/** Host fake: an Activity with a name for assertions. */
public class Activity extends android.content.Context {
    public final String name;

    public Activity(String name) {
        this.name = name;
    }
}
