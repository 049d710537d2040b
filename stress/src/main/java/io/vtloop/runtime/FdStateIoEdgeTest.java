package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IL_Result;

import static io.vtloop.runtime.FdState.READ;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks {@link FdState#beginIo} / {@link FdState#endIoNotReady} (row "UNKNOWN/READY/DRAINED
 * I/O not ready, seq unchanged since it started -> DRAINED" of the {@link FdState} state
 * table) against {@link FdState#edge}, starting from UNKNOWN. The kernel is modelled by a
 * volatile flag: data becomes readable, then epoll reports the edge. An I/O that found no
 * data therefore ran before the edge, and an edge during the I/O must survive it: DRAINED
 * after the race would make the next park sleep with data waiting.
 * Result: (I/O outcome: 0 skipped as DRAINED, 1 read data, 2 EAGAIN; final read state).
 */
@JCStressTest
@Description("FdState: beginIo/endIoNotReady racing an edge (from UNKNOWN): an edge during the I/O is never lost")
@Outcome(id = "1, READY", expect = ACCEPTABLE, desc = "data first: the I/O read it (the edge stays READY, harmless)")
@Outcome(id = "2, READY", expect = ACCEPTABLE, desc = "EAGAIN, then the edge: its READY survives endIoNotReady")
@Outcome(id = ".*, DRAINED/.*", expect = FORBIDDEN, desc = "lost edge: DRAINED although an edge raced the I/O")
@Outcome(expect = FORBIDDEN, desc = "impossible state or I/O skipped on UNKNOWN")
@State
public class FdStateIoEdgeTest {
    final FdState s = new FdState(7, 1);
    volatile boolean readable;   // the socket's receive queue

    /** A read attempt: beginIo, the non-blocking read, endIoNotReady on EAGAIN. */
    @Actor
    public void reader(IL_Result r) {
        r.r1 = IoAttempt.read(s, this::isReadable);
    }

    /** Data arrives, then the carrier dispatches the edge epoll reported. */
    @Actor
    public void carrier() {
        readable = true;
        s.edge(READ);
    }

    @Arbiter
    public void after(IL_Result r) {
        r.r2 = Parks.state(s, READ);
    }

    boolean isReadable() { return readable; }
}
