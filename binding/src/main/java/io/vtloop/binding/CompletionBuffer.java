package io.vtloop.binding;

import java.lang.foreign.MemorySegment;

/**
 * Native memory receiving the completions of {@link IoUring#submitAndWait} and
 * {@link IoUring#peek}: {@link #capacity()} slots of
 * {@code struct { uint64_t user_data; int32_t res; uint32_t flags; }} (16 bytes, the same
 * size as an {@link EventBuffer} slot). After {@code n = ring.submitAndWait(buffer, timeout)},
 * slots {@code 0..n-1} hold completions; later slots hold stale data.
 *
 * <p>The memory comes from an automatic {@link java.lang.foreign.Arena} ({@link Slots}), so any thread may fill and read the
 * buffer, but not concurrently: a buffer belongs to one ring owner at a time.
 * {@link #close()} ends its use: later use throws {@link IllegalStateException}. The memory is freed
 * once the buffer is unreachable, never while a downcall fills it (the binding passes its
 * address as a {@code long} and keeps the buffer reachable until the call returns).
 */
public final class CompletionBuffer implements AutoCloseable {

    /** The largest capacity, bounded by the 2 GiB a Java int addresses. */
    public static final int MAX_CAPACITY = Slots.MAX_CAPACITY;

    private final Slots slots;

    /**
     * Allocates a buffer.
     *
     * @param capacity the number of slots, 1 to {@link #MAX_CAPACITY}
     * @throws IllegalArgumentException if {@code capacity} is out of range
     */
    public CompletionBuffer(int capacity) {
        this.slots = new Slots(capacity, "CompletionBuffer");
    }

    /**
     * Returns the number of slots.
     *
     * @return the capacity given at construction
     */
    public int capacity() {
        return slots.capacity();
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
        return slots.getLong(i, 0);
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
        return slots.getInt(i, 8);
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
        return slots.getInt(i, 12);
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

    /** The native slots (stress/ fills them by hand). */
    MemorySegment segment() {
        return slots.segment();
    }

    /** The slots' address, for the downcall: see {@link Slots#address()}. */
    long address() {
        return slots.address();
    }

    /**
     * Ends the buffer's use: later use throws {@link IllegalStateException}. Idempotent. The memory
     * is freed once the buffer is unreachable, so a call in progress that fills it fills live memory.
     */
    @Override
    public void close() {
        slots.close();
    }

    @Override
    public String toString() {
        return "CompletionBuffer[capacity=" + slots.capacity() + (slots.isClosed() ? ", closed]" : "]");
    }
}
