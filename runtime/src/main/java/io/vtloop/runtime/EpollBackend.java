package io.vtloop.runtime;

import io.vtloop.binding.EpollPoller;
import io.vtloop.binding.EventBuffer;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * The epoll {@link Backend}: every fd is registered once, edge-triggered
 * ({@code IN|OUT|RDHUP|PRI}), with the epoll of the carrier where a thread first parks on it;
 * a park costs no system call, and the edges are dispatched by whoever polls that epoll.
 *
 * <p>The epoll instance, its eventfd and the event buffers are created at the carrier's first
 * registration, not with the carrier: a program that never waits for an fd never binds a
 * downcall (the FFM linker's start costs about 100 ms of CPU, more than the whole JVM's start).
 * Until then a carrier has nothing to poll and sleeps parked ({@code Carrier.pollerIdle}), so
 * {@link #poll} and {@link #pollFromMonitor} find nothing and {@link #wakeup} has no poll to end;
 * a new poller is woken once as it is published, which stands for every wake-up sent while
 * there was none ("ends the next poll", the contract's other half). A kernel that refuses the
 * epoll or the eventfd (EMFILE) fails that registration, and so the park that asked for it, with
 * the {@code IOException}; the next registration tries again.
 */
final class EpollBackend implements Backend {
    private final Readiness readiness;
    private final CarrierStats stats;
    /** Null until the first registration; then set once (under this), never cleared. */
    private volatile Native ready;
    /** Set by {@link #close} (under this): no poller is created after it. */
    private boolean closed;

    /** What the first registration creates. */
    private record Native(EpollPoller poller, EventBuffer events, EventBuffer monitorEvents) { }

    EpollBackend(Readiness readiness, CarrierStats stats) {
        this.readiness = readiness;
        this.stats = stats;
    }

    @Override public String name() { return "epoll"; }

    @Override public boolean reportsOnlyRegistered() { return true; }

    @Override
    public void register(FdState s) throws IOException { open().poller.register(s.fd, s.token()); }

    /** The native part, created by the first caller (any thread: a registration may come from off the carriers). */
    private Native open() throws IOException {
        Native n = ready;
        return n != null ? n : create();
    }

    private synchronized Native create() throws IOException {
        Native n = ready;
        if (n != null) return n;
        if (closed) throw new IOException("the carrier's poller is closed");
        EpollPoller poller = EpollPoller.open();
        EventBuffer events = null;
        try {
            events = new EventBuffer(1024);
            n = new Native(poller, events, new EventBuffer(256));   // the Monitor's: it may poll concurrently
        } catch (RuntimeException | Error e) {
            if (events != null) events.close();
            poller.close();
            throw e;
        }
        ready = n;
        poller.wakeup();   // after the publication: covers a wakeup() that found no poller
        return n;
    }

    @Override
    public void park(FdState s, int dir, long nanos, BooleanSupplier isOpen) { s.park(dir, nanos, isOpen); }

    @Override public boolean emptyPollIsCostly() { return true; }

    @Override
    public int poll(long timeoutNanos) throws IOException {
        Native n = ready;
        if (n == null) return 0;   // not reached: no fd registered means the carrier sleeps parked
        int k = n.poller.poll(n.events, timeoutNanos);
        stats.staleEvents += readiness.dispatch(n.events, k);
        return k;
    }

    @Override
    public int pollFromMonitor() throws IOException {   // epoll_wait may run concurrently with the carrier's
        Native n = ready;
        if (n == null) return 0;
        int k = n.poller.pollFromOtherThread(n.monitorEvents);   // a wake-up stays for the carrier
        readiness.dispatch(n.monitorEvents, k);
        return k;
    }

    @Override
    public void wakeup() {
        Native n = ready;
        if (n != null) n.poller.wakeup();
    }

    @Override
    public void close() throws IOException {
        Native n;
        synchronized (this) {
            closed = true;
            n = ready;
        }
        if (n == null) return;
        try {
            n.poller.close();
        } finally {
            n.events.close();
            n.monitorEvents.close();
        }
    }
}
