package io.vtloop.runtime;

import jdk.internal.misc.Unsafe;
import java.lang.invoke.VarHandle;

/**
 * The handshake between a carrier going to sleep in its poller and threads that give it
 * work, so that no wake-up is lost and at most one waker pays for the wake-up syscall.
 *
 * <pre>
 *  carrier                                   submitter (any other thread)
 *  1. prepareToSleep(): sleeping = true      a. publish the task (volatile write/CAS)
 *     (volatile write, then a full fence)    b. claimWakeup(): if sleeping, CAS true -> false;
 *  2. re-check every queue: work -> 5           the winner calls poller.wakeup()
 *  3. block in the poller
 *  4. (returns: event, timer, or wake-up)
 *  5. awake(): sleeping = false; true if a
 *     claim came first (the carrier then holds
 *     the Spinners unit its waker took)
 *
 *  state      event                   next       effect
 *  AWAKE      prepareToSleep          SLEEPING
 *  SLEEPING   claimWakeup (CAS wins)  AWAKE      the claimer must wake the poller
 *  SLEEPING   awake                   AWAKE      carrier found work, or woke up by itself: false
 *  AWAKE      awake (after a claim)   AWAKE      true: the carrier was woken by a claim
 *  AWAKE      claimWakeup             AWAKE      nothing to do: the carrier is awake
 * </pre>
 * Steps 1-2 and a-b form a Dekker pair (all volatile): either the carrier sees the task in
 * step 2, or the submitter sees {@code sleeping} in step b. A carrier woken by a claim may
 * also find the fd events it polled; a spurious wake-up only costs one empty poll.
 */
final class WakeupGate {
    // Unsafe rather than a VarHandle (as in RunQueue): same barriers, cheap while interpreted
    private static final Unsafe U = Unsafe.getUnsafe();
    private static final long SLEEPING = U.objectFieldOffset(WakeupGate.class, "sleeping");

    private volatile boolean sleeping;
    private final boolean fenced;   // false only in stress/'s WakeupGateControlTest

    WakeupGate() { this(true); }

    /**
     * Test-only seam (stress/ {@code WakeupGateControlTest}): {@code fenced = false} makes step 1
     * a release store without the fence, the store-load reordering this protocol forbids. vtloop
     * itself always uses {@link #WakeupGate()}.
     */
    WakeupGate(boolean fenced) { this.fenced = fenced; }

    /** Carrier: announces that it will sleep; it must re-check for work afterwards. */
    void prepareToSleep() {
        if (!fenced) {                      // test-only control, see WakeupGate(boolean)
            U.putBooleanRelease(this, SLEEPING, true);
            return;
        }
        U.putBooleanVolatile(this, SLEEPING, true);
        VarHandle.fullFence();
    }

    /**
     * Carrier: it found work, or returned from the poller. Returns true when a waker claimed
     * this sleep first ({@link Spinners}: the carrier then holds the unit the waker took).
     */
    boolean awake() {
        return !U.getAndSetBoolean(this, SLEEPING, false);
    }

    /** Whether the carrier has announced sleep and nobody has claimed its wake-up yet. */
    boolean isSleeping() {
        return sleeping;
    }

    /** Submitter, after publishing work: true if the caller must wake the carrier's poller. */
    boolean claimWakeup() {
        return sleeping && U.compareAndSetBoolean(this, SLEEPING, true, false);
    }
}
