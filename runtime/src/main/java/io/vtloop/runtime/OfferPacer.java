package io.vtloop.runtime;

/**
 * Paces one carrier's wakes of a sleeping carrier for the thread it just put in its
 * {@code runnext} ({@code Carrier.offerRunnext}). A wake pays when another carrier then takes that
 * carrier's {@code runnext} (the running task kept the carrier: blocked in the VM while pinned);
 * it is wasted when the running task parks soon, as it usually does, and the woken spinner finds
 * nothing. Unlike {@link SplitPacer}, whose splits are asked for again only when they did not
 * stick, frequent offers are not a sign of waste here: OpenJDK's Starvation test needs one every
 * iteration, 60-80 µs apart, and doubling the gap for that made some of them wait for the monitor.
 *
 * <p>Rule: a wake asked for sooner than {@code gap} after the last is refused; each allowed wake
 * doubles the gap, up to {@value SplitPacer#MAX_GAP_NANOS} ns (a carrier whose offers never pay
 * costs one wake per 5 ms), unless a wake paid since the last one ({@link #paid}), which sets it
 * back to {@value SplitPacer#MIN_GAP_NANOS} ns. Serving thread only: plain fields.
 */
final class OfferPacer {
    private boolean any;   // a wake happened: last is set
    private boolean paid;  // a wake paid since the last allowed one
    private long last;
    private long gap = SplitPacer.MIN_GAP_NANOS;

    /** True when a wake may happen at {@code now} ({@code System.nanoTime()}); it then counts as done. */
    boolean tryAt(long now) {
        if (any && now - last < gap) return false;
        gap = paid || !any ? SplitPacer.MIN_GAP_NANOS : Math.min(2 * gap, SplitPacer.MAX_GAP_NANOS);
        paid = false;
        any = true;
        last = now;
        return true;
    }

    /** Another carrier took this carrier's {@code runnext}: the wakes pay; the next allowed one keeps the shortest gap. */
    void paid() {
        paid = true;
        gap = SplitPacer.MIN_GAP_NANOS;
    }

    /** The gap now (tests). */
    long gap() { return gap; }
}
