package io.vtloop.runtime;

import jdk.internal.misc.Unsafe;

/**
 * The scheduler's spinning carriers (Go's {@code sched.nmspinning}): carriers that found nothing
 * to run and look for work for a while (their poller without blocking, the shared queue, other
 * carriers' queues) before they sleep, plus carriers woken to do so. A thread that makes work
 * ready while one spins wakes nobody and writes no eventfd: the spinner finds the work.
 *
 * <p>{@code count} is one int; a carrier holding one unit of it is a <em>spinner</em>
 * ({@code Carrier.spinning}, read and written by the thread serving it only). At most
 * {@code limit} carriers spin: half of them (Go's {@code 2*nmspinning < gomaxprocs-npidle}: more
 * spinners than busy carriers only burn CPU), none with one carrier (its spinning would take the
 * only core from the thread about to submit).
 *
 * <pre>
 *  who                     operation                           count     then
 *  carrier with no work    tryStart: CAS c -> c+1, c < limit   c+1       spins (bounded: vtloop.spin)
 *                          tryStart: c >= limit                c         sleeps (steps 1-5 of WakeupGate)
 *  spinner finds a task    stop                                c-1       c-1 == 0 (the last spinner) and work
 *                                                                        is left anywhere: wake (Go's resetspinning)
 *  spinner gives up        stop                                c-1       prepareToSleep, re-check every queue, sleep
 *  waker, after publishing work and a full fence (push of surplus, inject, the monitor):
 *                          wake: c > 0                         c         nothing: a spinner will see the work
 *                          wake: no other carrier sleeps       c         nothing: each re-checks before it sleeps
 *                          wake: CAS 0 -> 1 wins               1         claims a sleeping carrier's gate, which wakes
 *                                                                        holding this unit (a spinner); none sleeps: stop
 *                          wake: CAS 0 -> 1 loses              c         nothing: a spinner appeared meanwhile
 *  woken carrier           WakeupGate.awake: gate was claimed  c         it holds the unit its waker took: spins
 * </pre>
 * Two Dekker pairs (every step named is volatile or a CAS): the waker's publish and its read of
 * {@code count} against a spinner's {@code stop} (a CAS) and its re-check of the queues after it:
 * either the waker sees {@code c > 0} and the spinner, which stops only after, sees the work, or the
 * waker sees 0 and wakes a sleeper itself. The second is {@link WakeupGate}'s, for the sleeper it
 * claims (and for "no other carrier sleeps": every carrier announces its sleep before its last
 * re-check); a claim hands the unit over, so a carrier that sleeps never holds one, and every unit is
 * held by an awake carrier that looks for work (else every later wake would be skipped).
 */
final class Spinners {
    // Unsafe rather than a VarHandle (as in RunQueue): same barriers, cheap while interpreted
    private static final Unsafe U = Unsafe.getUnsafe();
    private static final long COUNT = U.objectFieldOffset(Spinners.class, "count");

    private final int limit;
    @SuppressWarnings("unused") private volatile int count;

    /** {@code limit}: the most carriers spinning at once (0: none ever spins). */
    Spinners(int limit) { this.limit = limit; }

    /** A carrier found nothing to run: true when it may spin (it then holds one unit). */
    boolean tryStart() {
        for (int c; (c = U.getIntVolatile(this, COUNT)) < limit; )
            if (U.compareAndSetInt(this, COUNT, c, c + 1)) return true;
        return false;
    }

    /** A spinner stops spinning; returns true when it was the last one. A full fence (CAS). */
    boolean stop() {
        return U.getAndAddInt(this, COUNT, -1) == 1;
    }

    /**
     * A waker, after publishing work and a full fence: true when no carrier spins and the caller
     * took a unit, which it must hand to the carrier it wakes or give back with {@link #stop}.
     */
    boolean claimForWake() {
        return U.getIntVolatile(this, COUNT) == 0 && U.compareAndSetInt(this, COUNT, 0, 1);
    }

    /** The most carriers spinning at once. */
    int limit() { return limit; }

    /** Carriers spinning now, or woken to (statistics, tests). */
    int count() { return U.getIntVolatile(this, COUNT); }
}
