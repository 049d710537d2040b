package io.vtloop.binding;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Native memory receiving the completions of {@link IoUring#submitAndWait} and
 * {@link IoUring#peek}: {@link #capacity()} slots of
 * {@code struct { uint64_t user_data; int32_t res; uint32_t flags; }} (16 bytes, the same
 * size as an {@link EventBuffer} slot). After {@code n = ring.submitAndWait(buffer, timeout)},
 * slots {@code 0..n-1} hold completions; later slots hold stale data.
 *
 * <p>The memory comes from a shared {@link Arena}, so any thread may fill and read the
 * buffer, but not concurrently: a buffer belongs to one ring owner at a time.
 * {@link #close()} frees it; later use throws {@link IllegalStateException}.
 */
public final class CompletionBuffer implements AutoCloseable {

    /** Bytes per slot. */
    static final long SLOT_SIZE = 16;
    /** The largest capacity, bounded by the 2 GiB a Java int addresses. */
    public static final int MAX_CAPACITY = Integer.MAX_VALUE / (int) SLOT_SIZE;

    private final Arena arena = Arena.ofShared();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final MemorySegment slots;
    private final int capacity;

    /**
     * Allocates a buffer.
     *
     * @param capacity the number of slots, 1 to {@link #MAX_CAPACITY}
     * @throws IllegalArgumentException if {@code capacity} is out of range
     */
    public CompletionBuffer(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            arena.close();
            throw new IllegalArgumentException("capacity " + capacity + " not in [1, " + MAX_CAPACITY + "]");
        }
        this.capacity = capacity;
        this.slots = arena.allocate(capacity * SLOT_SIZE, 8);
    }

    /**
     * Returns the number of slots.
     *
     * @return the capacity given at construction
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Returns the user data of the request that completed in slot {@code i}, as given to the
     * prep call.
     *
     * @param i the slot, {@code 0 <= i < capacity()}
     * @return the user data
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     * @throws IllegalStateException if the buffer is closed
     */
    public long userData(int i) {
        return slots.get(ValueLayout.JAVA_LONG, Objects.checkIndex(i, capacity) * SLOT_SIZE);
    }

    /**
     * Returns the result of slot {@code i}: bytes transferred ({@code 0} at end of stream),
     * the ready poll bits (see {@link Events}), or {@code -errno} (see {@link IoUring#errnoName}).
     *
     * @param i the slot, {@code 0 <= i < capacity()}
     * @return the kernel's {@code cqe->res}
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     * @throws IllegalStateException if the buffer is closed
     */
    public int result(int i) {
        return slots.get(ValueLayout.JAVA_INT, Objects.checkIndex(i, capacity) * SLOT_SIZE + 8);
    }

    /**
     * Returns the {@code IORING_CQE_F_*} flags of slot {@code i}.
     *
     * @param i the slot, {@code 0 <= i < capacity()}
     * @return the kernel's {@code cqe->flags}
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     * @throws IllegalStateException if the buffer is closed
     */
    public int flags(int i) {
        return slots.get(ValueLayout.JAVA_INT, Objects.checkIndex(i, capacity) * SLOT_SIZE + 12);
    }

    /**
     * Tells whether the request of slot {@code i} stays armed ({@link IoUring#CQE_F_MORE}):
     * a multishot poll that will report more. {@code false} means this was its last completion.
     *
     * @param i the slot, {@code 0 <= i < capacity()}
     * @return {@code true} if more completions of that request will follow
     */
    public boolean hasMore(int i) {
        return (flags(i) & IoUring.CQE_F_MORE) != 0;
    }

    /** The native slots, for the downcall. */
    MemorySegment segment() {
        return slots;
    }

    /**
     * Frees the native memory. Idempotent; must not race with a call filling this buffer.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "CompletionBuffer[capacity=" + capacity + (closed.get() ? ", closed]" : "]");
    }
}
