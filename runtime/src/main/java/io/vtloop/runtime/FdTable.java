package io.vtloop.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Maps fd numbers to their {@link FdState}: a two-level table (chunks of 1024 slots,
 * created on demand) so a lookup is two array loads and no lock.
 *
 * <p>A slot holds the state of the current registration of that fd number. When the JDK
 * closes the fd, {@link #forget} empties the slot, so a new socket that reuses the number
 * is registered afresh. Each registration carries a new generation in its poller token;
 * an event whose token names an older generation is dropped ({@link #lookup}).
 *
 * <pre>
 *  slot      event                                   next      by
 *  empty     first park on the fd: CAS in a fresh    state g   the parking thread, which then
 *            state (generation g)                              registers token (g, fd) with epoll
 *  empty     the same, CAS lost                      state g'  the loser uses the winner's state
 *  state g   registration failed                     empty     CAS (only if still g): the next
 *                                                              park registers again
 *  state g   the JDK closes the fd                   empty     getAndSet, before close(2)
 *  any       event with token (g, fd)                (same)    dispatched only if slot holds g
 * </pre>
 */
final class FdTable {
    private static final int CHUNK_BITS = 10, CHUNK = 1 << CHUNK_BITS, MAX_CHUNKS = 2048;  // fds < 2^21

    private final AtomicReferenceArray<AtomicReferenceArray<FdState>> chunks =
            new AtomicReferenceArray<>(MAX_CHUNKS);
    private final AtomicInteger generations = new AtomicInteger();

    private AtomicReferenceArray<FdState> chunk(int fd, boolean create) {
        int c = fd >>> CHUNK_BITS;
        if (c >= MAX_CHUNKS) throw new IllegalArgumentException("fd " + fd + " is beyond vtloop's fd table (2^21)");
        AtomicReferenceArray<FdState> chunk = chunks.get(c);
        if (chunk == null && create) {
            chunks.compareAndSet(c, null, new AtomicReferenceArray<>(CHUNK));
            chunk = chunks.get(c);
        }
        return chunk;
    }

    /** The current state of {@code fd}, or null. */
    FdState get(int fd) {
        if (fd < 0) return null;
        AtomicReferenceArray<FdState> chunk = chunk(fd, false);
        return chunk == null ? null : chunk.get(fd & (CHUNK - 1));
    }

    /** The state that a poller token refers to, or null when that registration is gone. */
    FdState lookup(long token) {
        FdState s = get((int) token);
        return (s != null && s.generation == (int) (token >>> 32)) ? s : null;
    }

    /**
     * Returns the state of {@code fd}, creating it (owned by {@code owner}) if absent.
     * {@code created[0]} tells the caller whether it created the state and so must register it.
     */
    FdState getOrCreate(int fd, Carrier owner, boolean[] created) {
        AtomicReferenceArray<FdState> chunk = chunk(fd, true);
        int i = fd & (CHUNK - 1);
        FdState s = chunk.get(i);
        if (s != null) { created[0] = false; return s; }
        FdState fresh = new FdState(fd, generations.incrementAndGet(), owner);
        if (chunk.compareAndSet(i, null, fresh)) { created[0] = true; return fresh; }
        created[0] = false;
        return chunk.get(i);
    }

    /** Forgets {@code fd} (closed, or its registration failed); returns the state it had. */
    FdState forget(int fd) {
        if (fd < 0) return null;
        AtomicReferenceArray<FdState> chunk = chunk(fd, false);
        return chunk == null ? null : chunk.getAndSet(fd & (CHUNK - 1), null);
    }

    /** Forgets {@code fd} only if its current state is {@code s}. */
    boolean forget(int fd, FdState s) {
        AtomicReferenceArray<FdState> chunk = chunk(fd, false);
        return chunk != null && chunk.compareAndSet(fd & (CHUNK - 1), s, null);
    }
}
