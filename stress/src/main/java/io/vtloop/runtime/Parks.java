package io.vtloop.runtime;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Helpers for the FdState tests: a park that really blocks, bounded by a safety timeout,
 * and the raw state values the tests' outcomes name.
 *
 * <p>A parked thread that nobody wakes would block forever; here it blocks for
 * {@link #LOST_NANOS} instead, and a park that slept that long while the waking actor
 * ran concurrently is reported as a lost wake-up. The other actor never blocks, so it
 * reaches its step long before the timeout unless the machine stalls it for a second.
 */
final class Parks {
    private Parks() { }

    /** Safety timeout of a park that models an untimed one; sleeping this long = lost. */
    static final long LOST_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** {@code isOpen} of a channel that stays open. */
    static final BooleanSupplier OPEN = () -> true;

    /** Parks on {@code dir} with the safety timeout; true if it slept the whole timeout. */
    static boolean parkLost(FdState s, int dir) {
        long t0 = System.nanoTime();
        s.park(dir, LOST_NANOS, OPEN);
        return System.nanoTime() - t0 >= LOST_NANOS;
    }

    private static final String[] MODES = {"UNKNOWN", "READY", "PARKED", "DRAINED"};

    /** {@code s}'s state for {@code dir} as the outcomes name it: mode/edge-sequence, e.g. READY. */
    static String state(FdState s, int dir) {
        // the mode only: how many times the edge sequence moved is an implementation detail
        // (a withdrawing park also moves it), the mode is the protocol's outcome
        return MODES[FdState.mode(s.state(dir))];
    }
}
