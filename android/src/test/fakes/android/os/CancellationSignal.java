package android.os;

/** Host fake: remembers whether it was cancelled. */
public final class CancellationSignal {
    public boolean canceled;

    public void cancel() {
        canceled = true;
    }
}
