package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IZZ_Result;

import static io.vtloop.runtime.FdState.READ;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks the whole blocking-read loop on {@link FdState} against one edge: a read attempt
 * ({@link FdState#beginIo}, EAGAIN, {@link FdState#endIoNotReady}: UNKNOWN -> DRAINED), then
 * a real park (row "DRAINED park -> PARKED" of the {@link FdState} state table), then the
 * retry. The kernel is modelled as in {@link FdStateIoEdgeTest}. Whatever the interleaving,
 * the reader must end up reading the data without sleeping its safety timeout.
 * Result: (first attempt: 1 read data, 2 EAGAIN; park slept the whole timeout; retry read data).
 */
@JCStressTest
@Description("FdState: read, EAGAIN, park, retry racing an edge: the reader always gets the data promptly")
@Outcome(id = "1, false, true", expect = ACCEPTABLE, desc = "data first: read at once, no park")
@Outcome(id = "2, false, true", expect = ACCEPTABLE, desc = "EAGAIN, parked or consumed READY, retry read the data")
@Outcome(id = "2, false, false", expect = ACCEPTABLE_INTERESTING, desc = "spurious park return (stale permit): the caller parks again")
@Outcome(id = "2, true, .*", expect = FORBIDDEN, desc = "lost wake-up: the reader slept although the edge came")
@Outcome(expect = FORBIDDEN, desc = "impossible")
@State
public class FdStateReadLoopEdgeTest {
    final FdState s = new FdState(7, 1);
    volatile boolean readable;

    @Actor
    public void reader(IZZ_Result r) {
        int first = IoAttempt.read(s, this::isReadable);
        r.r1 = first;
        if (first == IoAttempt.READ_DATA) {
            r.r3 = true;
            return;
        }
        r.r2 = Parks.parkLost(s, READ);
        r.r3 = IoAttempt.read(s, this::isReadable) == IoAttempt.READ_DATA;
    }

    @Actor
    public void carrier() {
        readable = true;
        s.edge(READ);
    }

    boolean isReadable() { return readable; }
}
