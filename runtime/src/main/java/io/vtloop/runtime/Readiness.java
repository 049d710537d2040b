package io.vtloop.runtime;

import io.vtloop.binding.EventBuffer;
import io.vtloop.binding.Events;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;

/**
 * Per-fd readiness for one scheduler, the JDK {@code Poller}'s replacement: the {@link FdTable},
 * the registration of an fd with a carrier's {@link Backend}, parks, stopPoll, forgetting
 * closed fds, and the dispatch of polled epoll events to {@link FdState}s.
 *
 * <p>An fd is registered once, with the backend of the carrier where a thread first parks on
 * it; token = generation &lt;&lt; 32 | fd. With epoll every later park costs no system call and
 * events are dispatched by whichever thread polls that epoll; io_uring arms a request per park
 * on the parking thread's carrier instead ({@link UringBackend}).
 */
final class Readiness {
    /** Events that end a read wait (urgent data too); those that end a write wait; those that disable skipping. */
    static final int READ_EVENTS = Events.READABLE | Events.PRI,
            WRITE_EVENTS = Events.WRITABLE,
            NO_SKIP_EVENTS = Events.PRI | Events.RDHUP | Events.HUP | Events.ERR;

    private final FdTable fds = new FdTable();
    private volatile IntPredicate skippable;   // null: every fd (no lambda: its bootstrap costs start-up time)

    /**
     * Sets the check made once per registration: false disables skipping for that fd (for
     * example SO_RCVLOWAT above 1; see {@link FdState}). The agent sets it; default: true.
     */
    void skipPolicy(IntPredicate p) { skippable = p; }

    /** The state of {@code fd} if it is registered, else null (no registration, no allocation). */
    FdState state(int fd) { return fds.get(fd); }

    /**
     * Parks the current thread until {@code fd} is ready for {@code dir}, the timeout, or a
     * stopPoll, registering the fd with {@code carrier}'s backend first if it is new.
     */
    void park(int fd, int dir, long nanos, BooleanSupplier isOpen, Carrier carrier) throws IOException {
        FdState s = fds.get(fd);
        if (s == null) s = register(fd, carrier);
        carrier.backend.park(s, dir, nanos, isOpen);
    }

    /**
     * Registers {@code fd} with {@code carrier}'s backend, and counts it there
     * ({@link Carrier#fdRegistered}: a carrier whose poller watches no fd sleeps parked) until
     * {@link #forget} takes the count back; a forget that races with this registration leaves
     * the count to this method, which then gives it back itself.
     */
    private FdState register(int fd, Carrier carrier) throws IOException {
        FdState fresh = new FdState(fd, fds.nextGeneration());
        FdState s = fds.putIfAbsent(fresh);
        if (s != fresh) return s;                      // another thread registers it
        IntPredicate p = skippable;
        if (p != null && !p.test(fd)) s.disableSkipping();
        try {
            carrier.backend.register(s);
        } catch (IOException | RuntimeException e) {
            fds.forget(fd, s);
            s.edge(FdState.READ);    // let a thread that raced onto s retry
            s.edge(FdState.WRITE);
            throw e;
        }
        carrier.fdRegistered();
        s.registeredOn(carrier);
        if (fds.get(fd) != s) uncount(s);              // forgotten meanwhile: forget found no carrier, or gave it back
        return s;
    }

    /** Gives back the registration count {@code s} holds, if it still holds it. */
    private static void uncount(FdState s) {
        Carrier c = s.takeCarrier();
        if (c != null) c.fdForgotten();
    }

    /** Wakes a thread parked on {@code fd} for {@code dir} (the JDK's stopPoll). */
    void stopPoll(int fd, int dir) {
        FdState s = fds.get(fd);
        if (s != null) s.edge(dir);
    }

    /** A channel on {@code fd} was configured non-blocking: never skip its I/O (see {@link FdState}). */
    void nonBlocking(int fd) {
        FdState s = fds.get(fd);
        if (s != null) s.disableSkipping();
    }

    /** The JDK is closing {@code fd}: forget it so a reuse of the number registers afresh. */
    void forget(int fd) {
        FdState s = fds.forget(fd);
        if (s != null) {  // nobody should be parked (the JDK closes after blocked threads leave)
            uncount(s);
            s.edge(FdState.READ);
            s.edge(FdState.WRITE);
        }
    }

    /** Dispatches the first {@code n} events of {@code events}; returns how many were stale. */
    int dispatch(EventBuffer events, int n) {
        int stale = 0;
        for (int i = 0; i < n; i++) {
            FdState s = fds.lookup(events.token(i));
            if (s == null) { stale++; continue; }
            int ev = events.events(i);
            if ((ev & NO_SKIP_EVENTS) != 0) s.disableSkipping();   // before the edge: see FdState
            if ((ev & READ_EVENTS) != 0) s.edge(FdState.READ);
            if ((ev & WRITE_EVENTS) != 0) s.edge(FdState.WRITE);
        }
        return stale;
    }
}
