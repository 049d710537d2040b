package io.vtloop.runtime;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import jdk.internal.misc.Unsafe;
import jdk.internal.vm.annotation.DontInline;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.LockSupport;

/**
 * A carrier: a {@link RunQueue}, its own {@link Backend} (epoll or io_uring) for its fds,
 * and its {@link Timers}, served by one thread at a time: its {@link CarrierThread}
 * ({@code vtloop-carrier-N}) or, while that thread is blocked outside the poller, a spare
 * ({@link Compensation}).
 *
 * <p>Loop ({@link #step}), in this order:
 * <ol>
 * <li>every 61st task, the scheduler's shared queue first (Go's {@code schedtick % 61}: a
 *     prime, so that it does not beat with {@code vtloop.pollInterval}; tasks from outside are
 *     not starved by a carrier whose local queue never empties);</li>
 * <li>{@code runnext} (Go's {@code runqget}): the thread that the last task, a virtual thread,
 *     unparked or started; it inherits that task's turn, so a hand-off ping-pong stays on this
 *     carrier, hot and without a wake-up;</li>
 * <li>the local ring, refilled from the overflow;</li>
 * <li>the overflow, the shared queue, then half of another carrier's ring, or of its overflow when its ring is empty (steal);</li>
 * <li>every {@code vtloop.pollInterval} tasks, the due timers and, while polls find events, a
 *     non-blocking poll; each busy poll that finds none doubles the intervals to the next, up
 *     to {@code 1 << }{@link #POLL_BACKOFF_MAX} (a carrier busy with work that is not I/O pays
 *     one syscall per 256 tasks, not per 32), and any poll that finds events resets it; no poll
 *     while the poller watches no fd;</li>
 * <li>with nothing to run: the due timers; then, if fewer than half of the carriers spin
 *     ({@link Spinners}), spin for up to {@code vtloop.spin} µs, less while spins find nothing
 *     ({@link #spin}): the poller without blocking, the
 *     shared queue, steals, and another carrier's {@code runnext} once it waited
 *     {@link #RUNNEXT_GRACE_NANOS}; then sleep in one {@code epoll_wait} ({@code io_uring_enter}
 *     on io_uring; it returns at once when events are pending) until an event, the next timer,
 *     or a wake-up; parked instead while the poller watches no fd (below).</li>
 * </ol>
 * A virtual thread woken by an event is queued on the carrier that polled the event. Going to
 * sleep and being woken follow {@link WakeupGate}'s protocol, spinning and waking a spinner
 * {@link Spinners}'; the native wake-up is itself coalesced (at most one eventfd write per sleep).
 *
 * <p>A carrier whose poller watches nothing ({@link #pollerIdle}: no fd registered with its epoll)
 * sleeps parked instead ({@code LockSupport.parkNanos} to its next timer), and its wakers unpark it
 * instead of writing the eventfd: Go's rule that only a thread with network waiters blocks in
 * netpoll while the others sleep on a futex note. A wake-up from idle costs a futex wake, as a
 * worker of the JDK's pool, instead of an eventfd write, an {@code epoll_wait} return and the
 * eventfd's read (a one-core round trip of two wake-ups in C: 4.1-4.2 µs against 5.2-5.3;
 * WakeFromIdle unpark p50 7.9 µs against the JDK's 9.0 and the poller sleep's 10.2:
 * docs/BENCHMARKS.md, session 10). Such a
 * carrier also skips its busy and spinning polls, which could find nothing.
 * <pre>
 *  sleeper S (serving thread)                    waker W (any other thread)
 *  1. pollerIdle (or exiting):                   claim (WakeupGate: CAS sleeping true -> false),
 *     parkedSleeper = S, before WakeupGate       then read parkedSleeper: S -> unpark(S);
 *     step 1 (its store, then a fence)           null -> eventfd write (S polls, or has woken)
 *  2. re-check every queue, closed, and          wakeup() (reclaim, close, a registration by a
 *     wakeRequested: any -> 5                       thread not serving S's carrier):
 *  3. park until claimed (sleeping false),          wakeRequested = true, fence, read parkedSleeper:
 *     wakeRequested, or the next timer              S -> unpark(S); null -> eventfd write
 *  5. awoke(): parkedSleeper = null,
 *     wakeRequested = false, then WakeupGate step 5
 * </pre>
 * A claim reads {@code parkedSleeper} after its CAS read the gate's store, which follows S's write of
 * it, so it finds S (or null once S has woken by itself; the eventfd write is then one spurious
 * poll return). {@code wakeRequested} and {@code parkedSleeper} are a Dekker pair: S sees the
 * request in step 2, or W sees S and unparks it. An unpark meant for an earlier sleep only costs
 * S one more look. A registration by S's own carrier needs neither: S is running, not asleep,
 * and its next sleep polls. Tests: stress/ {@code ParkedSleepWakeupTest}, {@code ParkedSleepClaimTest}.
 *
 * <p>Once the JVM exits ({@link CarrierScheduler#prepareForExit}) every sleep is parked, fds
 * registered or not, and a carrier with fds polls them without blocking every
 * {@link #EXIT_POLL_NANOS} (HotSpot's exit waits up to 300 ms for threads in native code). The
 * switch is the flag {@code exiting}, read in step 1, then one {@link #wakeup} per carrier: a
 * sleeper that read the flag before it was set is ended by that wake-up, parked or in its
 * poller, by the protocol above, and sleeps parked from its next sleep on.
 *
 * <p>{@code runnext} never starves the ring: a chain of tasks each taken from {@code runnext}
 * (a ping-pong) shares one turn (Go's {@code inheritTime}) of {@link #RUNNEXT_CHAIN} tasks, after
 * which the next one goes to the ring's tail and the ring's head runs; a spinner takes it when the
 * running task keeps this carrier longer than {@link #RUNNEXT_GRACE_NANOS}; and the
 * {@link Monitor} moves it with the rest of the queue off a stuck carrier. Nor does it wait for
 * the monitor while another carrier sleeps: filling it while no carrier spins wakes one to spin
 * (paced, {@link #offerRunnext}), and a carrier about to sleep that sees a {@code runnext} behind a
 * running task spins once more first ({@link #mayBlock}), so that a running task that keeps the
 * carrier (blocked inside the VM while pinned, where no hook sees it) loses the thread it readied
 * to that spinner within about {@link #RUNNEXT_GRACE_NANOS}, as a JDK worker's push wakes an idle
 * worker that steals it.
 *
 * <pre>
 *  runnext   who                  operation                          then
 *  null      serving thread       push(t, next): release store t     (only the serving thread fills it)
 *  r         serving thread       push(t, next): getAndSet t         r to the ring's tail (null: r was stolen)
 *  r         serving thread       takeRunnext: getAndSet null        runs r (null: stolen)
 *  r         spinner elsewhere    stealRunnext: CAS r -> null        runs r; only while this carrier's task
 *                                                                     counter stayed odd and unchanged for
 *                                                                     RUNNEXT_GRACE_NANOS
 *  r         the Monitor          takeRunnext: getAndSet null        r to the shared queue (serveWhileBusy)
 *  r         serving thread       takeRunnext: getAndSet null        r to the shared queue, for a spinner
 *                                 (hasQueuedWork: the running thread  (null: stolen)
 *                                 is about to spin for a peer)
 * </pre>
 * A spinner's and the Monitor's removals also set {@code runnextStolen}, which the serving thread
 * reads and clears at its next offer ({@link #offerRunnext}): the wakes it paced paid.
 * Every removal is atomic, so a task leaves the slot exactly once. On a scheduler's only carrier
 * ({@code alone}) every row but the serving thread's is impossible (no other carrier spins, and the
 * Monitor moves work only to another carrier), so the get-and-sets there are a load and a release
 * store, and the ring is polled without its CAS ({@link RunQueue#pollExclusive}): a locked
 * instruction less per task (a one-core yield round trip 283 → 270 ns with the two other per-task
 * trims of that change, docs/BENCHMARKS.md, session 9's one-core A/B).
 *
 * <p>The overflow (a {@code ConcurrentLinkedDeque}: every add and removal one CAS) takes what the
 * ring cannot hold; it is FIFO behind the ring, and other carriers steal from it as from the ring,
 * so that a carrier whose task keeps it while it makes more threads ready than the ring holds (a
 * fan-out) does not keep them to itself:
 * <pre>
 *  who                  operation                                    then
 *  serving thread       push, ring full or overflow not empty:       surplus: wake (Spinners), as a push
 *                       offerLast (a CAS: the fence wake needs)      of surplus into the ring does
 *  serving thread       nextQueued / topUp: pollFirst                runs it / moves it to the ring
 *  another carrier      steal, the ring empty: pollFirst, up to      into its own (empty) ring, oldest
 *                       half a ring                                  first; runs the first
 *  the Monitor          serveWhileBusy: pollFirst until empty        to the shared queue
 * </pre>
 * Each removal is one CAS of the deque, so each task leaves it exactly once; only the serving
 * thread adds, so {@code overflowed} (true while it may hold tasks) stays the serving thread's.
 */
final class Carrier {
    /** Go's {@code schedtick % 61}: see the class comment. */
    private static final int INJECTED_EVERY = 61;
    /** The longest back-off after repeated failures of the loop itself. */
    private static final long MAX_BACKOFF_NANOS = 1_000_000_000L;
    /**
     * Tasks of one {@code runnext} chain before the ring's head gets its turn. Go bounds the chain
     * by its 10 ms time slice (sysmon preempts); vtloop cannot preempt, and counts tasks instead of
     * reading the clock per task: 32 hand-offs of about 0.3 µs keep the ring's head waiting about
     * 10 µs, while the 1 in 32 hand-off that breaks a ping-pong costs little of its throughput.
     */
    static final int RUNNEXT_CHAIN = 32;
    /**
     * How long a spinner leaves another carrier's {@code runnext} alone while that carrier stays in
     * one task (Go: 3 µs, "a sync chan send/recv takes ~50ns"): the running thread that unparked it
     * usually parks within a hand-off (about 0.3-0.5 µs here), and stealing it sooner would move a
     * ping-pong across carriers.
     */
    static final long RUNNEXT_GRACE_NANOS = 5_000L;
    /**
     * The longest a spin goes on (unless {@code vtloop.spin} is longer) while it watches other
     * carriers' {@code runnext}s behind running tasks: each one seen anew extends it to two
     * {@link #RUNNEXT_GRACE_NANOS} from then. A thread readied in a carrier's {@code runnext} just
     * before its task blocks inside the VM is then taken by the spinner woken for the thread
     * readied before it ({@link #offerRunnext}); a ping-pong elsewhere, a new task every hand-off,
     * keeps a spinner no longer than this.
     */
    static final long RUNNEXT_WATCH_NANOS = 40_000L;
    /**
     * The shortest spin (adaptive spinning, see {@link #spin}): about what the JDK's pool scans
     * before a worker parks ({@code ForkJoinPool.deactivate}: up to 256 {@code onSpinWait}). A
     * spin that found nothing costs whatever the kernel queued on this core meanwhile (a
     * platform thread the last task woke) that long; at the full 10 µs that was measured as 3.5-8
     * µs more per wake-up from idle than on the JDK (WakeFromIdle means, docs/BENCHMARKS.md, session 8).
     */
    static final long SPIN_FLOOR_NANOS = 1_000L;
    /**
     * At the floor, one spin in this many is a probe of the full {@code vtloop.spin}, so that a
     * workload whose work arrives later than the floor (a cross-carrier hand-off, 1-3 µs) gets
     * the full spin back at once; the probes cost an idle carrier about 1/16 of the full spin.
     */
    static final int SPIN_PROBE_EVERY = 16;
    /**
     * A busy carrier whose non-blocking polls find nothing polls every {@code 2^k}-th
     * {@code vtloop.pollInterval}, {@code k} one more per empty poll, up to this: with the
     * default interval, one {@code epoll_wait} per 256 tasks. A poll costs about 0.35 µs here,
     * about 11 ns per task at every 32nd task, 7% of a yield round trip on one core (YieldPingPong,
     * docs/BENCHMARKS.md, session 9); at the cap an event that arrives while the carrier runs
     * short tasks from its queue waits at most 256 of them (about 80 µs of 0.3 µs tasks) where
     * it waited 32. The first poll that finds an event, busy or not, restores every interval.
     */
    static final int POLL_BACKOFF_MAX = 3;

    final CarrierScheduler scheduler;
    final int index;
    /** The scheduler's only carrier: surplus here has nobody to wake (spares serve this carrier, not others). */
    private final boolean alone;
    final RunQueue queue = new RunQueue();
    /** The next task to run (see the class comment); set and taken by the serving thread, stolen by CAS. */
    @SuppressWarnings("unused") private volatile Runnable runnext;
    /** Tasks run from {@code runnext} in a row; serving thread only. */
    private int chain;
    /** The serving thread holds a {@link Spinners} unit: it looks for work, or was woken to. */
    private boolean spinning;
    /** Per other carrier, the task counter and the time this spinner first saw its {@code runnext} waiting. */
    private final long[] runnextSeq, runnextSince;
    /** False only while the overflow is known empty: saves a deque poll per task; serving thread only. */
    private boolean overflowed;
    final Backend backend;
    private final int pollInterval;
    private final WakeupGate gate = new WakeupGate();
    /** Fds registered with this carrier's poller ({@link #fdRegistered}); while none is, it sleeps parked. */
    @SuppressWarnings("unused") private volatile int registeredFds;
    /** The serving thread while it sleeps parked instead of polling ({@link #sleepParked}); else null. */
    private volatile Thread parkedSleeper;
    /** A {@link #wakeup} came since the serving thread last woke: a parked sleep ends or is not begun. */
    private volatile boolean wakeRequested;
    final Timers timers = new Timers(this);
    /** Tasks past the ring, FIFO; the serving thread adds, it and the {@link Monitor} take. */
    private final ConcurrentLinkedDeque<Runnable> overflow = new ConcurrentLinkedDeque<>();
    private int tick;
    private int untilPoll;                      // tasks to run before the next timer check
    private int pollBackoff;                    // empty busy polls in a row, capped at POLL_BACKOFF_MAX
    private int intervalsToPoll = 1;            // timer checks to the next busy poll: 1 << pollBackoff
    /**
     * Tasks begun and ended: odd while a task runs. Written by the serving thread with release
     * (a plain store on x86), read by the {@link Monitor}, which serves this carrier when the same
     * odd value stays for longer than {@code vtloop.stallMillis}.
     */
    @SuppressWarnings("unused") private volatile long taskSeq;
    // Unsafe rather than VarHandles (as in RunQueue): same barriers, cheap while interpreted
    private static final Unsafe U = Unsafe.getUnsafe();
    private static final long TASK_SEQ = U.objectFieldOffset(Carrier.class, "taskSeq");
    private static final long RUNNEXT = U.objectFieldOffset(Carrier.class, "runnext");
    private static final long REGISTERED_FDS = U.objectFieldOffset(Carrier.class, "registeredFds");
    /** Set by a virtual thread's {@code Thread.yield} on this carrier; serving thread only. */
    boolean yielding;
    /** Paces this carrier's wakes of a sleeping one for its {@code runnext}; serving thread only. */
    final SplitPacer splits = new SplitPacer();
    /**
     * {@link #mayBlock} saw another carrier's {@code runnext} behind a running task and looked
     * for work once more instead of sleeping; cleared by the next sleep, so that a ping-pong on
     * another carrier (always a {@code runnext} behind a running task) costs at most one more
     * spin per sleep. Serving thread only.
     */
    private boolean watchedRunnext;
    /** Paces {@link #offerRunnext}'s wakes; serving thread only. */
    private final OfferPacer runnextWakes = new OfferPacer();
    /**
     * After the pacer refused a wake, {@link #offerRunnext} reads the clock again only after this
     * many more offers: a chain of hand-offs on one carrier while another sleeps (each stage of a
     * {@code CompletableFuture} chain starts the next thread) offers at every hand-off, and a
     * {@code System.nanoTime} each made a stage 150 → 212 ns (CompletableFutureChain, two cores,
     * session 16's {@code 2c-rw3}; 159 against 156 with the skip, {@code 2cw-clock}). A wake that
     * paid resets it.
     */
    static final int OFFERS_PER_CLOCK = 64;
    /**
     * ...but only once the pacer's gap has grown this long (its wakes keep finding nothing): while
     * they pay (OpenJDK's Starvation test: each iteration's holder is taken by the woken spinner)
     * a skip after an isolated refusal passed over the next ~20 iterations' offers, and most of the
     * iterations that still waited for the monitor were those (a debug count: 7-28 of 20-38 in
     * 20,000).
     */
    static final long UNCLOCKED_FROM_GAP_NANOS = 8 * SplitPacer.MIN_GAP_NANOS;
    /** Offers left before the clock is read again; serving thread only. */
    private int offersUnclocked;
    /**
     * Another carrier (a spinner's {@link #stealRunnext}, the {@link Monitor}) took this carrier's
     * {@code runnext}: set by it, cleared by the serving thread, which then paces its wakes from
     * the shortest gap again (they are paying). A hint: a lost store only slows the pacing.
     */
    private volatile boolean runnextStolen;
    private int failures;                       // consecutive failures of step(); serving thread only
    final CarrierStats stats = new CarrierStats();

    final CarrierThread primary;
    final Compensation compensation;

    private final long spinNanos;
    /** The next spin's length: {@link #spinNanos} after a spin that found work, halved (to {@link #spinFloor}) after one that did not; serving thread only. */
    private long spinBudget;
    private final long spinFloor;
    private int spinsAtFloor;                   // serving thread only

    Carrier(CarrierScheduler scheduler, int index, Config config, boolean ioUring) throws IOException {
        this.scheduler = scheduler;
        this.index = index;
        this.alone = scheduler.carriers.length == 1;
        this.pollInterval = config.pollInterval();
        this.untilPoll = pollInterval;
        this.spinNanos = scheduler.spinners.limit() > 0 ? config.spinMicros() * 1000L : 0;   // 0: a woken carrier looks once
        this.spinBudget = spinNanos;
        this.spinFloor = Math.min(spinNanos, SPIN_FLOOR_NANOS);
        this.runnextSeq = new long[scheduler.carriers.length];
        this.runnextSince = new long[scheduler.carriers.length];
        this.backend = ioUring ? new UringBackend(this, scheduler.readiness, stats)
                                        : new EpollBackend(scheduler.readiness, stats);
        this.primary = new CarrierThread(scheduler, "vtloop-carrier-" + index, this);
        this.compensation = new Compensation(this, scheduler.spares, primary);
    }

    /** True when the current (platform) thread serves this carrier now. */
    boolean servedByCurrentThread() {
        return scheduler.currentCarrier() == this;
    }

    /**
     * Queues a task on this carrier; called by the thread serving it only. {@code next}: the
     * running virtual thread unparked or started it, so it goes to {@code runnext}, and the task
     * it displaces to the ring's tail. When the ring is full, tasks wait in {@code overflow}, and
     * later tasks queue behind them there, so order stays FIFO: a burst of more ready threads than
     * the ring holds cannot be overtaken by threads that events make ready afterwards. More than
     * one task waiting here (ring or overflow) is surplus: a spinner, or a sleeper woken to spin, can steal it.
     */
    void push(Runnable task, boolean next) {
        if (next) {
            if (U.getReferenceOpaque(this, RUNNEXT) == null) {        // only the owner fills it: no CAS needed
                U.putReferenceRelease(this, RUNNEXT, task);
                if (!alone && spinNanos > 0 && scheduler.spinners.count() == 0) offerRunnext();
                return;
            }
            if ((task = swapRunnext(task)) == null) return;   // a spinner took it meanwhile
        }
        if (overflowed || !queue.offer(task)) {
            overflowed = true;
            overflow.offerLast(task);                     // a CAS: the fence wake needs
            if (!alone) scheduler.wake(this);             // surplus, for a thief (see the class comment)
            return;
        }
        if (alone) return;                                // no other carrier to wake: no fence either
        if (queue.size() > 1 || U.getReferenceOpaque(this, RUNNEXT) != null) {   // surplus
            VarHandle.fullFence();   // Dekker with Spinners and WakeupGate: publish before reading them
            scheduler.wake(this);
        }
    }

    /**
     * {@code runnext} was filled while no carrier spins: wakes a sleeping carrier to spin, paced
     * ({@link #runnextWakes}), so that the thread does not wait for the monitor if the running one
     * keeps this carrier (Go's {@code ready}: {@code runqput(next)} then {@code wakep}). The task
     * that readied it usually parks within a hand-off, and the woken spinner, seeing the
     * {@code runnext} taken, finds nothing; one that blocks inside the VM instead (a pinned
     * {@code synchronized}, no hook sees it) would keep it until the monitor's look (OpenJDK's
     * Starvation test). A hint, not a protocol: no fence, so a carrier that goes to sleep at the
     * same moment may be missed, and the monitor moves the thread later as before.
     */
    @DontInline
    private void offerRunnext() {
        if (runnextStolen) {                                // the last wakes paid: pace from the start
            runnextStolen = false;
            runnextWakes.paid();
            offersUnclocked = 0;
        } else if (offersUnclocked > 0) {
            offersUnclocked--;
            return;
        }
        if (!scheduler.hasSleepingCarrierOtherThan(this)) return;
        if (!runnextWakes.tryAt(System.nanoTime())) {
            if (runnextWakes.gap() >= UNCLOCKED_FROM_GAP_NANOS) offersUnclocked = OFFERS_PER_CLOCK - 1;
            return;
        }
        stats.runnextWakes++;
        scheduler.wake(this);
    }

    /** Takes {@code runnext} if another carrier's spinner did not (a CAS: it may have). */
    Runnable takeRunnext() {
        return U.getReferenceOpaque(this, RUNNEXT) == null ? null : swapRunnext(null);
    }

    /** Serving thread: replaces {@code runnext}, returning what it held; atomic unless {@code alone} (see the class comment). */
    private Runnable swapRunnext(Runnable v) {
        if (!alone) return (Runnable) U.getAndSetReference(this, RUNNEXT, v);
        Runnable old = (Runnable) U.getReferenceOpaque(this, RUNNEXT);
        U.putReferenceRelease(this, RUNNEXT, v);
        return old;
    }

    /**
     * A spinner on another carrier takes this carrier's {@code runnext} when this carrier has run
     * the same task since the spinner's {@code seenSeq}; null when it is gone.
     */
    Runnable stealRunnext(long seenSeq) {
        Runnable r = (Runnable) U.getReferenceOpaque(this, RUNNEXT);
        if (r == null || taskSeq() != seenSeq || !U.compareAndSetReference(this, RUNNEXT, r, null)) return null;
        runnextStolen = true;
        return r;
    }

    /** Whether the overflow holds tasks (a racy look, for thieves and sleepers' re-checks). */
    boolean hasOverflow() { return !overflow.isEmpty(); }

    /**
     * Another carrier's serving thread, whose ring {@code into} is empty, takes up to half a ring
     * of this carrier's overflow, oldest first (see the class comment); returns how many.
     */
    int stealOverflowInto(RunQueue into) {
        int n = 0;
        for (Runnable t; n < RunQueue.CAPACITY / 2 && (t = overflow.pollFirst()) != null; n++) {
            if (!into.offer(t)) {                         // not empty after all: leave the rest
                overflow.offerFirst(t);
                break;
            }
        }
        return n;
    }

    /** Whether {@code runnext} holds a task (a racy look, for spinners). */
    boolean hasRunnext() { return U.getReferenceOpaque(this, RUNNEXT) != null; }

    /** Wakes this carrier if it sleeps (polling or parked); returns true if this call woke it. */
    boolean wakeIfSleeping() {
        if (gate.claimWakeup()) {
            Thread t = parkedSleeper;       // written before the claimed sleep's gate store: its sleeper, or null
            if (t != null) {
                LockSupport.unpark(t);
                stats.unparksSent++;        // racy, statistics only
            } else {
                backend.wakeup();
            }
            stats.wakeupsSent++;   // racy, statistics only
            return true;
        }
        return false;
    }

    /** Whether this carrier sleeps in its poller (the {@link Monitor}'s view). */
    boolean isSleeping() { return gate.isSleeping(); }

    /**
     * Ends this carrier's current or next sleep, whether it sleeps or not, parked or polling
     * (reclaim, close, a registration from another thread). Returns true when it unparked a
     * parked sleeper (stress/ tests); otherwise it woke the poller.
     */
    boolean wakeup() {
        wakeRequested = true;
        VarHandle.fullFence();   // Dekker with sleepParked: the request before the sleeper is read
        Thread t = parkedSleeper;
        if (t != null) {
            LockSupport.unpark(t);
            return true;
        }
        backend.wakeup();
        return false;
    }

    /**
     * A thread registered an fd with this carrier's poller (a park, in {@code Readiness.register}):
     * counted until {@link #fdForgotten}. Registered by another thread than the one serving this
     * carrier (a park off the carriers), it wakes this carrier, which may sleep parked and so
     * would not see the fd's events.
     */
    void fdRegistered() {
        U.getAndAddInt(this, REGISTERED_FDS, 1);
        if (!servedByCurrentThread()) wakeup();   // its request is published after the count
    }

    /** A registered fd was forgotten (closed): the poller no longer reports it. */
    void fdForgotten() { U.getAndAddInt(this, REGISTERED_FDS, -1); }

    /**
     * True while nothing but a wake-up can end a sleep in this carrier's poller: no fd is
     * registered with it and its backend reports only registered fds (epoll; io_uring's parks
     * arm requests without registering). Such a carrier neither sleeps in the poller nor polls it.
     */
    boolean pollerIdle() {
        return U.getIntVolatile(this, REGISTERED_FDS) == 0 && backend.reportsOnlyRegistered();
    }

    /** Serving thread only: {@code runnext} holds a task and the ring and the overflow are empty. */
    boolean onlyRunnext() { return hasRunnext() && queue.isEmpty() && !overflowHolds(); }

    /** Serving thread only: tasks queued here (runnext, ring or overflow). */
    boolean hasLocalWork() { return hasRunnext() || !queue.isEmpty() || overflowHolds(); }

    /**
     * Serving thread only: the overflow holds tasks. Only this thread adds to it, setting
     * {@code overflowed} first, so while that is false the deque is empty and its walk is skipped.
     */
    private boolean overflowHolds() { return overflowed && !overflow.isEmpty(); }

    /**
     * One turn of the loop: run a task, or poll, or sleep. Only the serving thread calls it.
     * Returns false when the scheduler is closed and the primary has nothing left to run.
     */
    boolean step() {
        try {
            Runnable task = nextTask();
            if (task == null) {
                if (scheduler.isClosed() && Thread.currentThread() == primary) {
                    stopSpinning();
                    return false;
                }
                task = idle();
            }
            if (task != null) {
                stopSpinning();                              // Go's resetspinning
                if (!run(task)) return true;                 // lent to a spare meanwhile
                tick++;
                if (--untilPoll == 0) {
                    untilPoll = pollInterval;
                    if (--intervalsToPoll == 0) busyPoll();
                    timers.fireDue();
                }
            }
            failures = 0;
        } catch (Throwable e) {
            try {
                stopSpinning();                              // a unit is never held while not looking for work
            } finally {
                failed(e);
            }
        }
        return true;
    }

    /**
     * Gives back this carrier's {@link Spinners} unit, if it holds one; the last spinner wakes
     * another carrier to spin when work is left (Go's {@code resetspinning}).
     */
    void stopSpinning() {
        if (!spinning) return;
        spinning = false;
        if (scheduler.spinners.stop() && scheduler.hasSurplus()) scheduler.wake(this);
    }

    /** Runs {@code task}; false when the carrier was lent to a spare meanwhile (this thread serves it no more). */
    private boolean run(Runnable task) {
        stats.tasks++;
        yielding = false;
        long seq = U.getLongOpaque(this, TASK_SEQ);
        U.putLongRelease(this, TASK_SEQ, seq + 1);          // odd: running
        boolean held;
        try {
            runTask(task);
        } finally {
            if (held = compensation.isHolder(Thread.currentThread())) U.putLongRelease(this, TASK_SEQ, seq + 2);
        }
        return held;
    }

    /** The running task's thread lends this carrier to a spare ({@link Compensation#lend}): no task runs here now. */
    void taskLeft() {
        long seq = U.getLongOpaque(this, TASK_SEQ);
        if ((seq & 1) != 0) U.putLongRelease(this, TASK_SEQ, seq + 1);
    }

    /** The {@link Monitor}'s view: the task counter, odd while a task runs. */
    long taskSeq() { return U.getLongOpaque(this, TASK_SEQ); }

    private void runTask(Runnable task) {
        var stall = CarrierEvents.beginRun(index, task);   // JFR CarrierStall; null when not recording it
        task.run();
        if (stall != null) CarrierEvents.endRun(stall);
    }

    /**
     * The loop itself failed (runContinuation handles a virtual thread's own exceptions, so this
     * is a vtloop bug, a poller error or an OOME): report the first one, count all, and back off
     * exponentially while they repeat, so a persistent error costs neither a log flood nor a core.
     */
    private void failed(Throwable e) {
        stats.loopFailures++;
        if (stats.loopFailures == 1) {
            try {
                System.err.println("vtloop: carrier " + index + " loop failed (later failures are counted,"
                        + " not printed: see the loopFailures counter): " + e);
                e.printStackTrace();
            } catch (Throwable ignore) { }
        }
        failures = Math.min(failures + 1, 30);
        LockSupport.parkNanos(Math.min(1_000L << failures, MAX_BACKOFF_NANOS));
    }

    /** The next task to run, in the order of the class comment; serving thread only (and stress/ tests playing it). */
    Runnable nextTask() {
        Runnable t;
        if (tick % INJECTED_EVERY == 0 && (t = scheduler.pollInjected()) != null) return t;
        if ((t = takeRunnext()) != null) {
            if (++chain < RUNNEXT_CHAIN) return t;       // inherits the turn of the task that readied it
            chain = 0;                                   // turn used up: behind the ring
            if (overflowed || !queue.offer(t)) {
                overflowed = true;
                overflow.offerLast(t);
            }
        } else {
            chain = 0;
        }
        return nextQueued();
    }

    /** The ring (topped up from the overflow), the overflow, the shared queue, a steal. */
    private Runnable nextQueued() {
        Runnable t;
        if ((t = alone ? queue.pollExclusive() : queue.poll()) != null) {
            if (overflowed) topUp();
            return t;
        }
        if (overflowed && (t = overflow.pollFirst()) != null) return t;
        overflowed = false;                              // only the serving thread adds to it
        if ((t = scheduler.pollInjected()) != null) return t;
        return scheduler.steal(this);
    }

    private void topUp() {
        for (Runnable o; queue.size() < RunQueue.CAPACITY; ) {
            if ((o = overflow.pollFirst()) == null) { overflowed = false; return; }
            if (!queue.offer(o)) { overflow.offerFirst(o); return; }
        }
    }

    /**
     * Nothing to run: fires due timers, spins if it may, else sleeps. Returns a task found while
     * spinning, or null (run the loop again: a timer or an event may have queued work here).
     */
    private Runnable idle() throws IOException {
        long timeout = timers.fireDue();
        if (hasLocalWork()) return null;                 // a timer fired: run its thread first
        if (trySpin()) {
            Runnable t = spin(timeout);
            if (t != null || hasLocalWork()) return t;   // stopSpinning in step
            timeout = timers.fireDue();                  // the spin took time
            if (hasLocalWork()) return null;
        }
        if (!mayBlock()) return null;
        queue.sweep();                                   // keep no reference to a task that ran while asleep
        stats.sleeps++;
        try {
            if (parkedSleeper != null) sleepParked(timeout);
            else pollEvents(timeout);
        } finally {
            watchedRunnext = false;
            awoke();
        }
        timers.fireDue();
        return null;
    }

    /** True when this carrier holds a {@link Spinners} unit, taking one if it may. */
    boolean trySpin() {
        if (!spinning && spinNanos > 0) spinning = scheduler.spinners.tryStart();
        return spinning;
    }

    /**
     * Gives back this carrier's {@link Spinners} unit, if any, then steps 1-2 of
     * {@link WakeupGate}'s table: announces the sleep and re-checks every queue (the re-check
     * after the unit is given back is the spinner's half of the Dekker pair with
     * {@code CarrierScheduler.wake}). True when the carrier may block in its poller.
     */
    boolean mayBlock() {
        if (spinning) {
            spinning = false;
            scheduler.spinners.stop();
        }
        boolean parked = pollerIdle() || scheduler.isExiting();
        if (parked) parkedSleeper = Thread.currentThread();   // before the gate's store: a claimer reads it after its CAS
        gate.prepareToSleep();
        if (scheduler.hasWorkFor(this) || scheduler.isClosed() || parked && wakeRequested   // Dekker with wakeup
                || !watchedRunnext && (watchedRunnext = scheduler.hasRunnextBehindTask(this))) {
            awoke();
            return false;
        }
        return true;
    }

    /** Whether the coming sleep, {@link #mayBlock} having said yes, parks instead of polling (stress/ tests). */
    boolean sleepsParked() { return parkedSleeper != null; }

    /**
     * While the JVM exits ({@link CarrierScheduler#prepareForExit}), how often a carrier with fds
     * registered polls them without blocking, parked in between: an event for a shutdown hook's
     * virtual thread waits at most this long (1 ms, a tenth of HotSpot's 10 ms exit re-check).
     */
    static final long EXIT_POLL_NANOS = 1_000_000L;

    /**
     * Sleeps parked (see the class comment): until a waker claims the sleep, a {@link #wakeup},
     * or the next timer ({@code timeoutNanos}, -1: none). An unpark that belongs to nothing here
     * (a permit left by an earlier claim) only costs one more look. While the JVM exits a carrier
     * with fds registered sleeps here too, polling them every {@link #EXIT_POLL_NANOS}.
     */
    private void sleepParked(long timeoutNanos) throws IOException {
        stats.parkedSleeps++;
        long deadline = System.nanoTime() + timeoutNanos;
        while (gate.isSleeping() && !wakeRequested) {
            long slice = -1;                             // -1: until woken
            if (!pollerIdle()) {                         // fds while parked: exiting (or a registration's wake-up on its way)
                if (pollEvents(0) > 0) return;
                slice = EXIT_POLL_NANOS;
            }
            if (timeoutNanos >= 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return;
                slice = slice < 0 ? left : Math.min(slice, left);
            }
            if (slice < 0) LockSupport.park(gate);
            else LockSupport.parkNanos(gate, slice);
        }
    }

    /**
     * Step 5 of {@link WakeupGate}'s table: a carrier whose sleep a waker claimed holds its
     * {@link Spinners} unit; then steps a-b of the {@link Monitor}'s table (wake it if it parks).
     * Returns true when this unparked the monitor (tests).
     */
    boolean awoke() {
        if (parkedSleeper != null) parkedSleeper = null;   // each store a fence: none where nothing changes
        if (wakeRequested) wakeRequested = false;          // what the request published is looked at from here on
        spinning = gate.awake();
        return scheduler.carrierAwake();
    }

    /** Whether this carrier holds a {@link Spinners} unit (serving thread only; tests). */
    boolean spinning() { return spinning; }

    /**
     * Looks for work without blocking (less long when a timer is due sooner): this carrier's
     * poller, the shared queue, steals, other carriers' {@code runnext}. Returns a task, or null
     * when the time is up or events queued work here.
     *
     * <p>Adaptive (as HotSpot's spinning on contended monitors): a spin that finds work sets the
     * next one to the full {@code vtloop.spin}; one that finds nothing in its full length halves
     * it, down to {@link #SPIN_FLOOR_NANOS}, where one spin in {@link #SPIN_PROBE_EVERY} probes
     * the full length. Hand-offs between carriers keep the full spin; a carrier whose spins go
     * unanswered (a server woken from idle by each request) spins about as long as the JDK's
     * workers scan, and leaves its core sooner to whatever the kernel queued there. A spin that
     * sees another carrier's {@code runnext} waiting behind a running task goes on for the full
     * length, so that it can take it after {@link #RUNNEXT_GRACE_NANOS} as before.
     */
    private Runnable spin(long timerNanos) throws IOException {
        stats.spins++;
        long budget = spinBudget;
        if (budget <= spinFloor && ++spinsAtFloor % SPIN_PROBE_EVERY == 0) budget = spinNanos;   // probe
        boolean timerFirst = timerNanos >= 0 && timerNanos < budget;   // cut short: no verdict on the spin
        long start = System.nanoTime(), now;
        long end = start + (timerFirst ? timerNanos : budget);
        long fullEnd = start + (timerNanos >= 0 ? Math.min(spinNanos, timerNanos) : spinNanos);
        long watchEnd = start + Math.max(spinNanos, RUNNEXT_WATCH_NANOS);
        if (timerNanos >= 0) watchEnd = Math.min(watchEnd, start + timerNanos);
        Carrier[] all = scheduler.carriers;
        for (Carrier c : all) runnextSeq[c.index] = -1;
        for (;;) {
            Runnable t;
            if (!pollerIdle() && pollEvents(0) > 0 && hasLocalWork()) return spinFound(null);
            if ((t = scheduler.pollInjected()) != null || (t = scheduler.steal(this)) != null) return spinFound(t);
            now = System.nanoTime();                         // after the poll: a cold one (io_uring's) takes µs
            for (Carrier c : all) {                          // runnext of a carrier stuck in one task
                if (c == this || !c.hasRunnext()) continue;
                long seq = c.taskSeq();
                if ((seq & 1) == 0 || seq != runnextSeq[c.index]) {
                    runnextSeq[c.index] = seq;
                    runnextSince[c.index] = now;
                    if ((seq & 1) != 0)                          // a runnext behind a running task: spin long enough to take it
                        end = Math.max(end, Math.max(fullEnd, Math.min(now + 2 * RUNNEXT_GRACE_NANOS, watchEnd)));
                } else if (now - runnextSince[c.index] >= RUNNEXT_GRACE_NANOS && (t = c.stealRunnext(seq)) != null) {
                    stats.steals++;
                    return spinFound(t);
                }
            }
            if (scheduler.isClosed()) return null;
            if (now - end >= 0) break;                       // after the runnext look: one seen in time is taken
            Thread.onSpinWait();
        }
        if (!timerFirst) {
            stats.spinsEmpty++;
            spinBudget = Math.max(spinFloor, spinBudget >> 1);   // a probe that found nothing leaves it at the floor
        }
        return null;
    }

    /** A spin found work: the next spin is full length again. */
    private Runnable spinFound(Runnable t) {
        spinBudget = spinNanos;
        spinsAtFloor = 0;
        return t;
    }

    /** The next spin's length in nanoseconds, before a probe (serving thread only; tests). */
    long spinBudget() { return spinBudget; }

    /**
     * Called by the {@link Monitor} while this carrier's current task has run too long: takes
     * what the carrier owns off it (its queued tasks go to the shared queue, its due timers
     * fire, its poller's events are dispatched, waking threads onto other carriers) so that
     * nothing waits for the thread that serves it. Any thread but the serving one; never for a
     * scheduler's only carrier (the Monitor moves work only to another carrier), whose serving thread
     * takes its runnext and ring without atomics.
     */
    void serveWhileBusy() throws IOException {
        Runnable t;
        if ((t = (Runnable) U.getAndSetReference(this, RUNNEXT, null)) != null) {   // atomic even when alone
            runnextStolen = true;
            scheduler.injectFromMonitor(t);
        }
        while ((t = queue.poll()) != null) scheduler.injectFromMonitor(t);
        while ((t = overflow.pollFirst()) != null) scheduler.injectFromMonitor(t);
        timers.fireDue();
        int n = backend.pollFromMonitor();
        stats.monitorEvents += n;   // racy, statistics only
    }

    /**
     * The non-blocking poll of a carrier that runs tasks: the next one is {@code 2^k} intervals
     * later after {@code k} empty ones in a row, when an empty poll costs a system call
     * ({@link #POLL_BACKOFF_MAX}); an event resets it ({@link #pollEvents}).
     */
    private void busyPoll() throws IOException {
        intervalsToPoll = 1;
        if (pollerIdle()) return;                 // nothing it could report
        if (pollEvents(0) == 0 && backend.emptyPollIsCostly()) {
            pollBackoff = Math.min(pollBackoff + 1, POLL_BACKOFF_MAX);
            intervalsToPoll = 1 << pollBackoff;
        }
    }

    /** Polls this carrier's poller and dispatches the events; returns the number of events (any: resets the busy poll's back-off). */
    private int pollEvents(long timeoutNanos) throws IOException {
        stats.polls++;
        int n = backend.poll(timeoutNanos);
        if (n > 0) {
            stats.events += n;
            pollBackoff = 0;                     // I/O: busy polls every interval again
            intervalsToPoll = 1;
        }
        return n;
    }

    /** The primary thread leaves the loop (scheduler closed): free the poller. */
    void exit() {
        try {
            backend.close();
        } catch (IOException | RuntimeException e) {
            System.err.println("vtloop: carrier " + index + ": closing its poller: " + e);
        }
    }
}
