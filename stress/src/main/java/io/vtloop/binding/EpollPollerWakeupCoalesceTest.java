package io.vtloop.binding;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks the coalescing of {@link EpollPoller#wakeup()} (the {@code wake_pending} flag of
 * {@code vtloop_poller_wakeup} in C: plain load, then exchange, then one eventfd write) from
 * two threads at once on a poller nobody polls. Afterwards the next poll must return at once
 * (one wake-up is pending: none lost) and the one after must block until its timeout
 * (nothing left over: the two calls made one wake-up, and the poll drained it).
 * Result: (next poll returned before {@link PollerCase#PROMPT_NANOS},
 * the following poll lasted its {@link PollerCase#IDLE_NANOS}).
 */
@JCStressTest
@Description("EpollPoller: two concurrent wakeup() calls make exactly one pending wake-up")
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "one wake-up pending, consumed by one poll")
@Outcome(id = "false, .*", expect = FORBIDDEN, desc = "lost wake-up: the poll waited its whole timeout")
@Outcome(id = "true, false", expect = FORBIDDEN, desc = "a second wake-up was left pending after the poll")
@State
public class EpollPollerWakeupCoalesceTest {
    final PollerCase c = new PollerCase();

    @Actor
    public void waker1() {
        c.poller.wakeup();
    }

    @Actor
    public void waker2() {
        c.poller.wakeup();
    }

    @Arbiter
    public void after(ZZ_Result r) {
        r.r1 = c.pollReturnsPromptly();
        r.r2 = c.pollBlocksUntilTimeout();
        c.close();
    }
}
