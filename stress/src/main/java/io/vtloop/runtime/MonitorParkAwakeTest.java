package io.vtloop.runtime;

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
 * Attacks the {@link Monitor}'s park protocol (steps 1-2 against a-b of its table): both carriers
 * sleep in their pollers, so the monitor, seeing no task run, decides whether to park (the real
 * {@link Monitor#prepareToPark}), while carrier B returns from its poller (the real
 * {@link Carrier#awoke}: {@code WakeupGate.awake}, then {@link Monitor#carrierAwake}, which arms
 * the monitor's real {@code WakeTimer}). Outcome (true, false): the monitor waits although B is
 * awake and nobody arms its timer; B's next long task would then hold what B owns hostage until
 * another carrier happened to wake. The monitor's thread is not started ({@link Unstarted}): the
 * actor plays it, so the result is the decision each side took (an expiry nobody waits for is
 * harmless: it would make the next wait return at once, one spurious look).
 * Result: (the monitor would wait, B armed the monitor's timer).
 */
@JCStressTest
@Description("Monitor parking while every carrier sleeps vs a carrier waking: the monitor does not stay parked")
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "the monitor waits, B saw it and arms its timer")
@Outcome(id = "false, true", expect = ACCEPTABLE, desc = "the monitor saw B awake; B's arming is spurious (one extra look)")
@Outcome(id = "false, false", expect = ACCEPTABLE, desc = "the monitor saw B awake and B saw it not waiting")
@Outcome(id = "true, false", expect = FORBIDDEN, desc = "the monitor waits while B is awake, and B does not arm its timer")
@State
public class MonitorParkAwakeTest {
    private static final Unstarted.Pool POOL = new Unstarted.Pool();
    final CarrierScheduler scheduler = POOL.take();
    final Carrier a = scheduler.carriers[0], b = scheduler.carriers[1];
    final Monitor monitor = scheduler.monitor;

    public MonitorParkAwakeTest() {
        Unstarted.gate(a).prepareToSleep();   // both carriers blocked in their pollers
        Unstarted.gate(b).prepareToSleep();
    }

    /** The monitor: no carrier inside a task, every one asleep. */
    @Actor
    public void monitor(ZZ_Result r) {
        r.r1 = monitor.prepareToPark();
    }

    /** Carrier B: its poll returns (an event, a timer, a wake-up). */
    @Actor
    public void carrier(ZZ_Result r) {
        r.r2 = b.awoke();
    }

    @Arbiter
    public void after() {
        monitor.unparked();
        a.awoke();
        POOL.give(scheduler);
    }
}
