package io.vtloop.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Maps fd numbers to their {@link FdState}: a two-level table (chunks of 1024 slots, created
 * on demand, under a top-level array that grows by doubling) so a lookup is two array loads
 * and no lock, for any fd number the kernel can hand out ({@code 0 .. 2^31-1}). A lookup never
 * allocates and never throws.
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
 * Chunks are created, and the top-level array replaced by a larger copy, only under this
 * table's lock; a slot is shared by every copy, so CASes on slots need no lock. A reader holding
 * an older top-level array can only miss a chunk created after it read the array, that is a
 * registration that does not happen-before its lookup.
 */
final class FdTable {
    private static final int CHUNK_BITS = 10, CHUNK = 1 << CHUNK_BITS;

    private volatile AtomicReferenceArray<AtomicReferenceArray<FdState>> chunks = new AtomicReferenceArray<>(64);
    private final AtomicInteger generations = new AtomicInteger();

    /** The existing chunk for {@code fd}, or null. */
    private AtomicReferenceArray<FdState> chunk(int fd) {
        if (fd < 0) return null;
        var top = chunks;
        int c = fd >>> CHUNK_BITS;
        return c < top.length() ? top.get(c) : null;
    }

    /** The chunk for {@code fd}, created (and the top level grown) if needed. */
    private AtomicReferenceArray<FdState> chunkOrCreate(int fd) {
        AtomicReferenceArray<FdState> chunk = chunk(fd);
        return chunk != null ? chunk : createChunk(fd >>> CHUNK_BITS);
    }

    private synchronized AtomicReferenceArray<FdState> createChunk(int c) {
        var top = chunks;
        if (c >= top.length()) {
            int n = top.length();
            while (n <= c) n <<= 1;                     // c < 2^21, so n <= 2^21
            var grown = new AtomicReferenceArray<AtomicReferenceArray<FdState>>(n);
            for (int i = 0; i < top.length(); i++) grown.set(i, top.get(i));
            chunks = top = grown;
        }
        AtomicReferenceArray<FdState> chunk = top.get(c);
        if (chunk == null) top.set(c, chunk = new AtomicReferenceArray<>(CHUNK));
        return chunk;
    }

    /** The current state of {@code fd}, or null. */
    FdState get(int fd) {
        AtomicReferenceArray<FdState> chunk = chunk(fd);
        return chunk == null ? null : chunk.get(fd & (CHUNK - 1));
    }

    /** The state that a poller token refers to, or null when that registration is gone. */
    FdState lookup(long token) {
        FdState s = get((int) token);
        return (s != null && s.generation == (int) (token >>> 32)) ? s : null;
    }

    /** A generation for a new registration. */
    int nextGeneration() { return generations.incrementAndGet(); }

    /**
     * Puts {@code fresh} into its fd's slot unless a state is there; returns the state in the
     * slot afterwards: {@code fresh} itself when this call installed it (the caller registers it).
     */
    FdState putIfAbsent(FdState fresh) {
        AtomicReferenceArray<FdState> chunk = chunkOrCreate(fresh.fd);
        int i = fresh.fd & (CHUNK - 1);
        for (;;) {
            FdState s = chunk.get(i);
            if (s != null) return s;
            if (chunk.compareAndSet(i, null, fresh)) return fresh;
        }
    }

    /** Forgets {@code fd} (closed); returns the state it had, or null. */
    FdState forget(int fd) {
        AtomicReferenceArray<FdState> chunk = chunk(fd);
        return chunk == null ? null : chunk.getAndSet(fd & (CHUNK - 1), null);
    }

    /** Forgets {@code fd} only if its current state is {@code s} (its registration failed). */
    boolean forget(int fd, FdState s) {
        AtomicReferenceArray<FdState> chunk = chunk(fd);
        return chunk != null && chunk.compareAndSet(fd & (CHUNK - 1), s, null);
    }
}
