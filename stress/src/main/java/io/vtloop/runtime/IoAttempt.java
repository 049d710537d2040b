package io.vtloop.runtime;

import java.util.function.BooleanSupplier;

/** One non-blocking read attempt as the JDK's read path makes it around {@link FdState}. */
final class IoAttempt {
    private IoAttempt() { }

    static final int SKIPPED = 0, READ_DATA = 1, EAGAIN = 2;

    /**
     * {@link FdState#beginIo}; unless DRAINED, the read ({@code readable} models the kernel's
     * answer); on EAGAIN {@link FdState#endIoNotReady}. Returns what happened.
     */
    static int read(FdState s, BooleanSupplier readable) {
        int snapshot = s.beginIo(FdState.READ);
        if (snapshot == -1) return SKIPPED;
        if (readable.getAsBoolean()) return READ_DATA;
        s.endIoNotReady(FdState.READ, snapshot);
        return EAGAIN;
    }

    /**
     * As {@link #read}, but a read that finds data is short (it stops at an urgent mark, or
     * before a FIN) and so also ends with {@link FdState#endIoNotReady}, although bytes wait.
     */
    static int shortRead(FdState s, BooleanSupplier readable) {
        int snapshot = s.beginIo(FdState.READ);
        if (snapshot == -1) return SKIPPED;
        int got = readable.getAsBoolean() ? READ_DATA : EAGAIN;
        s.endIoNotReady(FdState.READ, snapshot);
        return got;
    }
}
