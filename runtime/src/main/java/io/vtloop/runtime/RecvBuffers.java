package io.vtloop.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Native buffers for the recvs of {@link UringBackend}, in power-of-two sizes from 1 KiB to
 * 128 KiB (the JDK's largest socket read, {@code NioSocketImpl.MAX_BUFFER_SIZE}). A buffer is
 * taken when a recv is armed and given back when its bytes are delivered, so only parked
 * readers hold one. At most {@link #KEEP} idle buffers per size are kept; the rest are left to
 * the GC ({@link Arena#ofAuto()}).
 */
final class RecvBuffers {
    private static final int MIN_SHIFT = 10, MAX_SHIFT = 17;
    /** Idle buffers kept per size: enough for a burst of parks without allocating, bounded memory (≤ 16 MiB at 128 KiB). */
    static final int KEEP = 128;

    @SuppressWarnings("unchecked")
    private static final ConcurrentLinkedQueue<MemorySegment>[] FREE = new ConcurrentLinkedQueue[MAX_SHIFT - MIN_SHIFT + 1];
    private static final AtomicIntegerArray COUNT = new AtomicIntegerArray(FREE.length);
    static {
        for (int i = 0; i < FREE.length; i++) FREE[i] = new ConcurrentLinkedQueue<>();
    }

    private RecvBuffers() { }

    /** The largest recv: longer reads are asked for this much (a read may return less than asked). */
    static final int MAX = 1 << MAX_SHIFT;

    private static int sizeClass(int len) {
        int shift = Math.max(MIN_SHIFT, 32 - Integer.numberOfLeadingZeros(Math.max(len, 1) - 1));
        return Math.min(shift, MAX_SHIFT) - MIN_SHIFT;
    }

    /** A buffer of at least {@code min(len, MAX)} bytes. */
    static MemorySegment acquire(int len) {
        int c = sizeClass(len);
        MemorySegment b = FREE[c].poll();
        if (b != null) {
            COUNT.decrementAndGet(c);
            return b;
        }
        return Arena.ofAuto().allocate(1L << (c + MIN_SHIFT), 64);
    }

    /** Gives back a buffer from {@link #acquire} that the kernel no longer owns. */
    static void release(MemorySegment b) {
        int c = sizeClass((int) b.byteSize());
        if (COUNT.incrementAndGet(c) <= KEEP) FREE[c].offer(b);
        else COUNT.decrementAndGet(c);
    }
}
