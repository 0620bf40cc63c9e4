package dev.keybound;

import java.util.function.Predicate;

/**
 * Reading an exception's cause chain: the Keystore reports some refusals
 * only as a cause several wrappers deep (no typed exception at the top).
 */
final class Causes {
    /** How deep a chain is followed (it may be cyclic in a broken provider). */
    private static final int MAX_DEPTH = 8;

    private Causes() {}

    /** Whether {@code failure} or one of its causes passes {@code test}. */
    static boolean any(Throwable failure, Predicate<Throwable> test) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (test.test(t)) {
                return true;
            }
        }
        return false;
    }
}
