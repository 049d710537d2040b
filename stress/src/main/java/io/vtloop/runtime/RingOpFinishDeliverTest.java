package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.vtloop.runtime.FdState.READ;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks the hand-over of a recv completed on the ring ({@link RingOp}'s row "ARMED final
 * completion is reaped: result stored, then phase (release), then the FdState's edge")
 * against the reader's retry, which copies the bytes out once it sees DONE
 * ({@link FdState#readResult}, {@link RingOp#deliver}): the real {@link UringBackend#finish}
 * after the kernel's stores into the buffer (modelled by plain stores of the poller's
 * thread, which reaped the CQE after the kernel wrote) races the reader. A reader that sees
 * the result must see the result's value and the bytes, never a stale 0 (read as EOF) or a
 * buffer not yet filled. Result: (what the reader's read returned, -1 when no result yet;
 * the last byte it copied).
 */
@JCStressTest
@Description("RingOp: a completed recv seen by the reader carries its result and its bytes")
@Outcome(id = "-1, 0", expect = ACCEPTABLE, desc = "the retry came before the completion: nothing delivered")
@Outcome(id = "3, 3", expect = ACCEPTABLE, desc = "the retry delivered the three bytes")
@Outcome(expect = FORBIDDEN, desc = "DONE seen with a stale result or stale bytes")
@State
public class RingOpFinishDeliverTest {
    final FdState s = new FdState(7, 1);
    final RingOp op = s.ringOp(READ);
    final MemorySegment target = Arena.ofAuto().allocate(8);

    {
        op.kind = RingOp.RECV;
        op.length = 8;
        op.buffer = RecvBuffers.acquire(8);
        op.phase = RingOp.ARMED;
    }

    /** The kernel fills the buffer and posts the CQE; the carrier reaps it. */
    @Actor
    public void poller() {
        op.buffer.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
        op.buffer.set(ValueLayout.JAVA_BYTE, 1, (byte) 2);
        op.buffer.set(ValueLayout.JAVA_BYTE, 2, (byte) 3);
        UringBackend.finish(op, 3);
    }

    /** The reader's retry: beginRead's deliverCompletedRead. */
    @Actor
    public void reader(II_Result r) {
        RingOp done = s.readResult();
        if (done == null) {
            r.r1 = -1;
            return;
        }
        r.r1 = done.deliver(target.address(), 8);
        r.r2 = target.get(ValueLayout.JAVA_BYTE, 2);
    }
}
