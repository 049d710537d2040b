package io.vtloop.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A deliberately broken copy of {@link WakeupGate} for {@link WakeupGateControlTest}: the
 * carrier announces sleep with a release store and no full fence, and submitters publish
 * work with a release store too, so each side's store may pass its following load (x86
 * store buffering). This is the bug the real gate's volatile write plus
 * {@code VarHandle.fullFence()} prevents. Never use outside the control test.
 */
final class UnfencedWakeupGate {
    private static final VarHandle SLEEPING, WORK;
    static {
        try {
            var l = MethodHandles.lookup();
            SLEEPING = l.findVarHandle(UnfencedWakeupGate.class, "sleeping", boolean.class);
            WORK = l.findVarHandle(UnfencedWakeupGate.class, "work", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private boolean sleeping;
    private int work;

    /** Carrier step 1 without the fence. */
    void prepareToSleep() { SLEEPING.setRelease(this, true); }

    /** Carrier step 2: the re-check. */
    boolean hasWork() { return (int) WORK.getAcquire(this) != 0; }

    /** Submitter step a: a lazily published task (like a ring's {@code setRelease} of tail). */
    void publish() { WORK.setRelease(this, 1); }

    /** Submitter step b: same shape as {@link WakeupGate#claimWakeup}. */
    boolean claimWakeup() {
        return (boolean) SLEEPING.getAcquire(this) && SLEEPING.compareAndSet(this, true, false);
    }
}
