package io.vtloop.binding;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The native memory of an {@link EventBuffer} or a {@link CompletionBuffer}: {@code capacity}
 * slots of {@value #SIZE} bytes that a downcall fills and Java reads.
 *
 * <p>The memory is a direct {@link ByteBuffer} (native order): the binding passes its address as a
 * {@code long} ({@link RestrictedMethods#address}) and keeps the owning buffer reachable until the
 * call returns, and the buffer's cleaner frees the memory once it is unreachable, so a
 * {@link #close} that races a call never frees memory the kernel is writing. Not FFM memory: the
 * first automatic arena and segment of a fresh JVM initialise the FFM session and segment classes
 * and spin a dozen method-handle classes, ~20-30 ms of a one-core start at the first socket
 * operation (session 15's class-loading log), and a segment's {@code get} starts var-handle
 * machinery (9-16 ms at the first event, bench/results/2026-12-07-direct-downcalls/bind-cost); a
 * direct buffer's classes are warm (the JDK's own start uses them).
 */
final class Slots {
    /** Bytes per slot. */
    static final int SIZE = 16;
    /** The largest capacity, bounded by the 2 GiB a Java int addresses. */
    static final int MAX_CAPACITY = Integer.MAX_VALUE / SIZE;

    private final String owner;
    private final int capacity;
    private final ByteBuffer view;
    private final long address;
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
        this.view = ByteBuffer.allocateDirect(capacity * SIZE).order(ByteOrder.nativeOrder());   // malloc: 16-byte aligned
        this.address = RestrictedMethods.address(view);
    }

    int capacity() { return capacity; }

    /** The {@code long} at byte {@code field} of slot {@code i}. */
    long getLong(int i, int field) { return view.getLong(offset(i) + field); }

    /** The {@code int} at byte {@code field} of slot {@code i}. */
    int getInt(int i, int field) { return view.getInt(offset(i) + field); }

    /** The memory as a segment (stress/ fills it by hand). */
    MemorySegment segment() { return MemorySegment.ofBuffer(view); }

    /**
     * The address, for the downcall; the caller keeps the owner reachable until the call returns
     * ({@link java.lang.ref.Reference#reachabilityFence}).
     *
     * @throws IllegalStateException if closed
     */
    long address() {
        if (closed.get()) throw closedException();
        return address;
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
