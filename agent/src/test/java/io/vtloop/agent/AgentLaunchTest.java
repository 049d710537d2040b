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

    static Result java(List<String> jvmArgs, java.util.Map<String, String> env, Class<?> main) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
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

    @Test
    void disabledChangesNothing() throws Exception {
        Result r = java("-javaagent:" + agentJar(), "-Dvtloop.enabled=false");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("carrier=ForkJoinPool"), r.out());
        assertEquals("", r.err());
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
    }

    @Test
    void cannotLoadNativeLibraryFallsBackWithOneWarning() throws Exception {
        Result r = java("-javaagent:" + agentJar(), "-Dvtloop.native.dir=/nonexistent/vtloop");
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
    void jfrRecordsCompensationAndCarrierStall() throws Exception {
        Path jfr = Files.createTempFile("vtloop", ".jfr");
        Result r = java(List.of("-javaagent:" + agentJar(), "-XX:StartFlightRecording:filename=" + jfr),
                java.util.Map.of(), JfrEventsMain.class);
        assertEquals(0, r.exit(), r.err());
        var names = jdk.jfr.consumer.RecordingFile.readAllEvents(jfr).stream()
                .map(e -> e.getEventType().getName()).filter(n -> n.startsWith("io.vtloop.")).toList();
        Files.delete(jfr);
        assertTrue(names.contains("io.vtloop.Compensation"), names.toString());
        assertTrue(names.contains("io.vtloop.CarrierStall"), names.toString());
    }
}
