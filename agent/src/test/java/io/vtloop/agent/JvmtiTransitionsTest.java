package io.vtloop.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.vtloop.agent.AgentLaunchTest.agentJar;
import static io.vtloop.agent.AgentLaunchTest.java;
import static org.junit.jupiter.api.Assertions.*;

/**
 * vtloop turns off HotSpot's JVMTI mount/unmount notifications at start-up only when it is the
 * only agent, and the JVM turns them back on when a tool attaches later; child JVMs, each
 * reading the JVM's switch itself ({@code JvmtiTransitions.notifying}).
 */
@EnabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
class JvmtiTransitionsTest {

    /** Whether this JDK's libjvm.so has the symbol table the switch is found by (Temurin's has; stripped builds do not). */
    static boolean hasSymbolTable() throws Exception {
        Path jvm = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");
        byte[] b = Files.readAllBytes(jvm);
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).contains(JvmtiTransitions.NOTIFY + "\0");
    }

    private static AgentLaunchTest.Result child(List<String> jvmArgs, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(jvmArgs);
        all.add("-Dvtloop.agent.jar=" + agentJar());
        all.addAll(List.of("-cp", System.getProperty("java.class.path"), JvmtiStateMain.class.getName()));
        all.addAll(List.of(args));
        return AgentLaunchTest.run(Path.of(ProcessHandle.current().info().command().orElseThrow()), all, Map.of());
    }

    @Test
    void offWhenVtloopIsTheOnlyAgent() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(hasSymbolTable(), "libjvm.so is stripped here: the switch stays on");
        AgentLaunchTest.Result r = child(List.of("-javaagent:" + agentJar(), "-Dvtloop.verbose=true"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("state=off\nnotifying=false\nhandoffs=20000\n"), r.out());
        assertTrue(r.err().contains(", JVMTI transitions off"), r.err());
    }

    @Test
    void aStrippedLibjvmKeepsThemOnAndSaysWhy() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(hasSymbolTable(), "libjvm.so has a symbol table here");
        AgentLaunchTest.Result r = child(List.of("-javaagent:" + agentJar()));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("state=on (libjvm.so has no symbol table)\nnotifying=null\nhandoffs=20000\n"), r.out());
    }

    @Test
    void keepLeavesThemOn() throws Exception {
        AgentLaunchTest.Result r = child(List.of("-javaagent:" + agentJar(), "-Dvtloop.jvmtiTransitions=keep"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("state=on (-Dvtloop.jvmtiTransitions=keep)\nnotifying=null\nhandoffs=20000\n"), r.out());
    }

    @Test
    void anotherAgentKeepsThemOn() throws Exception {
        AgentLaunchTest.Result r = child(List.of("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0",
                "-javaagent:" + agentJar()));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("state=on (-agentlib:jdwp is loaded too)\nnotifying=null\nhandoffs=20000\n"), r.out());
    }

    @Test
    void aBadValueNamesTheProperty() throws Exception {
        AgentLaunchTest.Result r = child(List.of("-javaagent:" + agentJar(), "-Dvtloop.jvmtiTransitions=off"));
        assertEquals(1, r.exit());
        assertEquals("vtloop: -Dvtloop.jvmtiTransitions=off: expected auto or keep\n", r.err());
    }

    @Test
    void aToolAttachedLaterTurnsThemBackOn() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(hasSymbolTable(), "libjvm.so is stripped here: the switch stays on");
        AgentLaunchTest.Result r = child(List.of("-javaagent:" + agentJar(), "-Djdk.attach.allowAttachSelf=true"), "attach");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("state=off\nnotifying=false\nhandoffs=20000\n"), r.out());
        assertTrue(r.out().contains("after-attach notifying=true\nparked-frames=true\n"), r.out());
        assertTrue(r.out().endsWith("handoffs=20000\n"), r.out());
        assertTrue(r.err().contains("it cannot be loaded into a running JVM"), r.err());   // the late vtloop refuses
    }

    @Test
    void otherAgentTellsVtloopsJarFromOthers() throws Exception {
        String us = agentJar().toString();
        assertNull(JvmtiTransitions.otherAgent(List.of("-Xmx1g", "-javaagent:" + us, "-javaagent:" + us + "=x=y")));
        assertEquals("-agentlib:jdwp", JvmtiTransitions.otherAgent(List.of("-javaagent:" + us, "-agentlib:jdwp=transport=dt_socket")));
        assertEquals("-agentpath:/opt/libasyncProfiler.so", JvmtiTransitions.otherAgent(List.of("-agentpath:/opt/libasyncProfiler.so=start")));
        assertEquals("-Xrunhprof", JvmtiTransitions.otherAgent(List.of("-Xrunhprof")));
        assertEquals("-javaagent:/no/such/otel.jar", JvmtiTransitions.otherAgent(List.of("-javaagent:" + us, "-javaagent:/no/such/otel.jar=opt")));
    }
}
