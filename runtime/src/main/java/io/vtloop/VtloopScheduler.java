package io.vtloop;

import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A vtloop scheduler: carrier threads ({@code vtloop-carrier-N}), each polling its own native
 * poller between the virtual threads it runs. As an {@link Executor} it is what virtual threads
 * are scheduled on ({@link Vtloop#ofVirtual}); {@link #execute} is the JDK's entry point and is
 * not meant to be called with anything but a virtual thread's continuation.
 *
 * <p>A scheduler from {@link Vtloop#newScheduler} owns threads, native pollers and native
 * memory until it is {@linkplain #close closed}. The one the agent installs serves the whole
 * JVM and cannot be closed.
 */
public interface VtloopScheduler extends Executor, AutoCloseable {

    /** The number of carriers. */
    int carriers();

    /** The kernel interface the carriers poll: {@code "epoll"} or {@code "io_uring"} ({@code vtloop.backend}). */
    String backend();

    /** Counters summed over the carriers, by name: racy snapshots (see {@link SchedulerMXBean}). */
    Map<String, Long> counters();

    /**
     * Stops the scheduler and releases everything it holds. From then on {@link #execute}
     * throws {@link java.util.concurrent.RejectedExecutionException} (so does unparking one of
     * its virtual threads). The carriers first run what is already queued on them, and a carrier
     * lent to a spare thread waits for the blocking call to return; then every carrier and
     * spare thread exits and every poller and native buffer is freed. Virtual threads that are
     * still parked then never run again: close the executors that use this scheduler first.
     * Idempotent.
     *
     * @throws IllegalStateException when called from one of this scheduler's own threads
     * @throws UnsupportedOperationException for the scheduler the agent installed
     */
    @Override
    void close();
}
