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

    /** One read attempt through beginIo/endIo, as the agent's hooks make it; true when it was skipped. */
    static boolean read(FdState s, boolean wouldWait) {
        int snap = s.beginIo(FdState.READ);
        if (snap == FdState.SKIP) return true;
        s.endIo(FdState.READ, snap, wouldWait, wouldWait);
        return false;
    }

    @Test
    void drainedUntilNextEdge() {
        FdState s = fresh();
        assertFalse(read(s, true), "UNKNOWN: tried");
        assertTrue(s.skipAllowed(FdState.READ));
        assertFalse(read(s, true), "a new registration's guess tries DRAINED once more...");
        assertFalse(read(s, true), "...and again");
        assertTrue(read(s, true), "known not ready, and reads here wait: skip");
        s.edge(FdState.READ);
        assertFalse(s.skipAllowed(FdState.READ));
        assertFalse(read(s, false), "an edge came: try again");
    }

    @Test
    void readsThatFindBytesInDrainedAreNotSkipped() {
        // a request-response client whose server answered during its write: the bytes are there
        FdState s = fresh();
        read(s, true);                                    // DRAINED
        for (int i = 0; i < 1000; i++) assertFalse(read(s, false), "attempt " + i + " skipped");
        assertTrue(s.skipAllowed(FdState.READ), "still DRAINED: no edge was dispatched");
    }

    @Test
    void trustedGuessProbesOneInSixteenThenOneInSixtyFour() {
        FdState s = fresh();
        read(s, true);
        int tried = 0, n = 0;
        while (s.skipOdds(FdState.READ) < FdState.SKIP_SURE) {
            if (!read(s, true)) tried++;
            if (++n > 1000) fail("never sure: odds " + s.skipOdds(FdState.READ));
        }
        assertTrue(tried >= 2 && tried < n, tried + " of " + n + " tried while learning");
        int probes = 0;
        for (int i = 0; i < 64 * 100; i++) if (!read(s, true)) probes++;
        assertEquals(100, probes, "sure: one attempt in 64 is tried");
    }

    @Test
    void guessTurnsWhenReadsStartFindingBytes() {
        FdState s = fresh();
        read(s, true);
        for (int i = 0; i < 200; i++) read(s, true);     // sure: reads here wait
        int skipped = 0;
        for (int i = 0; i < 400; i++) if (read(s, false)) skipped++;   // now every attempt would find bytes
        // each probe that finds bytes lowers the odds: 249 -> 217 (probes 1 in 16) -> 190 -> 166 (tried)
        assertTrue(skipped <= 64 + 2 * 16, skipped + " wrong skips before the guess turned");
        assertFalse(read(s, false));
        assertTrue(s.skipOdds(FdState.READ) < FdState.SKIP_TRUSTED);
    }

    @Test
    void writesHaveTheirOwnGuess() {
        FdState s = fresh();
        read(s, true);
        for (int i = 0; i < 100; i++) read(s, true);
        int snap = s.beginIo(FdState.WRITE);
        assertNotEquals(FdState.SKIP, snap);
        s.endIo(FdState.WRITE, snap, true, true);       // the send buffer was full: DRAINED
        assertNotEquals(FdState.SKIP, s.beginIo(FdState.WRITE), "the write guess starts untrusted");
        assertEquals(FdState.SKIP_ODDS_START, s.skipOdds(FdState.WRITE));
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
