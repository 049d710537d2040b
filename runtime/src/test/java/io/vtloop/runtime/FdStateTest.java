package io.vtloop.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** FdState's transitions, one thread at a time (the races are in stress/). */
// Package-private access: with the agent these classes live in the boot loader, another runtime package.
@DisabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
class FdStateTest {
    static FdState fresh() { return new FdState(5, 1); }

    @Test
    void edgeBeforeParkMakesParkReturnAtOnce() {
        FdState s = fresh();
        assertFalse(s.edge(FdState.READ));
        assertEquals(FdState.READY, FdState.mode(s.state(FdState.READ)));
        long t0 = System.nanoTime();
        s.park(FdState.READ, TimeUnit.SECONDS.toNanos(5), () -> true);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1));
        assertEquals(FdState.UNKNOWN, FdState.mode(s.state(FdState.READ)));
    }

    @Test
    void parkTimesOutAndWithdraws() {
        FdState s = fresh();
        s.park(FdState.WRITE, TimeUnit.MILLISECONDS.toNanos(20), () -> true);
        assertEquals(FdState.UNKNOWN, FdState.mode(s.state(FdState.WRITE)));
        assertFalse(s.edge(FdState.WRITE), "nobody parked any more");
    }

    @Test
    void edgeWakesParkedThread() throws Exception {
        FdState s = fresh();
        Thread t = Thread.ofPlatform().start(() -> s.park(FdState.READ, 0, () -> true));
        while (t.getState() != Thread.State.WAITING) Thread.sleep(1);
        assertTrue(s.edge(FdState.READ));
        t.join(5000);
        assertFalse(t.isAlive());
    }

    @Test
    void closedChannelDoesNotPark() {
        FdState s = fresh();
        s.park(FdState.READ, 0, () -> false);   // returns: isOpen says closed
        assertEquals(FdState.UNKNOWN, FdState.mode(s.state(FdState.READ)));
    }

    @Test
    void drainedUntilNextEdge() {
        FdState s = fresh();
        int snap = s.beginIo(FdState.READ);
        assertNotEquals(-1, snap);
        s.endIoNotReady(FdState.READ, snap);
        assertEquals(-1, s.beginIo(FdState.READ), "known not ready: skip");
        s.edge(FdState.READ);
        assertNotEquals(-1, s.beginIo(FdState.READ), "an edge came: try again");
    }

    @Test
    void edgeDuringIoPreventsDrained() {
        FdState s = fresh();
        int snap = s.beginIo(FdState.READ);
        s.edge(FdState.READ);                   // data arrived while the read ran
        s.endIoNotReady(FdState.READ, snap);
        assertEquals(FdState.READY, FdState.mode(s.state(FdState.READ)));
    }

    @Test
    void nothingIsSkippedAfterHangup() {
        FdState s = fresh();
        s.disableSkipping();                              // FIN behind the last bytes: a short read is not "drained"
        s.endIoNotReady(FdState.READ, s.beginIo(FdState.READ));
        assertNotEquals(-1, s.beginIo(FdState.READ));
    }
}
