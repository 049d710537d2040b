package io.vtloop.binding;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Native memory receiving the events of {@link EpollPoller#poll}: {@link #capacity()}
 * slots of {@code struct { uint64_t token; uint32_t events; uint32_t pad; }} (16 bytes).
 * After {@code n = poller.poll(buffer, timeout)}, slots {@code 0..n-1} hold the ready
 * descriptors; later slots hold stale data.
 *
 * <p>The memory comes from an automatic {@link Arena}, so any thread may fill and read the
 * buffer, but not concurrently: a buffer belongs to one polling thread at a time.
 * {@link #close()} ends its use: later use throws {@link IllegalStateException}. The memory is freed
 * once the buffer is unreachable, never while a downcall fills it (the binding passes its
 * address as a {@code long} and keeps the buffer reachable until the call returns).
 */
public final class EventBuffer implements AutoCloseable {

    /** Bytes per slot. */
    static final long SLOT_SIZE = 16;
    /** The largest capacity, bounded by the 2 GiB a Java int addresses. */
    public static final int MAX_CAPACITY = Integer.MAX_VALUE / (int) SLOT_SIZE;

    private final AtomicBoolean closed = new AtomicBoolean();
    private final MemorySegment slots;
    /**
     * The slots as a native-order buffer, for the reads: a segment's {@code get} starts var-handle
     * machinery that costs a fresh JVM ~10 ms at its first event; a direct buffer's is warm.
     */
    private final ByteBuffer view;
    private final int capacity;

    /**
     * Allocates a buffer.
     *
     * @param capacity the number of slots, 1 to {@link #MAX_CAPACITY}
     * @throws IllegalArgumentException if {@code capacity} is out of range
     */
    public EventBuffer(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity " + capacity + " not in [1, " + MAX_CAPACITY + "]");
        }
        this.capacity = capacity;
        this.slots = Arena.ofAuto().allocate(capacity * SLOT_SIZE, 8);
        this.view = slots.asByteBuffer().order(ByteOrder.nativeOrder());
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
        return view.getLong(offset(i));
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
        return view.getInt(offset(i) + 8);
    }

    /** The native slots (stress/ fills them by hand). */
    MemorySegment segment() {
        return slots;
    }

    /**
     * The slots' address, for the downcall; the caller keeps this buffer reachable until the call
     * returns ({@link java.lang.ref.Reference#reachabilityFence}).
     *
     * @throws IllegalStateException if the buffer is closed
     */
    long address() {
        if (closed.get()) throw closedException();
        return slots.address();
    }

    /** Slot {@code i}'s offset; a plain read of {@code closed}: the owner's own later use. */
    private int offset(int i) {
        if (closed.getPlain()) throw closedException();
        return Objects.checkIndex(i, capacity) * (int) SLOT_SIZE;
    }

    private IllegalStateException closedException() {
        return new IllegalStateException(getClass().getSimpleName() + " is closed");
    }

    /**
     * Ends the buffer's use: later use throws {@link IllegalStateException}. Idempotent. The memory
     * is freed once the buffer is unreachable, so a poll in progress that fills it fills live memory.
     */
    @Override
    public void close() {
        closed.set(true);
    }

    @Override
    public String toString() {
        return "EventBuffer[capacity=" + capacity + (closed.get() ? ", closed]" : "]");
    }
}
