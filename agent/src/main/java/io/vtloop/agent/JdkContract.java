package io.vtloop.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.Attribute;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.FieldModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.PseudoInstruction;
import java.lang.classfile.attribute.ConstantValueAttribute;
import java.lang.classfile.instruction.*;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static java.lang.classfile.ClassFile.ACC_FINAL;
import static java.lang.classfile.ClassFile.ACC_NATIVE;
import static java.lang.classfile.ClassFile.ACC_PUBLIC;
import static java.lang.classfile.ClassFile.ACC_STATIC;
import static java.lang.classfile.ClassFile.ACC_SYNCHRONIZED;

/**
 * Everything of the JDK that vtloop touches, in one table, checked against the running JDK's
 * class files before anything is patched.
 *
 * <p>{@link #MEMBERS}: every class, method and field that {@link JdkPatches} patches or emits
 * calls to, and that the hooks ({@link PollerHooks}, {@link VirtualThreadHooks},
 * {@link SocketOptions}), the launcher and the runtime link to, each with the access flags it
 * must have and those it must not have (a patch that reads local slot 1 as the first argument
 * needs an instance method, so static-ness is part of the shape). {@link #CONSTANTS}: the JDK
 * constants vtloop repeats as values ({@link #IOSTATUS_UNAVAILABLE}), compared with the
 * class file's {@code ConstantValue}. {@link #TESTED}: the fingerprint of each patched
 * method's original code on the JDK builds vtloop was tested on; {@link #fingerprint} hashes
 * the instructions with their symbolic operands (owner, name, type, constant value, local
 * slot, label order), so a reshuffled constant pool or other line numbers do not change it.
 * Also checked: that no method of {@code sun.nio.ch.Poller} left unpatched uses a static field
 * its emptied {@code <clinit>} would have set.
 *
 * <p>{@code -Dvtloop.jdkCheck=strict} (the default) requires every fingerprint to be one of
 * {@link #TESTED}; {@code shape} accepts unknown code when everything else holds. Any failure
 * is one line naming the member; vtloop then does not install.
 */
final class JdkContract {

    /** {@code sun.nio.ch.IOStatus.UNAVAILABLE}: "would block", returned by a skipped read/write. */
    static final int IOSTATUS_UNAVAILABLE = -2;
    /** {@code sun.nio.ch.IOStatus.EOF} and {@code INTERRUPTED}: what a read completed on the ring returns for EOF and EINTR. */
    static final int IOSTATUS_EOF = -1, IOSTATUS_INTERRUPTED = -3;

    /** How a JDK member is used. */
    enum Use { PATCHED, CALLED }

    /**
     * One JDK member vtloop depends on. {@code name} null: the class itself. A field's
     * descriptor is its type's.
     */
    record Member(String owner, String name, String descriptor, boolean field, int required, int forbidden,
                  Use use, String by) {
        String display() {
            String cls = owner.replace('/', '.');
            if (name == null) return cls;
            return cls + "." + name + (field ? " " : "") + descriptor;
        }
    }

    /** A JDK compile-time constant whose value vtloop repeats. */
    record Constant(String owner, String name, String descriptor, Object value, String by) { }

    /** The fingerprint of a patched method's original code on one tested JDK build. */
    record Tested(String jdk, String method, String fingerprint) { }

    private static Member patched(String owner, String name, String desc, int required, int forbidden) {
        return new Member(owner, name, desc, false, required, forbidden, Use.PATCHED, "JdkPatches");
    }

    private static Member method(String owner, String name, String desc, int required, int forbidden, String by) {
        return new Member(owner, name, desc, false, required, forbidden, Use.CALLED, by);
    }

    private static Member field(String owner, String name, String desc, int required, int forbidden, String by) {
        return new Member(owner, name, desc, true, required, forbidden, Use.CALLED, by);
    }

    private static Member type(String owner, int required, String by) {
        return new Member(owner, null, null, false, required, 0, Use.CALLED, by);
    }

    static final String VIRTUAL_THREAD = "java/lang/VirtualThread", BLOCKER = "jdk/internal/misc/Blocker",
            POLLER = "sun/nio/ch/Poller", SOCKET_DISPATCHER = "sun/nio/ch/SocketDispatcher",
            UNIX_DISPATCHER = "sun/nio/ch/UnixDispatcher", EPOLL_SELECTOR = "sun/nio/ch/EPollSelectorImpl",
            SELECTABLE_CHANNEL = "java/nio/channels/spi/AbstractSelectableChannel",
            JCMD = "jdk/internal/vm/JcmdVThreadCommands", NET = "sun/nio/ch/Net",
            FJ_WORKER = "java/util/concurrent/ForkJoinWorkerThread",
            MANAGEMENT_FACTORY = "java/lang/management/ManagementFactory";
    /**
     * Classes of modules a run-time image may leave out (jlink): when one's class file is absent
     * its members are not checked and its patches are not applied (what they add is then absent
     * too: without {@code java.management} there is no MXBean to register).
     */
    static final Set<String> OPTIONAL_OWNERS = Set.of(MANAGEMENT_FACTORY);
    private static final String FD = "Ljava/io/FileDescriptor;";

    /** The members, patched ones first, in {@link JdkPatches}' order. */
    static final List<Member> MEMBERS = List.of(
            patched(VIRTUAL_THREAD, "<init>", "(Ljava/util/concurrent/Executor;Ljava/lang/String;ILjava/lang/Runnable;)V", 0, ACC_STATIC),
            patched(VIRTUAL_THREAD, "schedule", "(Ljava/lang/Runnable;JLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/Future;", 0, ACC_STATIC),
            patched(VIRTUAL_THREAD, "parkOnCarrierThread", "(ZJ)V", 0, ACC_STATIC),
            patched(VIRTUAL_THREAD, "tryYield", "()V", 0, ACC_STATIC),
            patched(VIRTUAL_THREAD, "createDefaultScheduler", "()Ljava/util/concurrent/ForkJoinPool;", ACC_STATIC, 0),
            patched(FJ_WORKER, "hasKnownQueuedWork", "()Z", ACC_STATIC, 0),
            patched(BLOCKER, "begin", "()Z", ACC_STATIC, 0),
            patched(BLOCKER, "end", "(Z)V", ACC_STATIC, 0),
            type(POLLER, ClassFile.ACC_ABSTRACT, "JdkPatches (no instances without <clinit>)"),
            patched(POLLER, "<clinit>", "()V", ACC_STATIC, 0),
            patched(POLLER, "poll", "(IIJLjava/util/function/BooleanSupplier;)V", ACC_STATIC, 0),
            patched(POLLER, "pollSelector", "(IJ)V", ACC_STATIC, 0),
            patched(POLLER, "stopPoll", "(II)V", ACC_STATIC, 0),
            patched(POLLER, "stopPoll", "(I)V", ACC_STATIC, 0),
            patched(POLLER, "masterPoller", "()Lsun/nio/ch/Poller;", ACC_STATIC, 0),
            patched(POLLER, "readPollers", "()Ljava/util/List;", ACC_STATIC, 0),
            patched(POLLER, "writePollers", "()Ljava/util/List;", ACC_STATIC, 0),
            patched(SOCKET_DISPATCHER, "read", "(" + FD + "JI)I", 0, ACC_STATIC),
            patched(SOCKET_DISPATCHER, "write", "(" + FD + "JI)I", 0, ACC_STATIC),
            patched(SELECTABLE_CHANNEL, "configureBlocking", "(Z)Ljava/nio/channels/SelectableChannel;", 0, ACC_STATIC),
            patched(UNIX_DISPATCHER, "close", "(" + FD + ")V", 0, ACC_STATIC),
            patched(EPOLL_SELECTOR, "implClose", "()V", 0, ACC_STATIC),
            patched(JCMD, "printScheduler", "()[B", ACC_STATIC, 0),
            patched(JCMD, "printPollers", "()[B", ACC_STATIC, 0),
            patched(MANAGEMENT_FACTORY, "getPlatformMBeanServer", "()Ljavax/management/MBeanServer;",
                    ACC_PUBLIC | ACC_STATIC | ACC_SYNCHRONIZED, 0),
            // what the patched bodies call or read in their own class
            method("jdk/internal/misc/CarrierThread", "<init>", "(Ljava/util/concurrent/ForkJoinPool;)V", ACC_PUBLIC, ACC_STATIC,
                    "VirtualThreadHooks (the JDK pool's carrier factory)"),
            method(SOCKET_DISPATCHER, "read0", "(" + FD + "JI)I", ACC_STATIC | ACC_NATIVE, 0, "JdkPatches"),
            method(SOCKET_DISPATCHER, "write0", "(" + FD + "JI)I", ACC_STATIC | ACC_NATIVE, 0, "JdkPatches"),
            field(EPOLL_SELECTOR, "epfd", "I", 0, ACC_STATIC, "JdkPatches"),
            field("sun/nio/ch/NioSocketImpl", "nd", "Lsun/nio/ch/NativeDispatcher;", ACC_STATIC | ACC_FINAL, 0,
                    "PollerHooks (java.net.Socket reads are the ones completed on the ring)"),
            method("sun/net/ConnectionResetException", "<init>", "(Ljava/lang/String;)V", ACC_PUBLIC, ACC_STATIC,
                    "PollerHooks (a recv that failed with ECONNRESET, as read0 throws)"),
            // what the hooks, the launcher and the runtime use
            type(NET, ACC_PUBLIC, "PollerHooks"),
            field(NET, "POLLIN", "S", ACC_PUBLIC | ACC_STATIC | ACC_FINAL, 0, "PollerHooks"),
            field(NET, "POLLOUT", "S", ACC_PUBLIC | ACC_STATIC | ACC_FINAL, 0, "PollerHooks"),
            method(NET, "getIntOption0", "(" + FD + "ZII)I", ACC_STATIC | ACC_NATIVE, 0, "SocketOptions"),
            type("sun/nio/ch/SelChImpl", ACC_PUBLIC, "PollerHooks"),
            method("sun/nio/ch/SelChImpl", "getFDVal", "()I", ACC_PUBLIC, ACC_STATIC, "PollerHooks"),
            method("jdk/internal/access/SharedSecrets", "getJavaIOFileDescriptorAccess",
                    "()Ljdk/internal/access/JavaIOFileDescriptorAccess;", ACC_PUBLIC | ACC_STATIC, 0, "PollerHooks, SocketOptions"),
            method("jdk/internal/access/JavaIOFileDescriptorAccess", "get", "(" + FD + ")I", ACC_PUBLIC, ACC_STATIC, "PollerHooks"),
            method("jdk/internal/access/JavaIOFileDescriptorAccess", "set", "(" + FD + "I)V", ACC_PUBLIC, ACC_STATIC, "SocketOptions"),
            method("jdk/internal/access/SharedSecrets", "getJavaLangAccess", "()Ljdk/internal/access/JavaLangAccess;",
                    ACC_PUBLIC | ACC_STATIC, 0, "runtime (CarrierScheduler)"),
            method("jdk/internal/access/JavaLangAccess", "currentCarrierThread", "()Ljava/lang/Thread;", ACC_PUBLIC, ACC_STATIC,
                    "runtime (CarrierScheduler)"),
            method("java/lang/ThreadBuilders$VirtualThreadBuilder", "<init>", "(Ljava/util/concurrent/Executor;)V", 0, ACC_STATIC,
                    "io.vtloop.Vtloop.ofVirtual"),
            method("jdk/internal/misc/Unsafe", "defineClass",
                    "(Ljava/lang/String;[BIILjava/lang/ClassLoader;Ljava/security/ProtectionDomain;)Ljava/lang/Class;",
                    ACC_PUBLIC, ACC_STATIC, "Launcher"));

    /** The JDK constants vtloop repeats. */
    static final List<Constant> CONSTANTS = List.of(
            new Constant("sun/nio/ch/IOStatus", "UNAVAILABLE", "I", IOSTATUS_UNAVAILABLE, "JdkPatches, PollerHooks"),
            new Constant("sun/nio/ch/IOStatus", "EOF", "I", IOSTATUS_EOF, "PollerHooks"),
            new Constant("sun/nio/ch/IOStatus", "INTERRUPTED", "I", IOSTATUS_INTERRUPTED, "PollerHooks"));

    /**
     * The fingerprints of the patched methods' original code on the JDK builds vtloop was
     * tested on ({@link #fingerprint}; method keys as {@link Member#display()}). A new JDK
     * build: run the agent's tests on it with {@code -Dvtloop.jdkCheck=shape}, then add the
     * rows {@code JdkContractTest} prints.
     */
    static final List<Tested> TESTED = List.of(
            // Temurin 25.0.3+9-LTS, Linux x86_64 (Eclipse Adoptium build, lib/src.zip dated 2026-04-21)
            new Tested("25.0.3+9-LTS", "java.lang.VirtualThread.<init>(Ljava/util/concurrent/Executor;Ljava/lang/String;ILjava/lang/Runnable;)V", "0350114676bf53ff"),
            new Tested("25.0.3+9-LTS", "java.lang.VirtualThread.schedule(Ljava/lang/Runnable;JLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/Future;", "8202e25cc08e7322"),
            new Tested("25.0.3+9-LTS", "java.lang.VirtualThread.parkOnCarrierThread(ZJ)V", "1334b1af5cafb4ea"),
            new Tested("25.0.3+9-LTS", "java.lang.VirtualThread.tryYield()V", "c7dcea81aabb6c18"),
            new Tested("25.0.3+9-LTS", "java.lang.VirtualThread.createDefaultScheduler()Ljava/util/concurrent/ForkJoinPool;", "b23f1b15b772ecec"),
            new Tested("25.0.3+9-LTS", "java.util.concurrent.ForkJoinWorkerThread.hasKnownQueuedWork()Z", "d10c4061ea5469bb"),
            new Tested("25.0.3+9-LTS", "jdk.internal.misc.Blocker.begin()Z", "f104278ac9e9a13b"),
            new Tested("25.0.3+9-LTS", "jdk.internal.misc.Blocker.end(Z)V", "2ebbd29a28092b6e"),
            new Tested("25.0.3+9-LTS", "sun.nio.ch.Poller.<clinit>()V", "8119967efdcab62d"),
            new Tested("25.0.3+9-LTS", "sun.nio.ch.Poller.poll(IIJLjava/util/function/BooleanSupplier;)V", "d5c402dbf7fd1fff"),
            new Tested("25.0.3+9-LTS", "sun.nio.ch.Poller.pollSelector(IJ)V", "46fdbcf643e053cd"),
            new Tested("25.0.3+9-LTS", "sun.nio.ch.Poller.stopPoll(II)V", "c6ce7a1e1daa3267"),
            new Tested("25.0.3+9-LTS", "sun.nio.ch.Poller.stopPoll(I)V", "1aeeaaa19d87a5e9"),
            new Tested("25.0.3+9-LTS", "sun.nio.ch.Poller.masterPoller()Lsun/nio/ch/Poller;", "974e12e4a85d3439"),
            new Tested("25.0.3+9-LTS", "sun.nio.ch.Poller.readPollers()Ljava/util/List;", "75f266f6db80e75a"),
            new Tested("25.0.3+9-LTS", "sun.nio.ch.Poller.writePollers()Ljava/util/List;", "e8223a3caecf8f7d"),
            new Tested("25.0.3+9-LTS", "sun.nio.ch.SocketDispatcher.read(Ljava/io/FileDescriptor;JI)I", "192cc600207cc8ff"),
            new Tested("25.0.3+9-LTS", "sun.nio.ch.SocketDispatcher.write(Ljava/io/FileDescriptor;JI)I", "68f4e753f167ab98"),
            new Tested("25.0.3+9-LTS", "java.nio.channels.spi.AbstractSelectableChannel.configureBlocking(Z)Ljava/nio/channels/SelectableChannel;", "41af4c3614e8d26c"),
            new Tested("25.0.3+9-LTS", "sun.nio.ch.UnixDispatcher.close(Ljava/io/FileDescriptor;)V", "c0f08bb635ebc3a8"),
            new Tested("25.0.3+9-LTS", "sun.nio.ch.EPollSelectorImpl.implClose()V", "152a23a479d53c2b"),
            new Tested("25.0.3+9-LTS", "jdk.internal.vm.JcmdVThreadCommands.printScheduler()[B", "8ba27f713798eccc"),
            new Tested("25.0.3+9-LTS", "jdk.internal.vm.JcmdVThreadCommands.printPollers()[B", "b1db74ca7f7bad9d"),
            new Tested("25.0.3+9-LTS", "java.lang.management.ManagementFactory.getPlatformMBeanServer()Ljavax/management/MBeanServer;", "44da346f99051826"));

    private final Function<String, byte[]> classFiles;
    private final Map<String, ClassModel> models = new HashMap<>();
    /** Every class file read so far (null: absent), by internal name: each is read once. */
    private final Map<String, byte[]> read = new HashMap<>();

    /**
     * A contract checked against the class files {@code classFiles} returns (internal name to
     * bytes, null: missing); null: the running JDK's ({@link #runningClassFile}).
     */
    JdkContract(Function<String, byte[]> classFiles) {
        this.classFiles = classFiles;
    }

    /** A contract checked against the running JDK's modules ({@code java.base}, {@code java.management}). */
    static JdkContract ofRunningJdk() {
        return new JdkContract(null);   // not a method reference: its bootstrap costs start-up time
    }

    /** The class file of {@code internalName} in the running JDK's module of its package, or null. */
    static byte[] runningClassFile(String internalName) {
        Module module = Object.class.getModule();
        if (internalName.startsWith("java/lang/management/")) {
            module = ModuleLayer.boot().findModule("java.management").orElse(null);
            if (module == null) return null;
        }
        try (InputStream in = module.getResourceAsStream(internalName + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether {@code m} is checked: its class file is there, or its module is not optional. */
    private boolean applies(Member m) {
        return !OPTIONAL_OWNERS.contains(m.owner()) || model(m.owner()) != null;
    }

    /** The class file of {@code internalName} as this contract sees it, or null. */
    byte[] classFile(String internalName) {
        if (read.containsKey(internalName)) return read.get(internalName);
        byte[] b = classFiles == null ? runningClassFile(internalName) : classFiles.apply(internalName);
        read.put(internalName, b);
        return b;
    }

    /**
     * Checks the whole contract. Returns null when it holds, else one line naming the first
     * problem (and how many more there are).
     *
     * @param strict also require every patched method's fingerprint to be one of {@link #TESTED}
     */
    String verify(boolean strict) {
        List<String> problems = new ArrayList<>();
        for (Member m : MEMBERS) {
            if (!applies(m)) continue;
            String p = check(m);
            if (p != null) problems.add(p + " (" + (m.use() == Use.PATCHED ? "patched by " : "used by ") + m.by() + ")");
        }
        for (Constant c : CONSTANTS) {
            String p = check(c);
            if (p != null) problems.add(p);
        }
        if (problems.isEmpty()) {
            String p = checkEmptiedInitializer(POLLER);
            if (p != null) problems.add(p);
        }
        if (problems.isEmpty() && strict) {
            for (Map.Entry<String, String> e : fingerprints().entrySet()) {
                if (TESTED.stream().noneMatch(t -> t.method().equals(e.getKey()) && t.fingerprint().equals(e.getValue())))
                    problems.add(e.getKey() + " has code vtloop was not tested with (fingerprint " + e.getValue()
                            + ", JDK " + Runtime.version() + "); -Dvtloop.jdkCheck=shape tries anyway");
            }
        }
        if (problems.isEmpty()) return null;
        return "this JDK does not match vtloop's JDK contract: " + problems.getFirst()
                + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "");
    }

    /** The fingerprint of every patched method of this JDK, by {@link Member#display()}. */
    Map<String, String> fingerprints() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Member m : MEMBERS) {
            if (m.use() != Use.PATCHED || !applies(m)) continue;
            ClassModel cm = model(m.owner());
            MethodModel mm = cm == null ? null : method(cm, m.name(), m.descriptor());
            if (mm != null && mm.code().isPresent()) out.put(m.display(), fingerprint(mm.code().get()));
        }
        return out;
    }

    private ClassModel model(String owner) {
        return models.computeIfAbsent(owner, o -> {
            byte[] b = classFile(o);
            return b == null ? null : ClassFile.of().parse(b);
        });
    }

    private String check(Member m) {
        ClassModel cm = model(m.owner());
        if (cm == null) return "class " + m.owner().replace('/', '.') + " not found";
        int flags;
        if (m.name() == null) {
            flags = cm.flags().flagsMask();
        } else if (m.field()) {
            FieldModel f = cm.fields().stream().filter(x -> x.fieldName().equalsString(m.name())
                    && x.fieldType().equalsString(m.descriptor())).findFirst().orElse(null);
            if (f == null) return "field " + m.display() + " not found";
            flags = f.flags().flagsMask();
        } else {
            MethodModel mm = method(cm, m.name(), m.descriptor());
            if (mm == null) return "method " + m.display() + " not found";
            if (m.use() == Use.PATCHED && mm.code().isEmpty()) return m.display() + " has no code to patch";
            flags = mm.flags().flagsMask();
        }
        if ((flags & m.required()) != m.required() || (flags & m.forbidden()) != 0)
            return m.display() + " has access flags 0x" + Integer.toHexString(flags) + ", expected "
                    + describe(m.required(), m.forbidden());
        return null;
    }

    private static String describe(int required, int forbidden) {
        List<String> words = new ArrayList<>();
        if ((required & ACC_PUBLIC) != 0) words.add("public");
        if ((required & ACC_STATIC) != 0) words.add("static");
        if ((forbidden & ACC_STATIC) != 0) words.add("not static");
        if ((required & ACC_FINAL) != 0) words.add("final");
        if ((required & ACC_NATIVE) != 0) words.add("native");
        if ((required & ClassFile.ACC_ABSTRACT) != 0) words.add("abstract");
        if ((required & ACC_SYNCHRONIZED) != 0) words.add("synchronized");
        return String.join(", ", words);
    }

    private String check(Constant c) {
        ClassModel cm = model(c.owner());
        String name = c.owner().replace('/', '.') + "." + c.name();
        if (cm == null) return "class " + c.owner().replace('/', '.') + " not found";
        FieldModel f = cm.fields().stream().filter(x -> x.fieldName().equalsString(c.name())
                && x.fieldType().equalsString(c.descriptor())).findFirst().orElse(null);
        if (f == null) return "constant " + name + " not found";
        Object value = f.findAttribute(java.lang.classfile.Attributes.constantValue())
                .map(ConstantValueAttribute::constant).map(e -> (Object) e.constantValue()).orElse(null);
        if (!c.value().equals(value)) return name + " is " + value + ", vtloop uses " + c.value();
        return null;
    }

    /**
     * The static fields of {@code owner} that its {@code <clinit>} assigns (which the patch
     * empties) must not be used by any static method left unpatched. Instance methods are
     * exempt: {@code owner} is abstract (a {@link #MEMBERS} row) and its instances come only
     * from {@code owner$Pollers}, which only {@code <clinit>} creates (checked here too).
     */
    private String checkEmptiedInitializer(String owner) {
        ClassModel cm = model(owner);
        MethodModel clinit = method(cm, "<clinit>", "()V");
        Set<String> assigned = new HashSet<>();
        clinit.code().ifPresent(code -> code.forEach(e -> {
            if (e instanceof FieldInstruction fi && fi.opcode() == java.lang.classfile.Opcode.PUTSTATIC
                    && fi.owner().asInternalName().equals(owner)) assigned.add(fi.name().stringValue());
        }));
        for (MethodModel mm : cm.methods()) {
            String key = mm.methodName().stringValue() + mm.methodType().stringValue();
            boolean isPatched = MEMBERS.stream().anyMatch(m -> m.use() == Use.PATCHED && m.owner().equals(owner)
                    && key.equals(m.name() + m.descriptor()));
            if (isPatched || mm.code().isEmpty()) continue;
            boolean isStatic = (mm.flags().flagsMask() & ACC_STATIC) != 0;
            for (CodeElement e : mm.code().get()) {
                if (isStatic && e instanceof FieldInstruction fi && fi.owner().asInternalName().equals(owner)
                        && assigned.contains(fi.name().stringValue()))
                    return owner.replace('/', '.') + "." + key + " is not patched but uses "
                            + fi.name().stringValue() + ", which the emptied <clinit> no longer sets";
                if (e instanceof NewObjectInstruction n && n.className().asInternalName().equals(owner + "$Pollers"))
                    return owner.replace('/', '.') + "." + key + " creates the JDK's pollers outside <clinit>";
            }
        }
        return null;
    }

    private static MethodModel method(ClassModel cm, String name, String descriptor) {
        for (MethodModel mm : cm.methods())
            if (mm.methodName().equalsString(name) && mm.methodType().equalsString(descriptor)) return mm;
        return null;
    }

    /** Appends " L<n>", {@code l}'s number in order of first mention. */
    private static StringBuilder label(StringBuilder sb, Map<Label, Integer> labels, Label l) {
        Integer n = labels.get(l);
        if (n == null) labels.put(l, n = labels.size());
        return sb.append(" L").append(n);
    }

    /**
     * A 64-bit FNV-1a hash (16 hex digits) over {@code code}'s instructions and exception table,
     * each rendered with symbolic operands: constant-pool indices, wide/narrow encodings, line
     * numbers and local variable tables do not change it; any change of an instruction, an
     * operand, a branch target or a handler does. Not SHA-256: its provider costs ~20 ms at
     * premain, and the check is against accidental change, not an adversary.
     */
    static String fingerprint(CodeModel code) {
        // an instanceof chain, not a pattern switch: its bootstrap would cost tens of ms at premain
        Map<Label, Integer> labels = new HashMap<>();
        StringBuilder sb = new StringBuilder();
        for (CodeElement e : code) {
            if (e instanceof PseudoInstruction && !(e instanceof LabelTarget) && !(e instanceof ExceptionCatch)) {
                continue;   // line numbers, local variable tables, character ranges
            } else if (e instanceof Attribute<?>) {
                continue;   // the stack map follows from the instructions
            } else if (e instanceof LabelTarget t) {
                label(sb, labels, t.label()).append(':');
            } else if (e instanceof ExceptionCatch c) {
                label(label(label(sb.append("catch"), labels, c.tryStart()), labels, c.tryEnd()), labels, c.handler())
                        .append(' ').append(c.catchType().map(t -> t.asInternalName()).orElse("*"));
            } else if (e instanceof LoadInstruction i) {
                sb.append("load ").append(i.typeKind()).append(' ').append(i.slot());
            } else if (e instanceof StoreInstruction i) {
                sb.append("store ").append(i.typeKind()).append(' ').append(i.slot());
            } else if (e instanceof IncrementInstruction i) {
                sb.append("iinc ").append(i.slot()).append(' ').append(i.constant());
            } else if (e instanceof ConstantInstruction i) {
                sb.append("const ").append(i.typeKind()).append(' ').append(i.constantValue());
            } else if (e instanceof BranchInstruction i) {
                label(sb.append(i.opcode() == java.lang.classfile.Opcode.GOTO_W ? "GOTO" : i.opcode().name()), labels, i.target());
            } else if (e instanceof TableSwitchInstruction i) {
                label(sb.append("tableswitch ").append(i.lowValue()).append(' ').append(i.highValue()), labels, i.defaultTarget());
                for (SwitchCase c : i.cases()) label(sb.append(' ').append(c.caseValue()), labels, c.target());
            } else if (e instanceof LookupSwitchInstruction i) {
                label(sb.append("lookupswitch"), labels, i.defaultTarget());
                for (SwitchCase c : i.cases()) label(sb.append(' ').append(c.caseValue()), labels, c.target());
            } else if (e instanceof FieldInstruction i) {
                sb.append(i.opcode().name()).append(' ').append(i.owner().asInternalName()).append('.')
                        .append(i.name().stringValue()).append(':').append(i.type().stringValue());
            } else if (e instanceof InvokeInstruction i) {
                sb.append(i.opcode().name()).append(' ').append(i.owner().asInternalName()).append('.')
                        .append(i.name().stringValue()).append(i.type().stringValue()).append(i.isInterface() ? " itf" : "");
            } else if (e instanceof InvokeDynamicInstruction i) {
                sb.append("invokedynamic ").append(i.name().stringValue()).append(i.type().stringValue()).append(' ')
                        .append(i.bootstrapMethod()).append(' ').append(i.bootstrapArgs());
            } else if (e instanceof NewObjectInstruction i) {
                sb.append("new ").append(i.className().asInternalName());
            } else if (e instanceof NewReferenceArrayInstruction i) {
                sb.append("anewarray ").append(i.componentType().asInternalName());
            } else if (e instanceof NewPrimitiveArrayInstruction i) {
                sb.append("newarray ").append(i.typeKind());
            } else if (e instanceof NewMultiArrayInstruction i) {
                sb.append("multianewarray ").append(i.arrayType().asInternalName()).append(' ').append(i.dimensions());
            } else if (e instanceof TypeCheckInstruction i) {
                sb.append(i.opcode().name()).append(' ').append(i.type().asInternalName());
            } else if (e instanceof Instruction i) {
                sb.append(i.opcode().name());   // no operands: arithmetic, stack, array, return, monitor
            } else {
                sb.append(e);
            }
            sb.append('\n');
        }
        long h = 0xcbf29ce484222325L;   // FNV-1a, 64 bits
        for (byte b : sb.toString().getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xff)) * 0x100000001b3L;
        return HexFormat.of().toHexDigits(h);
    }
}
