package io.vtloop.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * A deliberately broken copy of {@link FdState}'s park/edge protocol (one direction) for
 * {@link FdStateParkEdgeControlTest}: the same states and transitions, all fields volatile,
 * but each transition is a read followed by a write instead of a CAS. An edge that read
 * UNKNOWN can overwrite the PARKED just published by a parker with READY, and the parker
 * then sleeps with nobody to wake it: the lost wake-up the real class's CAS prevents.
 * Never use outside the control test.
 */
final class UncasedFdState {
    private volatile int state;
    private volatile Thread waiter;

    /** As {@link FdState#edge}, with a plain write where the real class CASes. */
    boolean edge() {
        int s = state;
        int next = (s & ~FdState.MODE_MASK) + FdState.SEQ_ONE;
        if (FdState.mode(s) == FdState.PARKED) {
            Thread w = waiter;
            state = next | FdState.UNKNOWN;
            LockSupport.unpark(w);
            return true;
        }
        state = next | FdState.READY;
        return false;
    }

    /** As {@link FdState#park} with a timeout, with plain writes where the real class CASes. */
    void park(long nanos) {
        int s = state;
        if (FdState.mode(s) == FdState.READY) {
            state = (s & ~FdState.MODE_MASK) | FdState.UNKNOWN;
            return;
        }
        waiter = Thread.currentThread();
        int parked = (s & ~FdState.MODE_MASK) | FdState.PARKED;
        state = parked;
        try {
            LockSupport.parkNanos(this, nanos);
        } finally {
            if (state == parked) state = (s & ~FdState.MODE_MASK) | FdState.UNKNOWN;
            waiter = null;
        }
    }
}
