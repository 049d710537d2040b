package io.vtloop.runtime;

import java.util.function.BooleanSupplier;

/** One non-blocking read attempt as the JDK's read path makes it around {@link FdState}. */
final class IoAttempt {
    private IoAttempt() { }

    static final int SKIPPED = 0, READ_DATA = 1, EAGAIN = 2;

    /**
     * Earlier reads got EAGAIN, as the real read path records them ({@link FdState#beginIo},
     * {@link FdState#endIo}): the first leaves the read direction DRAINED, the next two, made
     * in DRAINED, teach the skip guess that reads here wait, so that the next 15 calls of
     * {@code beginIo} skip (the 16th is a probe). A fresh {@code FdState} only.
     */
    static void drained(FdState s) {
        for (int i = 0; i < 3; i++) {
            int snapshot = s.beginIo(FdState.READ);
            if (snapshot == FdState.SKIP) throw new IllegalStateException("skipped while learning: " + s);
            s.endIo(FdState.READ, snapshot, true, true);
        }
        if (!s.skipAllowed(FdState.READ) || s.skipOdds(FdState.READ) < FdState.SKIP_TRUSTED)
            throw new IllegalStateException("not DRAINED and trusted: " + s);
    }

    /**
     * {@link FdState#beginIo}; unless skipped, the read ({@code readable} models the kernel's
     * answer), then {@link FdState#endIo} as {@code PollerHooks.afterIo} calls it. Returns what
     * happened.
     */
    static int read(FdState s, BooleanSupplier readable) {
        int snapshot = s.beginIo(FdState.READ);
        if (snapshot == FdState.SKIP) return SKIPPED;
        if (readable.getAsBoolean()) {
            s.endIo(FdState.READ, snapshot, false, false);
            return READ_DATA;
        }
        s.endIo(FdState.READ, snapshot, true, true);
        return EAGAIN;
    }

    /**
     * As {@link #read}, but a read that finds data is short (it stops at an urgent mark, or
     * before a FIN) and so also ends not ready ({@link FdState#endIo}), although bytes wait.
     */
    static int shortRead(FdState s, BooleanSupplier readable) {
        int snapshot = s.beginIo(FdState.READ);
        if (snapshot == FdState.SKIP) return SKIPPED;
        int got = readable.getAsBoolean() ? READ_DATA : EAGAIN;
        s.endIo(FdState.READ, snapshot, got == EAGAIN, true);
        return got;
    }
}
