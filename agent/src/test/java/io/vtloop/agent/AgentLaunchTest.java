package io.vtloop.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Starts child JVMs with the packaged agent: installation, switch-off, bad input and fallback. */
@EnabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
class AgentLaunchTest {
    record Result(int exit, String out, String err) { }

    static Path agentJar() {
        Path jar = Path.of(System.getProperty("vtloop.agent.jar", "target/vtloop-agent.jar"));
        assertTrue(Files.isRegularFile(jar), "agent jar missing: " + jar.toAbsolutePath());
        return jar.toAbsolutePath();
    }

    static Result java(List<String> jvmArgs, java.util.Map<String, String> env) throws Exception {
        return java(jvmArgs, env, PrintCarrier.class);
    }

    static Result java(List<String> jvmArgs, java.util.Map<String, String> env, Class<?> main, String... mainArgs) throws Exception {
        List<String> args = new ArrayList<>(jvmArgs);
        args.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        args.addAll(List.of(mainArgs));
        return run(javaBin(), args, env);
    }

    /**
     * Writes {@link PrintCarrier} alone to {@code jar}; returns the arguments that run it from
     * there, with nothing of vtloop on the class path (unlike {@link #java}'s, the test's own).
     */
    static List<String> printCarrierAlone(Path jar) throws java.io.IOException {
        String main = PrintCarrier.class.getName().replace('.', '/') + ".class";
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
             var in = PrintCarrier.class.getClassLoader().getResourceAsStream(main)) {
            out.putNextEntry(new java.util.jar.JarEntry(main));
            in.transferTo(out);
        }
        return List.of("-cp", jar.toString(), PrintCarrier.class.getName());
    }

    /** The java executable running this test. */
    static Path javaBin() {
        return Path.of(ProcessHandle.current().info().command().orElseThrow());
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Runs {@code javaBin args}, with {@code env} added to an environment without JAVA_TOOL_OPTIONS. */
    static Result run(Path javaBin, List<String> args, java.util.Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin.toString());
        String backend = System.getProperty("vtloop.test.backend");   // the io_uring execution: children use it too
        if (backend != null && io.vtloop.binding.IoUring.isSupported() && args.stream().anyMatch(a -> a.startsWith("-javaagent:"))
                && args.stream().noneMatch(a -> a.startsWith("-Dvtloop.backend=")))
            cmd.add("-Dvtloop.backend=" + backend);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("vtloop-out", ".txt"), err = Files.createTempFile("vtloop-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM hung: " + cmd);
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    static Result java(String... jvmArgs) throws Exception {
        return java(List.of(jvmArgs), java.util.Map.of());
    }

    @Test
    void installsSilently() throws Exception {
        Result r = java("-javaagent:" + agentJar());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("carrier=vtloop-carrier-"), r.out());
        assertTrue(r.out().contains("read=7"), r.out());
        assertEquals("", r.err(), "the agent flag alone must print no warning");
    }

    @Test
    void javaToolOptionsWorksTheSame() throws Exception {
        Result r = java(List.of(), java.util.Map.of("JAVA_TOOL_OPTIONS", "-javaagent:" + agentJar()));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("carrier=vtloop-carrier-"), r.out());
        assertTrue(r.err().strip().startsWith("Picked up JAVA_TOOL_OPTIONS"), r.err());   // the JVM's own notice
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    static final String NOT_INSTALLED = "vtloop: not installed, running on the JDK's default scheduler: ";

    /** The {@code java} of an installed JDK older than 25 (under /usr/lib/jvm, by its release file), or null. */
    static Path olderJava() throws Exception {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) return null;
        try (var dirs = Files.list(jvms)) {
            for (Path d : (Iterable<Path>) dirs.sorted()::iterator) {
                Path release = d.resolve("release"), bin = d.resolve("bin/java");
                if (Files.isSymbolicLink(d) || !Files.isRegularFile(release) || !Files.isExecutable(bin)) continue;
                var m = java.util.regex.Pattern.compile("JAVA_VERSION=\"(?:1\\.)?(\\d+)").matcher(Files.readString(release));
                if (m.find() && Integer.parseInt(m.group(1)) < 25) return bin;
            }
        }
        return null;
    }

    /** {@code java.version} of {@code bin}, as the JDK's release file says. */
    static String javaVersion(Path bin) throws Exception {
        var m = java.util.regex.Pattern.compile("JAVA_VERSION=\"([^\"]+)\"")
                .matcher(Files.readString(bin.getParent().getParent().resolve("release")));
        assertTrue(m.find());
        return m.group(1);
    }

    @Test
    void olderJdkRunsTheApplicationAfterOneWarningLine() throws Exception {
        Path older = olderJava();
        org.junit.jupiter.api.Assumptions.assumeTrue(older != null,
                "no JDK older than 25 under /usr/lib/jvm (CI installs openjdk-17-jdk-headless): skipped");
        Path src = Files.createTempFile("Hello", ".java");
        Files.writeString(src, "public class Hello { public static void main(String[] a) { System.out.println(\"hello\"); } }");
        String line = NOT_INSTALLED + "vtloop needs JDK 25 or later, this is Java " + javaVersion(older);
        try {
            Result r = run(older, List.of("-javaagent:" + agentJar(), src.toString()), java.util.Map.of());
            assertEquals(0, r.exit(), r.err());
            assertEquals("hello\n", r.out());
            assertEquals(line + "\n", r.err());
            Result t = run(older, List.of(src.toString()), java.util.Map.of("JAVA_TOOL_OPTIONS", "-javaagent:" + agentJar()));
            assertEquals(0, t.exit(), t.err());
            assertEquals("hello\n", t.out());
            assertEquals("Picked up JAVA_TOOL_OPTIONS: -javaagent:" + agentJar() + "\n" + line + "\n", t.err());
        } finally {
            Files.delete(src);
        }
    }

    @Test
    void agentGivenTwiceInstallsOnceSilently() throws Exception {
        Result r = java(List.of("-javaagent:" + agentJar()), java.util.Map.of("JAVA_TOOL_OPTIONS", "-javaagent:" + agentJar()));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("carrier=vtloop-carrier-"), r.out());
        assertEquals("Picked up JAVA_TOOL_OPTIONS: -javaagent:" + agentJar() + "\n", r.err());
        Path copy = Files.createTempFile("vtloop-agent-copy", ".jar");
        try {
            Files.copy(agentJar(), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Result c = java("-javaagent:" + agentJar(), "-javaagent:" + copy);
            assertEquals(0, c.exit(), c.err());
            assertTrue(c.out().contains("carrier=vtloop-carrier-"), c.out());
            assertEquals("", c.err());
        } finally {
            Files.delete(copy);
        }
    }

    @Test
    void loadedIntoARunningJvmSaysItMustBeThereAtStartUp() throws Exception {
        Result r = java(List.of("-Djdk.attach.allowAttachSelf=true", "-XX:+EnableDynamicAgentLoading",
                "-Dvtloop.agent.jar=" + agentJar()), java.util.Map.of(), LateLoadMain.class);
        assertEquals(0, r.exit(), r.err());
        assertEquals(NOT_INSTALLED + "vtloop must be given at JVM start-up (-javaagent:vtloop-agent.jar on the command"
                + " line or in JAVA_TOOL_OPTIONS); it cannot be loaded into a running JVM\n", r.err());
        assertTrue(r.out().contains("loaded carrier=ForkJoinPool"), r.out());
    }

    @Test
    void unknownPropertyIsNamedOnceWithTheKnownOnes() throws Exception {
        Result r = java("-javaagent:" + agentJar(), "-Dvtloop.carrier=4", "-Dvtloop.Spin=5");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("carrier=vtloop-carrier-"), r.out());
        assertEquals("vtloop: ignoring unknown properties -Dvtloop.Spin, -Dvtloop.carrier; known: vtloop.enabled,"
                + " vtloop.carriers, vtloop.pollInterval, vtloop.spin, vtloop.stallMillis, vtloop.spareKeepAliveMillis,"
                + " vtloop.backend, vtloop.stats, vtloop.verbose, vtloop.native.dir, vtloop.jdkCheck, vtloop.patchCache,"
                + " vtloop.jvmtiTransitions\n", r.err());
    }

    @Test
    void verboseNamesTheBackend() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.vtloop.binding.IoUring.isSupported(), "io_uring unavailable here");
        for (String b : List.of("epoll", "io_uring")) {
            Result r = java("-javaagent:" + agentJar(), "-Dvtloop.backend=" + b, "-Dvtloop.verbose=true");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.err().contains("carriers, backend " + b + ", JVMTI transitions "), r.err());
        }
    }

    @Test
    void badBackendNamesThePropertyAndTheAcceptedValues() throws Exception {
        Result r = java("-javaagent:" + agentJar(), "-Dvtloop.backend=kqueue");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("-Dvtloop.backend=kqueue: expected epoll, io_uring or auto"), r.err());
    }

    @Test
    void disabledChangesNothing() throws Exception {
        Result r = java("-javaagent:" + agentJar(), "-Dvtloop.enabled=false");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("carrier=ForkJoinPool"), r.out());
        assertEquals("", r.err());
    }

    /**
     * JDK 25's one-step AOT cache: the training run records on the JDK's scheduler (one line says
     * so; with VirtualThread redefined the JDK's assembly step would crash), the cache is made,
     * and a run that uses it installs vtloop with the cache mapped.
     */
    @Test
    void anAotTrainingRunRecordsOnTheJdkAndTheRunsThatUseTheCacheInstall() throws Exception {
        Path dir = Files.createTempDirectory("vtloop-aot");
        try {
            Path aot = dir.resolve("app.aot");
            List<String> cp = printCarrierAlone(dir.resolve("app.jar"));   // AOT caches take jars only
            Result training = run(javaBin(), concat(List.of("-javaagent:" + agentJar(), "-XX:AOTCacheOutput=" + aot), cp), java.util.Map.of());
            assertEquals(0, training.exit(), training.err());
            assertTrue(training.out().contains("carrier=ForkJoinPool"), training.out());
            assertTrue(training.out().contains("read=7"), training.out());
            assertEquals(List.of(NOT_INSTALLED + Launcher.RECORDING_ARCHIVE),
                    training.err().lines().filter(l -> l.contains("vtloop")
                            && !l.startsWith("Picked up JAVA_TOOL_OPTIONS")).toList(), training.err());
            assertTrue(Files.size(aot) > 0, "no AOT cache written: " + training.out() + training.err());

            Result run = run(javaBin(), concat(List.of("-javaagent:" + agentJar(), "-XX:AOTCache=" + aot, "-XX:AOTMode=on",
                    "-Dvtloop.verbose=true"), cp), java.util.Map.of());
            assertEquals(0, run.exit(), run.err());   // AOTMode=on: a cache that cannot be mapped is an error
            assertTrue(run.out().contains("carrier=vtloop-carrier-"), run.out());
            assertTrue(run.out().contains("read=7"), run.out());
            assertTrue(run.err().startsWith("vtloop: installed, "), run.err());
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            Files.delete(dir);
        }
    }

    @Test
    void badPropertyFailsAtStartupNamingIt() throws Exception {
        Result r = java("-javaagent:" + agentJar(), "-Dvtloop.carriers=many");
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertTrue(r.err().contains("-Dvtloop.carriers=many"), r.err());
        assertTrue(r.err().contains("expected an integer from 1 to 1024"), r.err());
        Result b = java("-javaagent:" + agentJar(), "-Dvtloop.stats=yes");
        assertEquals(1, b.exit());
        assertTrue(b.err().contains("-Dvtloop.stats=yes: expected true or false"), b.err());
        Result d = java("-javaagent:" + agentJar(), "-Dvtloop.native.dir=");
        assertEquals(1, d.exit());
        assertEquals("", d.out());
        assertEquals("vtloop: -Dvtloop.native.dir=: expected a directory (an empty value would extract into the"
                + " working directory)\n", d.err());
        Result j = java("-javaagent:" + agentJar(), "-Dvtloop.jdkCheck=loose");
        assertEquals(1, j.exit());
        assertEquals("vtloop: -Dvtloop.jdkCheck=loose: expected strict or shape\n", j.err());
    }

    @Test
    void cannotLoadNativeLibraryFallsBackWithOneWarning() throws Exception {
        // without the patch cache, whose copy of the library needs no extraction directory
        Result r = java("-javaagent:" + agentJar(), "-Dvtloop.patchCache=off", "-Dvtloop.native.dir=/nonexistent/vtloop");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("carrier=ForkJoinPool"), r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("vtloop: not installed"), r.err());
        assertTrue(r.err().contains("vtloop.native.dir"), r.err());
    }

    @Test
    void carriersPropertyIsHonoured() throws Exception {
        Result r = java("-javaagent:" + agentJar(), "-Dvtloop.carriers=3", "-Dvtloop.verbose=true");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("3 carriers"), r.err());
    }

    @Test
    void blockingCallOnOnlyCarrierDoesNotStallOthers() throws Exception {
        Result r = java(List.of("-javaagent:" + agentJar(), "-Dvtloop.carriers=1", "-Dvtloop.stats=true"),
                java.util.Map.of(), BlockingCompensationMain.class);
        assertEquals(0, r.exit(), r.err());
        var m = java.util.regex.Pattern.compile("echoMs=(\\d+) blockedMs=(\\d+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        long echoMs = Long.parseLong(m.group(1)), blockedMs = Long.parseLong(m.group(2));
        assertTrue(blockedMs >= 4900, r.out());
        assertTrue(r.out().contains("echoDoneWhileBlocked=true"), "echo stalled behind the blocked carrier: " + r.out());
        assertTrue(r.err().matches("(?s).*compensations=[1-9].*"), r.err());
    }

    @Test
    void jfrRecordsEveryCarrierStallWithItsVirtualThread() throws Exception {
        Path jfr = Files.createTempFile("vtloop", ".jfr");
        Result r = java(List.of("-javaagent:" + agentJar(), "-XX:StartFlightRecording:filename=" + jfr),
                java.util.Map.of(), JfrEventsMain.class);
        assertEquals(0, r.exit(), r.err());
        assertRecordedStalls(jfr, r);
    }

    /**
     * vtloop creates no event object before JFR is initialised (loading an event class would
     * initialise JFR at start-up): a recording started later, through the API, still gets them.
     */
    @Test
    void jfrRecordingStartedLaterRecordsStalls() throws Exception {
        Path jfr = Files.createTempFile("vtloop", ".jfr");
        Result r = java(List.of("-javaagent:" + agentJar()), java.util.Map.of(), JfrEventsMain.class, jfr.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("initialisedBefore=false"), r.out());
        assertRecordedStalls(jfr, r);
    }

    /**
     * A shutdown hook's socket I/O and sleep on virtual threads complete as on the JDK, while vtloop's
     * threads, exiting, no longer wait in native code (CarrierScheduler.prepareForExit).
     */
    @Test
    void shutdownHookIoOnVirtualThreadsCompletesAsOnTheJdk() throws Exception {
        for (List<String> flags : List.of(List.<String>of(), List.of("-javaagent:" + agentJar()))) {
            Result r = java(flags, java.util.Map.of(), ShutdownHookIoMain.class);
            assertEquals(0, r.exit(), flags + ": " + r.err());
            assertEquals(List.of("mainEcho=7", "hookEcho=42", "hookSlept=true"), r.out().lines().toList(), flags + ": " + r.err());
        }
        Result r = java(List.of("-javaagent:" + agentJar()), java.util.Map.of(), ShutdownHookIoMain.class, "scheduler");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("mainEcho=7", "hookEcho=42", "hookSlept=true", "hookScheduler=ran"), r.out().lines().toList(), r.err());
    }

    /**
     * vtloop's MXBean is registered when the platform MBean server is first asked for (the
     * patched ManagementFactory), by the application or by a JMX agent started with the JVM.
     */
    @Test
    void schedulerMXBeanIsThereWhenThePlatformServerIsAskedFor() throws Exception {
        List<List<String>> launches = List.of(List.of(), List.of("-Dcom.sun.management.jmxremote.port=0",
                "-Dcom.sun.management.jmxremote.authenticate=false", "-Dcom.sun.management.jmxremote.ssl=false"));
        for (List<String> extra : launches) {
            List<String> flags = new ArrayList<>(extra);
            flags.add("-javaagent:" + agentJar());
            Result r = java(flags, java.util.Map.of(), MXBeanMain.class);
            assertEquals(0, r.exit(), extra + ": " + r.err());
            assertEquals(List.of("registered=true", "tasksPositive=true"), r.out().lines().toList(), extra + ": " + r.err());
        }
    }

    /**
     * A JVM that does not record and that nobody watches over JMX never initialises JFR for
     * vtloop's events, nor JMX for its MXBean (each about 100 ms of CPU at start-up).
     */
    @Test
    void jfrAndJmxStayUninitialisedUntilUsed() throws Exception {
        Path log = Files.createTempFile("vtloop-classes", ".log");
        Result r = java(List.of("-javaagent:" + agentJar(), "-Xlog:class+load=info:file=" + log),
                java.util.Map.of(), JfrEventsMain.class);
        String loaded = Files.readString(log);
        Files.delete(log);
        assertEquals(0, r.exit(), r.err());
        assertTrue(loaded.contains("io.vtloop.runtime.Carrier "), "the log lists vtloop's classes");
        assertFalse(loaded.contains("jdk.jfr.internal.MetadataRepository "), "JFR was initialised without a recording");
        assertFalse(loaded.contains("com.sun.jmx.mbeanserver.JmxMBeanServer "), "the platform MBean server was created");
    }

    /**
     * The JVM calls {@code Premain.premain} and {@code Premain} calls {@code Launcher.launch} through
     * core reflection; with {@code ACC_VARARGS} on both (the build's {@code VarargsEntryPoints})
     * the VM's own reflection calls them, and no method-handle class is spun on the way
     * (seven {@code LambdaForm} classes without the flag, ~10-15 ms of a one-core start).
     */
    @Test
    void entryPointsAreCalledWithoutSpinningMethodHandles() throws Exception {
        for (String[] entry : new String[][] {{"io.vtloop.agent.Premain", "premain"}, {"io.vtloop.agent.Launcher", "launch"}}) {
            try (var loader = new java.net.URLClassLoader(new java.net.URL[] {agentJar().toUri().toURL()}, null)) {
                var m = Class.forName(entry[0], false, loader)
                        .getMethod(entry[1], String.class, java.lang.instrument.Instrumentation.class);
                assertTrue(m.isVarArgs(), m + " lacks ACC_VARARGS in " + agentJar());
            }
        }
        Path log = Files.createTempFile("vtloop-classes", ".log");
        Result r = java(List.of("-javaagent:" + agentJar(), "-Xlog:class+load=info:file=" + log), java.util.Map.of());
        List<String> loaded = Files.readAllLines(log);
        Files.delete(log);
        assertEquals(0, r.exit(), r.err());
        int premain = indexOf(loaded, "io.vtloop.agent.Premain "), launcher = indexOf(loaded, "io.vtloop.agent.Launcher ");
        assertTrue(premain >= 0 && launcher > premain, "the log lists Premain, then Launcher");
        List<String> spun = loaded.subList(premain, launcher).stream().filter(l -> l.contains("LambdaForm$")).toList();
        assertEquals(List.of(), spun, "classes spun between Premain and Launcher");
    }

    /**
     * The poller library opens without the FFM API ({@code RawLibrary}): a program that never
     * waits for an fd initialises no FFM session (~8 ms of a one-core start: the global arena and
     * the symbol lookup), and the install spins no lambda or method-handle class of FFM's.
     */
    @Test
    void aProgramWithoutSocketsStartsNoFfmSession() throws Exception {
        Path log = Files.createTempFile("vtloop-classes", ".log");
        // epoll (the io_uring backend opens its rings, through FFM, at start)
        Result r = java(List.of("-javaagent:" + agentJar(), "-Dvtloop.backend=epoll", "-Dvtloop.verbose=true",
                "-Xlog:class+load=info:file=" + log), java.util.Map.of(), HelloMain.class);
        String loaded = Files.readString(log);
        Files.delete(log);
        assertEquals(0, r.exit(), r.err());
        assertEquals("hello from a virtual thread", r.out().strip());
        assertTrue(r.err().contains("vtloop: installed"), r.err());
        assertTrue(loaded.contains("jdk.internal.loader.RawNativeLibraries "), "the library was opened raw");
        assertFalse(loaded.contains("jdk.internal.foreign.MemorySessionImpl "), "an FFM session was initialised");
        assertFalse(loaded.contains("java.lang.foreign.SymbolLookup "), "the FFM symbol lookup was used");
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(part)) return i;
        return -1;
    }

    private static void assertRecordedStalls(Path jfr, Result r) throws Exception {
        var events = jdk.jfr.consumer.RecordingFile.readAllEvents(jfr);
        Files.delete(jfr);
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("io.vtloop.Compensation")));
        var stalls = events.stream().filter(e -> e.getEventType().getName().equals("io.vtloop.CarrierStall")).toList();
        var seen = new java.util.TreeMap<String, String>();   // name -> "id endedBy"
        for (var e : stalls) {
            jdk.jfr.consumer.RecordedThread vt = e.getThread("virtualThread");
            if (vt != null && vt.getJavaName() != null && vt.getJavaName().startsWith("stall-"))
                seen.merge(vt.getJavaName(), vt.getJavaThreadId() + " " + e.getString("endedBy"), (a, b) -> a + "," + b);
        }
        var expected = new java.util.TreeMap<String, String>();
        r.out().lines().filter(l -> l.startsWith("stall-")).map(l -> l.split("=")).forEach(kv -> expected.put(kv[0], kv[1]));
        assertEquals(9, expected.size(), r.out());
        assertEquals(expected.keySet(), seen.keySet(), "one CarrierStall per 60 ms hog: " + stalls);
        for (var e : expected.entrySet()) {
            String recorded = seen.get(e.getKey());
            assertTrue(recorded.startsWith(e.getValue() + " "), e.getKey() + ": " + recorded);
            if (!e.getKey().contains("block")) assertTrue(recorded.endsWith(" return"), e.getKey() + ": " + recorded);
        }
        assertTrue(seen.entrySet().stream().anyMatch(e -> e.getKey().contains("block") && e.getValue().contains("blocking call")),
                seen.toString());
    }
}
