package io.vtloop.binding;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The native memory of an {@link EventBuffer} or a {@link CompletionBuffer}: {@code capacity}
 * slots of {@value #SIZE} bytes that a downcall fills and Java reads.
 *
 * <p>The memory comes from an automatic {@link Arena}: the binding passes its address as a
 * {@code long} and keeps the owning buffer reachable until the call returns, and the memory is
 * freed once the buffer is unreachable, so a {@link #close} that races a call never frees memory the
 * kernel is writing. Reads go through a native-order {@link ByteBuffer}: a segment's {@code get}
 * starts var-handle machinery that costs a fresh JVM 9-16 ms at its first event; a direct buffer's is
 * warm (bench/results/2026-12-07-direct-downcalls/bind-cost).
 */
final class Slots {
    /** Bytes per slot. */
    static final int SIZE = 16;
    /** The largest capacity, bounded by the 2 GiB a Java int addresses. */
    static final int MAX_CAPACITY = Integer.MAX_VALUE / SIZE;

    private final String owner;
    private final int capacity;
    private final MemorySegment segment;
    private final ByteBuffer view;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param owner names the buffer in exceptions, e.g. {@code "EventBuffer"}
     * @throws IllegalArgumentException if {@code capacity} is not in 1 to {@link #MAX_CAPACITY}
     */
    Slots(int capacity, String owner) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity " + capacity + " not in [1, " + MAX_CAPACITY + "]");
        }
        this.owner = owner;
        this.capacity = capacity;
        this.segment = Arena.ofAuto().allocate((long) capacity * SIZE, 8);
        this.view = segment.asByteBuffer().order(ByteOrder.nativeOrder());
    }

    int capacity() { return capacity; }

    /** The {@code long} at byte {@code field} of slot {@code i}. */
    long getLong(int i, int field) { return view.getLong(offset(i) + field); }

    /** The {@code int} at byte {@code field} of slot {@code i}. */
    int getInt(int i, int field) { return view.getInt(offset(i) + field); }

    /** The memory (stress/ fills it by hand). */
    MemorySegment segment() { return segment; }

    /**
     * The address, for the downcall; the caller keeps the owner reachable until the call returns
     * ({@link java.lang.ref.Reference#reachabilityFence}).
     *
     * @throws IllegalStateException if closed
     */
    long address() {
        if (closed.get()) throw closedException();
        return segment.address();
    }

    /** Ends the use: later reads and calls throw {@link IllegalStateException}. Idempotent. */
    void close() { closed.set(true); }

    boolean isClosed() { return closed.get(); }

    /** Slot {@code i}'s offset; a plain read of {@code closed}: the owner's own later use. */
    private int offset(int i) {
        if (closed.getPlain()) throw closedException();
        return Objects.checkIndex(i, capacity) * SIZE;
    }

    private IllegalStateException closedException() {
        return new IllegalStateException(owner + " is closed");
    }
}
