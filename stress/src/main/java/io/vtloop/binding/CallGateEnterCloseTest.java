package io.vtloop.binding;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks the real {@link CallGate} (the guard of {@link EpollPoller}'s and {@link IoUring}'s
 * native handle): a call entering races {@code close} on an open gate with no call in flight
 * (rows OPEN(0) enter, OPEN(n) close begins, CLOSING(1) last call leaves, CLOSING refused
 * enter). Either the call got in first and close waited for it to leave before the handle was
 * freed, or the call was refused with {@link IllegalStateException}; never both "freed" and
 * "in use" ({@link GuardedHandle} models the handle). Afterwards the gate is closed with no
 * call counted.
 * Result: (call entered, the call saw the handle freed while in use, the closer freed it
 * while the call had it in use, afterwards closed with 0 calls in flight).
 */
@JCStressTest
@Description("CallGate: a call entering races close: it gets in and close waits for it, or it is refused")
@Outcome(id = "true, false, false, true", expect = ACCEPTABLE, desc = "the call got in first; close waited for it to leave, then freed")
@Outcome(id = "false, false, false, true", expect = ACCEPTABLE, desc = "close began first; the call was refused (IllegalStateException)")
@Outcome(id = "true, (true, true|true, false|false, true), true", expect = FORBIDDEN,
        desc = "freed while in use: close did not wait for the call in flight")
@Outcome(id = ".*, false", expect = FORBIDDEN,
        desc = "afterwards not CLOSED with 0 calls in flight: an enter overwrote CLOSED, or a count leaked")
@Outcome(expect = FORBIDDEN, desc = "any other outcome")
@State
public class CallGateEnterCloseTest {
    final GuardedHandle h = new GuardedHandle(new CallGate("CallGateEnterCloseTest"));

    /** A poll, register or submit on the handle, from any thread. */
    @Actor
    public void call(ZZZZ_Result r) {
        int c = h.call();
        r.r1 = c != 0;
        r.r2 = c == 2;
    }

    /** close(), from another thread. */
    @Actor
    public void closer(ZZZZ_Result r) {
        r.r3 = h.close();
    }

    @Arbiter
    public void after(ZZZZ_Result r) {
        r.r4 = h.closedAndEmpty();
    }
}
