package android.os;

/** Host fake. */
public final class Bundle {}
