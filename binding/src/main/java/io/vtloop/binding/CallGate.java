package io.vtloop.binding;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The lock-free guard of a native handle ({@link EpollPoller}, {@link IoUring}): calls that use
 * the handle {@linkplain #enter() enter} and {@linkplain #leave() leave} it from any thread, and
 * {@link #close} refuses later calls, ends a wait in progress and waits for the calls in flight
 * to leave, so that its caller frees the handle only once nothing uses it.
 *
 * <p>One {@code int}, {@code state}: bit 30 ({@link #CLOSED}) is set once closing has begun,
 * bits 0-29 count the calls in flight.
 *
 * <pre>
 *  OPEN(n)     CLOSED clear, n calls in flight (n &gt;= 0)
 *  CLOSING(n)  CLOSED set, n &gt; 0 calls in flight; the closer is waiting for them
 *  CLOSED(0)   CLOSED set, none in flight: the closer frees the handle (once); final
 *
 *  state        event                            next          who / effect
 *  OPEN(n)      tryEnter/enter: getAndAdd +1     OPEN(n+1)     any caller; true: it may use the
 *                                                              handle until it leaves
 *  OPEN(n+1)    leave: getAndAdd -1              OPEN(n)       a caller that entered
 *  OPEN(n)      close begins: CAS s -&gt; s|CLOSED  CLOSING(n)    the first closer (CLOSED(0) if n == 0);
 *                                                or CLOSED(0)  a failed CAS (a call entered or left
 *                                                              in between) rereads and retries
 *  CLOSING(n)   closer's wait loop               CLOSING(n)    closer: kick (ends a blocked wait, so
 *                                                              its call leaves), park 50 us, getVolatile
 *  CLOSING(n)   leave, n &gt; 1                     CLOSING(n-1)  a caller that entered before the CAS
 *  CLOSING(1)   last call leaves: getAndAdd -1   CLOSED(0)     that caller; the closer's next
 *                                                              getVolatile reads 0: close returns true
 *                                                              and its caller frees the handle
 *  CLOSING(n),  tryEnter/enter: getAndAdd +1     same          refused: the +1 returned CLOSED and is
 *  CLOSED(0)    sees CLOSED, getAndAdd -1                      undone at once (the closer may see the
 *                                                              transient count and wait one more turn);
 *                                                              tryEnter false, enter throws
 *                                                              IllegalStateException; never touches
 *                                                              the handle
 *  CLOSING(n),  close (a later call)             same          returns false at once, without waiting
 *  CLOSED(0)                                                   (the first closer frees)
 * </pre>
 *
 * <p><b>Barriers.</b> Every change of {@code state} is an atomic read-modify-write on the one
 * variable (a {@link VarHandle} {@code getAndAdd} for enter and leave, {@code compareAndSet} for
 * close), so they are totally ordered: an enter's {@code +1} either precedes the closing CAS
 * (which then sees the call in the count, or fails and rereads it) or follows it (and returns a
 * value with {@code CLOSED}: refused). No call can slip in between the closer's check and the
 * free. A caller's use of the handle lies between its two {@code getAndAdd}s in program order;
 * the closer's {@code getVolatile} that reads a count of 0 reads the last leave's write (or a
 * later one), so it synchronizes with that leave: everything the calls did with the handle
 * happens-before {@code close} returns {@code true} and the handle is freed. Reading
 * {@code CLOSED} ({@link #isClosed()}) is a {@code getVolatile}.
 *
 * <p>Package-private; not final only for stress/'s control subclass (see {@link #racyEnter}).
 */
class CallGate {

    /** Set in {@code state} once closing has begun; the lower bits count calls in flight. */
    static final int CLOSED = 1 << 30;
    /** How long the closer parks between two kicks while calls are in flight. */
    private static final long KICK_INTERVAL_NANOS = 50_000;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(CallGate.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String owner;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    /**
     * @param owner names the guarded object in the {@link IllegalStateException} of {@link #enter()},
     *              e.g. {@code "EpollPoller"}
     */
    CallGate(String owner) {
        this.owner = owner;
    }

    /**
     * Enters a call that uses the handle; {@link #leave()} must follow (in a {@code finally}).
     *
     * @throws IllegalStateException {@code "<owner> is closed"} once closing has begun
     */
    final void enter() {
        if (!tryEnter()) {
            throw new IllegalStateException(owner + " is closed");
        }
    }

    /**
     * Enters a call unless closing has begun.
     *
     * @return {@code true} if entered ({@link #leave()} must follow), {@code false} if refused
     */
    final boolean tryEnter() {
        if (racyEnter()) {                                   // never in vtloop: the control's bug
            int s = (int) STATE.getVolatile(this);
            if ((s & CLOSED) != 0) {
                return false;
            }
            STATE.setVolatile(this, s + 1);                  // check-then-act: may overwrite CLOSED
            return true;
        }
        int s = (int) STATE.getAndAdd(this, 1);
        if ((s & CLOSED) != 0) {
            STATE.getAndAdd(this, -1);
            return false;
        }
        return true;
    }

    /** Leaves a call that {@linkplain #tryEnter() entered}. */
    final void leave() {
        STATE.getAndAdd(this, -1);
    }

    /**
     * Begins closing: refuses later calls, then runs {@code kick} and parks 50 µs, repeatedly,
     * until the calls in flight have left. {@code kick} must make a wait in progress return
     * (uncoalesced: it runs again while calls remain) and must not enter the gate.
     *
     * @param kick ends a blocked wait on the handle, e.g. the native {@code kick}
     * @return {@code true} for the first call, once no call uses the handle: the caller frees
     *         it now; {@code false} if closing had begun already (it returns at once, maybe
     *         before the first closer has freed the handle)
     */
    final boolean close(Runnable kick) {
        int s;
        do {
            s = (int) STATE.getVolatile(this);
            if ((s & CLOSED) != 0) {
                return false;
            }
        } while (!STATE.compareAndSet(this, s, s | CLOSED));
        while (callsInFlight() != 0) {
            kick.run();
            LockSupport.parkNanos(KICK_INTERVAL_NANOS);
        }
        return true;
    }

    /** Whether closing has begun. */
    final boolean isClosed() {
        return ((int) STATE.getVolatile(this) & CLOSED) != 0;
    }

    /** The number of calls in flight (tests use it to see that a wait is under way). */
    final int callsInFlight() {
        return (int) STATE.getVolatile(this) & ~CLOSED;
    }

    /**
     * Test-only seam: false. Overridden only by stress/'s {@code RacyEnterCallGate}
     * ({@code CallGateEnterCloseControlTest}), whose {@link #tryEnter()} then checks
     * {@code CLOSED} and writes the incremented count as two steps instead of one
     * {@code getAndAdd}: a close can complete in between and free the handle under the call.
     * With no subclass loaded the JIT folds the check away.
     */
    boolean racyEnter() {
        return false;
    }
}
