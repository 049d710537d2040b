package io.vtloop.agent;

import io.vtloop.runtime.FdState;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeModel;
import java.lang.classfile.MethodElement;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.instrument.ClassDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static java.lang.constant.ConstantDescs.*;

/**
 * The patches vtloop applies to {@code java.base}, built with the {@code java.lang.classfile}
 * API from the running JDK's own class files, once {@link JdkContract} has checked every patch
 * point (class, name, descriptor, flags, original code); a patch point that is still missing
 * here refuses the whole set with a message naming it, and nothing is patched. Values the
 * patched code shares with the JDK or the runtime come from {@link JdkContract} and
 * {@link FdState}, not bare numbers. All patches change method bodies only, so they apply
 * by redefinition to loaded and not-yet-loaded classes alike.
 *
 * <pre>
 *  class                       method                          becomes
 *  java.lang.VirtualThread     &lt;init&gt;(Executor,String,int,   scheduler = VirtualThreadHooks.scheduler(scheduler)
 *                              Runnable)                       first, then the original body
 *  java.lang.VirtualThread     schedule(Runnable,long,TimeUnit) VirtualThreadHooks.schedule(...) first: a timer
 *                                                              on the current carrier; null: the JDK's timers
 *  java.lang.VirtualThread     parkOnCarrierThread(boolean,    VirtualThreadHooks.pinnedPark() first: lend the
 *                              long)                           carrier, as for a Blocker call
 *  java.lang.VirtualThread     tryYield()                      VirtualThreadHooks.yielding() first: resubmit
 *                                                              behind outside work when the queue is empty
 *  java.lang.VirtualThread     createDefaultScheduler()        its three lambdas (carrier factory, handler,
 *                                                              saturate) read from VirtualThreadHooks: the
 *                                                              redefined class cannot use CDS's archived ones
 *  java.util.concurrent.       hasKnownQueuedWork()            true first when the current vtloop carrier has
 *  ForkJoinWorkerThread                                        tasks queued (so j.u.c. does not spin in vain)
 *  jdk.internal.misc.Blocker   begin(), end(boolean)           VirtualThreadHooks.beginBlocking/endBlocking first:
 *                                                              lend the carrier to a spare (compensation)
 *  sun.nio.ch.Poller           &lt;clinit&gt;                        nothing: the JDK's pollers are never created
 *                              poll(int,int,long,BooleanSupplier)  PollerHooks.poll(...)
 *                              pollSelector(int,long)          PollerHooks.pollSelector(...)
 *                              stopPoll(int,int), stopPoll(int)  PollerHooks.stopPoll(...)
 *                              masterPoller(), readPollers(),  null, List.of(), List.of()
 *                              writePollers()
 *  sun.nio.ch.SocketDispatcher read/write(FileDescriptor,       PollerHooks.ioState, then beginRead (a read
 *                              long,int)                       completed on the ring, a skip, or read0 then
 *                                                              afterRead) / beginIo (skip, or write0 then
 *                                                              afterIo); platform threads: read0/write0 only
 *  java.nio.channels.spi.      configureBlocking(boolean)      PollerHooks.configureBlocking first: a channel
 *  AbstractSelectableChannel                                   going non-blocking is never skipped
 *  sun.nio.ch.UnixDispatcher   close(FileDescriptor)           PollerHooks.beforeClose(fd) first
 *  sun.nio.ch.EPollSelectorImpl implClose()                    PollerHooks.beforeClose(epfd) first
 *  jdk.internal.vm.            printScheduler(), printPollers()  VirtualThreadHooks.printScheduler(),
 *  JcmdVThreadCommands                                         PollerHooks.printPollers(): jcmd shows vtloop
 *  java.lang.management.       getPlatformMBeanServer()        ManagementHooks.platformMBeanServer() first: the
 *  ManagementFactory           (static synchronized)           first call registers vtloop's MXBean (optional:
 *                                                              not patched without java.management)
 * </pre>
 */
final class JdkPatches {
    private static final ClassDesc CD_Runnable = ClassDesc.of("java.lang.Runnable");
    private static final ClassDesc CD_EXECUTOR = ClassDesc.of("java.util.concurrent.Executor");
    private static final ClassDesc CD_BOOLEAN_SUPPLIER = ClassDesc.of("java.util.function.BooleanSupplier");
    private static final ClassDesc CD_FILE_DESCRIPTOR = ClassDesc.of("java.io.FileDescriptor");
    private static final ClassDesc CD_VT_HOOKS = ClassDesc.of("io.vtloop.agent.VirtualThreadHooks");
    private static final ClassDesc CD_POLLER_HOOKS = ClassDesc.of("io.vtloop.agent.PollerHooks");
    private static final ClassDesc CD_MANAGEMENT_HOOKS = ClassDesc.of("io.vtloop.agent.ManagementHooks");

    /** A patch point that is missing or has another shape in this JDK. */
    static final class ShapeException extends Exception {
        ShapeException(String message) { super(message); }
    }

    /**
     * One method to patch: its name, descriptor and the new code (whole body or prefix); or, with
     * {@code lambdas}, the original body with each non-capturing lambda site named there
     * ({@code invokedynamic} name and descriptor, e.g. {@code "newThread()L...Factory;"}) replaced by
     * a call of the hook that returns the same function.
     */
    private record Edit(String name, MethodTypeDesc type, boolean prefixOnly, Consumer<CodeBuilder> code,
                        Map<String, String> lambdas) {
        Edit(String name, MethodTypeDesc type, boolean prefixOnly, Consumer<CodeBuilder> code) {
            this(name, type, prefixOnly, code, null);
        }
    }

    private final Map<String, List<Edit>> edits = new LinkedHashMap<>();

    JdkPatches() {
        // java.lang.VirtualThread: choose vtloop's scheduler when none is given
        MethodTypeDesc vtInit = MethodTypeDesc.of(CD_void, CD_EXECUTOR, CD_String, CD_int, CD_Runnable);
        add("java.lang.VirtualThread", new Edit(INIT_NAME, vtInit, true, cb -> cb
                .aload(1)
                .invokestatic(CD_VT_HOOKS, "scheduler", MethodTypeDesc.of(CD_EXECUTOR, CD_EXECUTOR))
                .astore(1)));

        // java.lang.VirtualThread: park timeouts on the carrier's own timer heap
        ClassDesc cdFuture = ClassDesc.of("java.util.concurrent.Future");
        ClassDesc cdTimeUnit = ClassDesc.of("java.util.concurrent.TimeUnit");
        add("java.lang.VirtualThread", new Edit("schedule", MethodTypeDesc.of(cdFuture, CD_Runnable, CD_long, cdTimeUnit),
                true, cb -> {
                    // Future f = VirtualThreadHooks.schedule(command, delay, unit); if (f != null) return f;
                    var jdkTimer = cb.newLabel();
                    cb.aload(1).lload(2).aload(4)
                      .invokestatic(CD_VT_HOOKS, "schedule", MethodTypeDesc.of(cdFuture, CD_Runnable, CD_long, cdTimeUnit))
                      .dup().ifnull(jdkTimer)
                      .areturn()
                      .labelBinding(jdkTimer)
                      .pop();
                }));

        // java.lang.VirtualThread: a pinned park lends the carrier, like a Blocker call
        add("java.lang.VirtualThread", new Edit("parkOnCarrierThread", MethodTypeDesc.of(CD_void, CD_boolean, CD_long),
                true, cb -> cb.invokestatic(CD_VT_HOOKS, "pinnedPark", MTD_void)));
        // java.lang.VirtualThread: Thread.yield queues behind outside work, as on the JDK
        add("java.lang.VirtualThread", new Edit("tryYield", MTD_void,
                true, cb -> cb.invokestatic(CD_VT_HOOKS, "yielding", MTD_void)));

        // java.lang.VirtualThread: the JDK's pool, which vtloop never feeds, is still created by
        // VirtualThread's <clinit>; its lambdas' bootstraps cost a cold start ~15 ms (bench/results/
        // 2026-12-07-session14/lambdas), since the
        // redefined class cannot use the ones CDS archived for it
        ClassDesc cdPool = ClassDesc.of("java.util.concurrent.ForkJoinPool");
        add("java.lang.VirtualThread", new Edit("createDefaultScheduler", MethodTypeDesc.of(cdPool), false, null, Map.of(
                "newThread()Ljava/util/concurrent/ForkJoinPool$ForkJoinWorkerThreadFactory;", "carrierThreadFactory",
                "uncaughtException()Ljava/lang/Thread$UncaughtExceptionHandler;", "ignoreUncaught",
                "test()Ljava/util/function/Predicate;", "saturateAlways")));

        // java.util.concurrent.ForkJoinWorkerThread: "is work queued on my carrier?" holds for vtloop
        // carriers too, so LinkedTransferQueue/SynchronousQueue/Exchanger do not spin for a peer
        // that can only run once the spinner parks
        add("java.util.concurrent.ForkJoinWorkerThread", new Edit("hasKnownQueuedWork", MethodTypeDesc.of(CD_boolean),
                true, cb -> {
                    var jdk = cb.newLabel();
                    cb.invokestatic(CD_VT_HOOKS, "hasQueuedWork", MethodTypeDesc.of(CD_boolean))
                      .ifeq(jdk).iconst_1().ireturn().labelBinding(jdk);
                }));

        // java.lang.management.ManagementFactory: the platform MBean server, when first asked
        // for, gets vtloop's MXBean (nothing of java.management initialised before)
        add("java.lang.management.ManagementFactory", new Edit("getPlatformMBeanServer",
                MethodTypeDesc.of(ClassDesc.of("javax.management.MBeanServer")), true,
                cb -> cb.invokestatic(CD_MANAGEMENT_HOOKS, "platformMBeanServer", MTD_void)));

        // jdk.internal.misc.Blocker: a blocking call lends the carrier to a spare thread
        add("jdk.internal.misc.Blocker", new Edit("begin", MethodTypeDesc.of(CD_boolean), true, cb -> {
            var jdk = cb.newLabel();
            cb.invokestatic(CD_VT_HOOKS, "beginBlocking", MethodTypeDesc.of(CD_boolean))
              .ifeq(jdk).iconst_1().ireturn().labelBinding(jdk);
        }));
        add("jdk.internal.misc.Blocker", new Edit("end", MethodTypeDesc.of(CD_void, CD_boolean), true, cb -> {
            var jdk = cb.newLabel();
            cb.iload(0).invokestatic(CD_VT_HOOKS, "endBlocking", MethodTypeDesc.of(CD_boolean, CD_boolean))
              .ifeq(jdk).return_().labelBinding(jdk);
        }));

        // sun.nio.ch.Poller: every entry point goes to vtloop; the static initializer starts nothing
        String poller = "sun.nio.ch.Poller";
        add(poller, new Edit(CLASS_INIT_NAME, MTD_void, false, CodeBuilder::return_));
        MethodTypeDesc poll = MethodTypeDesc.of(CD_void, CD_int, CD_int, CD_long, CD_BOOLEAN_SUPPLIER);
        add(poller, new Edit("poll", poll, false, cb -> cb
                .iload(0).iload(1).lload(2).aload(4)
                .invokestatic(CD_POLLER_HOOKS, "poll", poll).return_()));
        MethodTypeDesc pollSelector = MethodTypeDesc.of(CD_void, CD_int, CD_long);
        add(poller, new Edit("pollSelector", pollSelector, false, cb -> cb
                .iload(0).lload(1)
                .invokestatic(CD_POLLER_HOOKS, "pollSelector", pollSelector).return_()));
        MethodTypeDesc stopPoll2 = MethodTypeDesc.of(CD_void, CD_int, CD_int);
        add(poller, new Edit("stopPoll", stopPoll2, false, cb -> cb
                .iload(0).iload(1)
                .invokestatic(CD_POLLER_HOOKS, "stopPoll", stopPoll2).return_()));
        MethodTypeDesc stopPoll1 = MethodTypeDesc.of(CD_void, CD_int);
        add(poller, new Edit("stopPoll", stopPoll1, false, cb -> cb
                .iload(0)
                .invokestatic(CD_POLLER_HOOKS, "stopPoll", stopPoll1).return_()));
        ClassDesc cdPoller = ClassDesc.of(poller);
        add(poller, new Edit("masterPoller", MethodTypeDesc.of(cdPoller), false, cb -> cb.aconst_null().areturn()));
        for (String m : List.of("readPollers", "writePollers"))
            add(poller, new Edit(m, MethodTypeDesc.of(CD_List), false, cb -> cb
                    .invokestatic(CD_List, "of", MethodTypeDesc.of(CD_List), true).areturn()));

        // SocketDispatcher.read/write (sockets and pipes): skip a syscall known to fail with EAGAIN
        ClassDesc cdDispatcher = ClassDesc.of("sun.nio.ch.SocketDispatcher");
        ClassDesc cdFdState = ClassDesc.of("io.vtloop.runtime.FdState");
        MethodTypeDesc io = MethodTypeDesc.of(CD_int, CD_FILE_DESCRIPTOR, CD_long, CD_int);
        add("sun.nio.ch.SocketDispatcher", new Edit("read", io, false, cb -> {
            // FdState s = ioState(fd); if (s == null) return read0(fd, address, len);
            // int r = beginRead(s, this, address, len); if (r != PollerHooks.PROCEED) return r;
            // return afterRead(s, this, read0(fd, address, len), len);
            // locals: 0 this, 1 fd, 2-3 address, 4 len, 5 s, 6 r
            var tracked = cb.newLabel();
            var doIo = cb.newLabel();
            cb.aload(1)
              .invokestatic(CD_POLLER_HOOKS, "ioState", MethodTypeDesc.of(cdFdState, CD_FILE_DESCRIPTOR))
              .astore(5)
              .aload(5).ifnonnull(tracked)
              .aload(1).lload(2).iload(4)
              .invokestatic(cdDispatcher, "read0", io)
              .ireturn()
              .labelBinding(tracked)
              .aload(5).aload(0).lload(2).iload(4)
              .invokestatic(CD_POLLER_HOOKS, "beginRead", MethodTypeDesc.of(CD_int, cdFdState, CD_Object, CD_long, CD_int))
              .istore(6)
              .iload(6).getstatic(CD_POLLER_HOOKS, "PROCEED", CD_int).if_icmpeq(doIo)
              .iload(6).ireturn()
              .labelBinding(doIo)
              .aload(5).aload(0)
              .aload(1).lload(2).iload(4)
              .invokestatic(cdDispatcher, "read0", io)
              .iload(4)
              .invokestatic(CD_POLLER_HOOKS, "afterRead", MethodTypeDesc.of(CD_int, cdFdState, CD_Object, CD_int, CD_int))
              .ireturn();
        }));
        for (String op : List.of("write")) {
            int dir = FdState.WRITE;
            add("sun.nio.ch.SocketDispatcher", new Edit(op, io, false, cb -> {
                // FdState s = ioState(fd); if (s == null) return op0(fd, address, len);
                // int snap = beginIo(s, dir); if (snap == PollerHooks.SKIP) return IOStatus.UNAVAILABLE;
                // return afterIo(s, snap, dir, op0(fd, address, len), len);
                // locals: 0 this, 1 fd, 2-3 address, 4 len, 5 s, 6 snap
                var tracked = cb.newLabel();
                var doIo = cb.newLabel();
                cb.aload(1)
                  .invokestatic(CD_POLLER_HOOKS, "ioState", MethodTypeDesc.of(cdFdState, CD_FILE_DESCRIPTOR))
                  .astore(5)
                  .aload(5).ifnonnull(tracked)
                  .aload(1).lload(2).iload(4)
                  .invokestatic(cdDispatcher, op + "0", io)
                  .ireturn()
                  .labelBinding(tracked)
                  .aload(5).loadConstant(dir)
                  .invokestatic(CD_POLLER_HOOKS, "beginIo", MethodTypeDesc.of(CD_int, cdFdState, CD_int))
                  .istore(6)
                  .iload(6).getstatic(CD_POLLER_HOOKS, "SKIP", CD_int).if_icmpne(doIo)
                  .loadConstant(JdkContract.IOSTATUS_UNAVAILABLE).ireturn()
                  .labelBinding(doIo)
                  .aload(5).iload(6).loadConstant(dir)
                  .aload(1).lload(2).iload(4)
                  .invokestatic(cdDispatcher, op + "0", io)
                  .iload(4)
                  .invokestatic(CD_POLLER_HOOKS, "afterIo", MethodTypeDesc.of(CD_int, cdFdState, CD_int, CD_int, CD_int, CD_int))
                  .ireturn();
            }));
        }

        // AbstractSelectableChannel.configureBlocking: a channel going non-blocking is never skipped
        add("java.nio.channels.spi.AbstractSelectableChannel", new Edit("configureBlocking",
                MethodTypeDesc.of(ClassDesc.of("java.nio.channels.SelectableChannel"), CD_boolean), true, cb -> cb
                .aload(0).iload(1)
                .invokestatic(CD_POLLER_HOOKS, "configureBlocking", MethodTypeDesc.of(CD_void, CD_Object, CD_boolean))));

        // close paths: forget the fd before the number can be reused
        MethodTypeDesc beforeCloseFd = MethodTypeDesc.of(CD_void, CD_FILE_DESCRIPTOR);
        add("sun.nio.ch.UnixDispatcher", new Edit("close", beforeCloseFd, true, cb -> cb
                .aload(1)
                .invokestatic(CD_POLLER_HOOKS, "beforeClose", beforeCloseFd)));
        ClassDesc cdSelector = ClassDesc.of("sun.nio.ch.EPollSelectorImpl");
        add("sun.nio.ch.EPollSelectorImpl", new Edit("implClose", MTD_void, true, cb -> cb
                .aload(0).getfield(cdSelector, "epfd", CD_int)
                .invokestatic(CD_POLLER_HOOKS, "beforeClose", MethodTypeDesc.of(CD_void, CD_int))));

        // jcmd Thread.vthread_scheduler / Thread.vthread_pollers: show vtloop, not the JDK's unused ones
        ClassDesc cdBytes = CD_byte.arrayType();
        for (String m : List.of("printScheduler", "printPollers"))
            add("jdk.internal.vm.JcmdVThreadCommands", new Edit(m, MethodTypeDesc.of(cdBytes), false, cb -> cb
                    .invokestatic(m.equals("printScheduler") ? CD_VT_HOOKS : CD_POLLER_HOOKS, m, MethodTypeDesc.of(cdBytes))
                    .areturn()));
    }

    private void add(String className, Edit edit) {
        edits.computeIfAbsent(className, k -> new ArrayList<>()).add(edit);
    }

    /**
     * The patched class files, by binary class name, built from {@code contract}'s class files
     * (which {@link JdkContract#verify} has checked). Nothing is loaded or applied.
     */
    Map<String, byte[]> patchedClassFiles(JdkContract contract) throws ShapeException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (var e : edits.entrySet()) {
            String name = e.getKey();
            byte[] original = contract.classFile(name.replace('.', '/'));
            if (original == null && JdkContract.OPTIONAL_OWNERS.contains(name.replace('.', '/'))) continue;
            if (original == null) throw new ShapeException("class file of " + name + " not found in java.base");
            out.put(name, patch(name, original, e.getValue()));
        }
        return out;
    }

    /**
     * The redefinitions of the running JDK's classes by {@code classFiles} (binary class name to
     * patched class file: {@link #patchedClassFiles}, or its copy in the {@link PatchCache}),
     * each target class loaded without initializing it. Throws before anything is applied.
     */
    static ClassDefinition[] definitions(Map<String, byte[]> classFiles) throws ShapeException {
        List<ClassDefinition> defs = new ArrayList<>();
        for (var e : classFiles.entrySet()) {
            Class<?> cls;
            try {
                cls = Class.forName(e.getKey(), false, null);
            } catch (ClassNotFoundException ex) {
                throw new ShapeException("class " + e.getKey() + " not found in this JDK");
            }
            defs.add(new ClassDefinition(cls, e.getValue()));
        }
        return defs.toArray(new ClassDefinition[0]);
    }

    private static byte[] patch(String className, byte[] bytes, List<Edit> classEdits) throws ShapeException {
        ClassFile cf = ClassFile.of();
        ClassModel model = cf.parse(bytes);
        for (Edit ed : classEdits) {
            boolean found = model.methods().stream().anyMatch(m -> matches(m, ed));
            if (!found)
                throw new ShapeException(className + "." + ed.name() + ed.type().descriptorString()
                        + " not found: this JDK's patch points differ from JDK 25's");
        }
        // a lambda edit applies only where each of its sites is there exactly once (another JDK's
        // code, accepted with -Dvtloop.jdkCheck=shape, keeps its own lambdas)
        List<Edit> applied = new ArrayList<>(classEdits);
        applied.removeIf(ed -> ed.lambdas() != null && !hasEachLambdaOnce(model, ed));
        ClassTransform transform = (clb, ce) -> {
            Edit ed = ce instanceof MethodModel mm ? editFor(mm, applied) : null;
            if (ed == null) {
                clb.with(ce);
                return;
            }
            MethodModel mm = (MethodModel) ce;
            clb.withMethod(mm.methodName(), mm.methodType(), mm.flags().flagsMask(), mb -> {
                for (MethodElement me : mm) {
                    if (me instanceof CodeModel code && ed.lambdas() != null) {
                        mb.withCode(cb -> code.forEach(e -> {
                            String hook = e instanceof InvokeDynamicInstruction indy
                                    ? ed.lambdas().get(indy.name().stringValue() + indy.typeSymbol().descriptorString()) : null;
                            if (hook == null) cb.with(e);
                            else cb.invokestatic(CD_VT_HOOKS, hook, ((InvokeDynamicInstruction) e).typeSymbol());
                        }));
                    } else if (me instanceof CodeModel code) {
                        mb.withCode(cb -> {
                            ed.code().accept(cb);
                            if (ed.prefixOnly()) code.forEach(cb::with);
                        });
                    } else {
                        mb.with(me);
                    }
                }
            });
        };
        return cf.transformClass(model, transform);
    }

    private static boolean hasEachLambdaOnce(ClassModel model, Edit ed) {
        List<String> sites = new ArrayList<>();
        for (MethodModel m : model.methods()) {
            if (!matches(m, ed)) continue;
            for (var e : m.code().orElseThrow())
                if (e instanceof InvokeDynamicInstruction indy)
                    sites.add(indy.name().stringValue() + indy.typeSymbol().descriptorString());
        }
        return sites.size() == ed.lambdas().size() && sites.containsAll(ed.lambdas().keySet());
    }

    private static Edit editFor(MethodModel m, List<Edit> classEdits) {
        for (Edit ed : classEdits) if (matches(m, ed)) return ed;
        return null;
    }

    private static boolean matches(MethodModel m, Edit ed) {
        return m.methodName().equalsString(ed.name())
                && m.methodType().equalsString(ed.type().descriptorString())
                && m.code().isPresent();
    }
}
