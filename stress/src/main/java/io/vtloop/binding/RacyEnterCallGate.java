package io.vtloop.binding;

/**
 * The real {@link CallGate} with one planted bug, for {@link CallGateEnterCloseControlTest}: its
 * test-only seam {@link CallGate#racyEnter} returns true, so {@link CallGate#tryEnter} reads the
 * state, checks {@code CLOSED} and then writes the incremented count (two steps) instead of one
 * {@code getAndAdd}. A close whose CAS lands in between sees no call in flight and frees the
 * handle; the call's write then overwrites {@code CLOSED} and the call uses the freed handle.
 * Everything else is the real class. Never use outside the control test.
 */
final class RacyEnterCallGate extends CallGate {
    RacyEnterCallGate() {
        super("RacyEnterCallGate");
    }

    @Override
    boolean racyEnter() {
        return true;
    }
}
