package io.vtloop.binding;

import java.lang.foreign.MemorySegment;

/**
 * Native memory receiving the events of {@link EpollPoller#poll}: {@link #capacity()}
 * slots of {@code struct { uint64_t token; uint32_t events; uint32_t pad; }} (16 bytes).
 * After {@code n = poller.poll(buffer, timeout)}, slots {@code 0..n-1} hold the ready
 * descriptors; later slots hold stale data.
 *
 * <p>The memory comes from an automatic {@link java.lang.foreign.Arena} ({@link Slots}), so any thread may fill and read the
 * buffer, but not concurrently: a buffer belongs to one polling thread at a time.
 * {@link #close()} ends its use: later use throws {@link IllegalStateException}. The memory is freed
 * once the buffer is unreachable, never while a downcall fills it (the binding passes its
 * address as a {@code long} and keeps the buffer reachable until the call returns).
 */
public final class EventBuffer implements AutoCloseable {

    /** The largest capacity, bounded by the 2 GiB a Java int addresses. */
    public static final int MAX_CAPACITY = Slots.MAX_CAPACITY;

    private final Slots slots;

    /**
     * Allocates a buffer.
     *
     * @param capacity the number of slots, 1 to {@link #MAX_CAPACITY}
     * @throws IllegalArgumentException if {@code capacity} is out of range
     */
    public EventBuffer(int capacity) {
        this.slots = new Slots(capacity, "EventBuffer");
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
     * Returns the token of the descriptor in slot {@code i}, as given to {@link EpollPoller#register}.
     *
     * @param i the slot, {@code 0 <= i < capacity()}
     * @return the token
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     * @throws IllegalStateException if the buffer is closed
     */
    public long token(int i) {
        return slots.getLong(i, 0);
    }

    /**
     * Returns the ready bits of slot {@code i}; see {@link Events}.
     *
     * @param i the slot, {@code 0 <= i < capacity()}
     * @return the raw epoll event bits
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     * @throws IllegalStateException if the buffer is closed
     */
    public int events(int i) {
        return slots.getInt(i, 8);
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
        return "EventBuffer[capacity=" + slots.capacity() + (slots.isClosed() ? ", closed]" : "]");
    }
}
