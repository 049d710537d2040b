package io.vtloop.runtime;

import jdk.internal.misc.Unsafe;

import java.lang.foreign.MemorySegment;

/**
 * One park's request on an io_uring ({@link UringBackend}): a one-shot poll for a direction,
 * or a recv into a vtloop buffer for a {@code java.net.Socket} read. Each {@link FdState} has
 * at most one per direction (one thread parks per direction at a time), reused from park to
 * park.
 *
 * <pre>
 *  phase   event                                              next    by
 *  IDLE    a park arms it on the ring of the carrier it runs   ARMED   the parking thread
 *          on (prepared now, submitted with that carrier's
 *          next poll; from elsewhere through a request)
 *  ARMED   its final completion is reaped: result stored,      DONE    the thread polling the ring
 *          then phase (release), then the FdState's edge
 *  ARMED   the park ended without it (timeout, interrupt,      ARMED   the parked thread, which
 *          stopPoll, spurious): a cancel is requested                  then waits for DONE
 *  DONE    a poll's result was seen; a recv's bytes are all   IDLE    the thread that parked
 *          delivered, or it was cancelled (nothing taken)              (the JDK's lock holder)
 * </pre>
 * While ARMED the kernel owns {@link #buffer} and holds a reference to the file, so the park
 * never returns before DONE: no buffer is reused, and no closed socket is kept open, after it.
 * The ring's slot table holds the op while ARMED (and so the buffer: it is freed by the GC
 * only once unreachable). {@link #result} is plain, ordered by the volatile {@link #phase}.
 */
final class RingOp {
    static final int IDLE = 0, ARMED = 1, DONE = 2;
    static final int POLL = 0, RECV = 1;
    private static final Unsafe U = Unsafe.getUnsafe();

    final FdState state;
    final int dir;
    volatile int phase;
    int kind;
    int mask;                  // POLL: the poll mask
    int length;                // RECV: bytes asked
    MemorySegment buffer;      // RECV: the kernel's while ARMED
    int result;                // the completion's res: a mask or bytes, or -errno
    int delivered;             // RECV: bytes of result already copied out
    long userData;             // ARMED: what its completion will carry
    UringBackend owner;        // ARMED: whose ring

    RingOp(FdState state, int dir) {
        this.state = state;
        this.dir = dir;
    }

    /** Poller side: the final completion. */
    void complete(int res) {
        result = res;
        phase = DONE;
    }

    /** A DONE recv with bytes (or EOF, or an error) still to hand to the reader. */
    boolean hasReadResult() {
        return phase == DONE && kind == RECV && result != -UringBackend.ECANCELED;
    }

    /**
     * Copies what a DONE recv received into the JDK's buffer at {@code address}, at most
     * {@code len} bytes; returns the bytes copied, 0 for EOF or {@code -errno}. Becomes IDLE (and
     * gives the buffer back) once all was delivered.
     */
    int deliver(long address, int len) {
        int res = result;
        if (res <= 0) {
            release();
            return res;
        }
        int n = Math.min(len, res - delivered);
        U.copyMemory(buffer.address() + delivered, address, n);
        delivered += n;
        if (delivered == res) release();
        return n;
    }

    /** Back to IDLE; a recv's buffer goes back to the pool. Only the thread that parked. */
    void release() {
        if (buffer != null) {
            RecvBuffers.release(buffer);
            buffer = null;
        }
        delivered = 0;
        phase = IDLE;
    }
}
