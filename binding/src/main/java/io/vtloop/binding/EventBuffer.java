package io.vtloop.binding;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Native memory receiving the events of {@link EpollPoller#poll}: {@link #capacity()}
 * slots of {@code struct { uint64_t token; uint32_t events; uint32_t pad; }} (16 bytes).
 * After {@code n = poller.poll(buffer, timeout)}, slots {@code 0..n-1} hold the ready
 * descriptors; later slots hold stale data.
 *
 * <p>The memory comes from a shared {@link Arena}, so any thread may fill and read the
 * buffer, but not concurrently: a buffer belongs to one polling thread at a time.
 * {@link #close()} frees it; later use throws {@link IllegalStateException}.
 */
public final class EventBuffer implements AutoCloseable {

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
    public EventBuffer(int capacity) {
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
     * Returns the token of the descriptor in slot {@code i}, as given to {@link EpollPoller#register}.
     *
     * @param i the slot, {@code 0 <= i < capacity()}
     * @return the token
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     * @throws IllegalStateException if the buffer is closed
     */
    public long token(int i) {
        return slots.get(ValueLayout.JAVA_LONG, Objects.checkIndex(i, capacity) * SLOT_SIZE);
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
        return slots.get(ValueLayout.JAVA_INT, Objects.checkIndex(i, capacity) * SLOT_SIZE + 8);
    }

    /** The native slots, for the downcall. */
    MemorySegment segment() {
        return slots;
    }

    /**
     * Frees the native memory. Idempotent; must not race with a poll filling this buffer.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "EventBuffer[capacity=" + capacity + (closed.get() ? ", closed]" : "]");
    }
}
