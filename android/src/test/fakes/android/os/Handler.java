package android.os;

/** Host fake: the test thread is the main thread; posted work runs at once. */
public class Handler {
    public Handler(Looper looper) {}

    public final boolean post(Runnable r) {
        r.run();
        return true;
    }
}
