package io.vtloop.runtime;

/**
 * Paces one carrier's wakes of a sleeping carrier for a hand-off ({@code CarrierScheduler}'s
 * {@code keepsQueuedWork}: a virtual thread about to spin for its peer in a
 * {@code SynchronousQueue} or {@code LinkedTransferQueue}, whose carrier holds only that peer in
 * its {@code runnext}, moves the peer to the shared queue and wakes a carrier to run it, so that the
 * two meet spinning on two carriers). Such a split pays while the pair's code is compiled: it
 * sticks, and is asked for again only when something put the pair back on one carrier. While the
 * code is cold (interpreted: a fresh JVM's first ~10^4 hand-offs) the peers spin too slowly to
 * meet, every hand-off parks and asks again, and each split cost a wake-up (a futex, the woken
 * carrier's spin and sleep): 2,800 of them in a fresh JVM's first 20,000 round trips on two cores,
 * which took 1.9x the JDK's time. Within the gap the pair stays on its carrier (the spinner's peer
 * runs there once it parks, as with one carrier); a spinning carrier needs no wake and is not paced.
 *
 * <p>Rule: a split asked for sooner than {@code gap} after the last is refused; one asked for within
 * four gaps of the last doubles the gap (they do not stick), up to {@value #MAX_GAP_NANOS} ns (a
 * pair that never meets then costs one wake per 5 ms); a later one resets it to
 * {@value #MIN_GAP_NANOS} ns. Serving thread only: plain fields.
 */
final class SplitPacer {
    /** The least gap between two splits; a split that sticks is asked for again much later than this. */
    static final long MIN_GAP_NANOS = 20_000;
    /** The most: the cost of a pair that never meets, one wake per this. */
    static final long MAX_GAP_NANOS = 5_000_000;

    private boolean any;   // a split happened: last is set
    private long last;
    private long gap = MIN_GAP_NANOS;

    /** True when a split may happen at {@code now} ({@code System.nanoTime()}); it then counts as done. */
    boolean tryAt(long now) {
        if (any) {
            long since = now - last;
            if (since < gap) return false;
            gap = since < 4 * gap ? Math.min(2 * gap, MAX_GAP_NANOS) : MIN_GAP_NANOS;
        }
        any = true;
        last = now;
        return true;
    }

    /** The gap now (tests). */
    long gap() { return gap; }
}
