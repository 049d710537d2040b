package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZZZ_Result;

import java.lang.reflect.Field;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks {@link CarrierTimer}: the owner carrier firing a due timer ({@code tryFire}, row
 * "PENDING deadline passed -> FIRED") against another thread cancelling it (row "PENDING
 * cancel (any other thread) -> CANCELLED, hand to the owner's remote-cancel queue") of the
 * {@link CarrierTimer} state table. Exactly one wins: the task runs once or never, and a
 * cancelled timer is handed to its owner for removal from the heap.
 *
 * <p>The owner is a real {@link Carrier} of a {@link CarrierScheduler} built once per JVM
 * without starting its threads ({@link Unstarted}); the cancelling actor is not a carrier thread,
 * so its cancel takes the remote path. The arbiter takes each cancelled timer back out of
 * the remote-cancel queue so that it does not grow.
 * Result: (owner fired, cancel won, task ran, timer handed to the owner's remote-cancel queue).
 */
@JCStressTest
@Description("CarrierTimer: a remote cancel racing the owner's fire: exactly one wins")
@Outcome(id = "true, false, true, false", expect = ACCEPTABLE, desc = "fired first: the task ran, the cancel returned false")
@Outcome(id = "false, true, false, true", expect = ACCEPTABLE, desc = "cancelled first: no run, handed to the owner")
@Outcome(id = "true, true, .*", expect = FORBIDDEN, desc = "both fire and cancel won")
@Outcome(expect = FORBIDDEN, desc = "neither won, the task ran wrongly, or the cancel was not handed to the owner")
@State
public class CarrierTimerCancelFireTest {
    private static final Timers OWNER;
    private static final ConcurrentLinkedQueue<?> REMOTE_CANCELS;
    static {
        try {
            OWNER = Unstarted.scheduler(1).carriers[0].timers;   // for the JVM's life
            Field f = Timers.class.getDeclaredField("remoteCancels");
            f.setAccessible(true);
            REMOTE_CANCELS = (ConcurrentLinkedQueue<?>) f.get(OWNER);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    boolean ran;   // written by the timer task on the owner actor
    final CarrierTimer t = new CarrierTimer(System.nanoTime(), () -> ran = true, OWNER);

    /** The owner carrier's runTimers: the deadline has passed. */
    @Actor
    public void owner(ZZZZ_Result r) {
        if (t.tryFire()) {
            r.r1 = true;
            t.task.run();
        }
    }

    /** Another thread cancels (a virtual thread unparked before its park timeout). */
    @Actor
    public void canceller(ZZZZ_Result r) {
        r.r2 = t.cancel(false);
    }

    @Arbiter
    public void after(ZZZZ_Result r) {
        r.r3 = ran;
        r.r4 = REMOTE_CANCELS.remove(t);
    }
}
