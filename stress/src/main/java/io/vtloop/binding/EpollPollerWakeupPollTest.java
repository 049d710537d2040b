package io.vtloop.binding;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks {@link EpollPoller#wakeup()} racing a {@link EpollPoller#poll} that is entering,
 * inside, or leaving {@code epoll_wait} (the C side drains the eventfd, then clears
 * {@code wake_pending}; a wakeup that still sees the flag set is served by that return).
 * The poll must end promptly; afterwards nothing may be left pending, and the flag must be
 * clear, so that the next wakeup() ends the next poll (a flag stuck at 1 would swallow every
 * later wake-up of this carrier).
 * Result: (racing poll returned promptly, then an idle poll lasted its timeout,
 * then wakeup() + poll returned promptly).
 */
@JCStressTest
@Description("EpollPoller: wakeup() racing a poll: the poll ends, nothing is left over, the next wakeup works")
@Outcome(id = "true, true, true", expect = ACCEPTABLE, desc = "the wake-up ended the poll and was fully consumed")
@Outcome(id = "false, .*", expect = FORBIDDEN, desc = "lost wake-up: the racing poll waited its whole timeout")
@Outcome(id = "true, false, .*", expect = FORBIDDEN, desc = "a wake-up was left pending after the poll it ended")
@Outcome(id = "true, true, false", expect = FORBIDDEN, desc = "wake-up flag stuck: a later wakeup() did not end the poll")
@State
public class EpollPollerWakeupPollTest {
    final PollerCase c = new PollerCase();

    /** The carrier sleeping in its poller. */
    @Actor
    public void carrier(ZZZ_Result r) {
        r.r1 = c.pollReturnsPromptly();
    }

    /** A submitter that claimed the carrier's wake-up. */
    @Actor
    public void submitter() {
        c.poller.wakeup();
    }

    @Arbiter
    public void after(ZZZ_Result r) {
        r.r2 = c.pollBlocksUntilTimeout();
        c.poller.wakeup();
        r.r3 = c.pollReturnsPromptly();
        c.close();
    }
}
