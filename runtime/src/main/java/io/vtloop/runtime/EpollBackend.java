package io.vtloop.runtime;

import io.vtloop.binding.EpollPoller;
import io.vtloop.binding.EventBuffer;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * The epoll {@link Backend}: every fd is registered once, edge-triggered
 * ({@code IN|OUT|RDHUP|PRI}), with the epoll of the carrier where a thread first parks on it;
 * a park costs no system call, and the edges are dispatched by whoever polls that epoll.
 */
final class EpollBackend implements Backend {
    private final Readiness readiness;
    private final CarrierStats stats;
    private final EpollPoller poller;
    private final EventBuffer events = new EventBuffer(1024);
    private final EventBuffer monitorEvents = new EventBuffer(256);   // the Monitor's: it may poll concurrently

    EpollBackend(Readiness readiness, CarrierStats stats) throws IOException {
        this.readiness = readiness;
        this.stats = stats;
        this.poller = EpollPoller.open();
    }

    @Override public String name() { return "epoll"; }

    @Override public boolean reportsOnlyRegistered() { return true; }

    @Override
    public void register(FdState s) throws IOException { poller.register(s.fd, s.token()); }

    @Override
    public void park(FdState s, int dir, long nanos, BooleanSupplier isOpen) { s.park(dir, nanos, isOpen); }

    @Override public boolean emptyPollIsCostly() { return true; }

    @Override
    public int poll(long timeoutNanos) throws IOException {
        int n = poller.poll(events, timeoutNanos);
        stats.staleEvents += readiness.dispatch(events, n);
        return n;
    }

    @Override
    public int pollFromMonitor() throws IOException {   // epoll_wait may run concurrently with the carrier's
        int n = poller.pollFromOtherThread(monitorEvents);   // a wake-up stays for the carrier
        readiness.dispatch(monitorEvents, n);
        return n;
    }

    @Override public void wakeup() { poller.wakeup(); }

    @Override
    public void close() throws IOException {
        try {
            poller.close();
        } finally {
            events.close();
            monitorEvents.close();
        }
    }
}
