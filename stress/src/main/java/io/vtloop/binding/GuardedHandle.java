package io.vtloop.binding;

/**
 * A native handle modelled for the {@link CallGate} tests: the real gate guards it, "using" it
 * is a call between {@link CallGate#enter()} and {@link CallGate#leave()} that marks itself in
 * use and looks whether the handle was freed meanwhile, and "freeing" it is what
 * {@link EpollPoller#close()} and {@link IoUring#close()} do once {@link CallGate#close} returns
 * {@code true}, here a flag. No native memory is involved, so a bug shows as two flags seen
 * together instead of a crash.
 */
final class GuardedHandle {
    final CallGate gate;
    private volatile boolean inUse;
    private volatile boolean freed;

    GuardedHandle(CallGate gate) {
        this.gate = gate;
    }

    /**
     * A call on the handle, as {@code EpollPoller.poll} makes it: enter (or be refused), use,
     * leave.
     *
     * @return {@code 0}: refused ({@code enter} threw {@link IllegalStateException});
     *         {@code 1}: entered, and the handle was not freed while in use; {@code 2}: entered,
     *         and it saw the handle freed while in use
     */
    int call() {
        try {
            gate.enter();
        } catch (IllegalStateException closed) {
            return 0;
        }
        try {
            inUse = true;
            boolean sawFreed = freed;
            inUse = false;
            return sawFreed ? 2 : 1;
        } finally {
            gate.leave();
        }
    }

    /**
     * Closes as the poller and the ring do: the gate's close (its kick is a no-op, the call
     * never blocks), then, if this was the first close, the free.
     *
     * @return {@code true} if the handle was freed while a call had it in use
     */
    boolean close() {
        if (!gate.close(() -> { })) {
            return false;
        }
        freed = true;                       // PollerNative.close(handle) / UringNative.close(handle)
        return inUse;
    }

    /** Afterwards, every call having returned: closed, no call counted in flight. */
    boolean closedAndEmpty() {
        return gate.isClosed() && gate.callsInFlight() == 0;
    }
}
