package io.vtloop.runtime;

/**
 * The real {@link FdState} with one planted bug, for {@link FdStateParkEdgeControlTest}: its
 * test-only seam {@link FdState#plainEdge} returns true, so {@link FdState#edge} writes its
 * new state (a volatile store) instead of CASing it. An edge that read UNKNOWN can then
 * overwrite the PARKED just published by a parker with READY, and the parker sleeps with
 * nobody to wake it: the lost wake-up the real CAS prevents. Everything else is the real
 * class. Never use outside the control test.
 */
final class UncasedEdgeFdState extends FdState {
    UncasedEdgeFdState(int fd, int generation) {
        super(fd, generation);
    }

    @Override
    boolean plainEdge() {
        return true;
    }
}
