package io.vtloop.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Runs {@link SocketScript}'s seeded random scripts in a child JVM on the plain JDK and in one
 * under the agent (with 2 carriers and with 1) and asserts identical outcomes, seed by seed.
 * {@code -Dvtloop.test.seeds=FROM-TO} picks other seeds; a failure names the first seed that
 * differs and both traces, so {@code -Dscript.seeds=N-(N+1)} replays it.
 */
@EnabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
class SocketScriptDifferentialTest {
    static final String SEEDS = System.getProperty("vtloop.test.seeds", "0-80");

    static List<String> run(List<String> jvmArgs) throws Exception {
        var args = new java.util.ArrayList<>(jvmArgs);
        args.add("-Dscript.seeds=" + SEEDS);
        AgentLaunchTest.Result r = AgentLaunchTest.java(args, Map.of(), SocketScript.class);
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().filter(l -> l.startsWith("seed ")).toList();
        assertFalse(lines.isEmpty(), r.out());
        return lines;
    }

    static void assertSameOutcomes(List<String> jdk, List<String> vtloop, String what) {
        assertEquals(jdk.size(), vtloop.size(), what + ": seeds run");
        for (int i = 0; i < jdk.size(); i++)
            if (!jdk.get(i).equals(vtloop.get(i)))
                fail(what + " differs from the JDK at " + jdk.get(i).substring(0, jdk.get(i).indexOf(':'))
                        + "\n  JDK:    " + jdk.get(i) + "\n  vtloop: " + vtloop.get(i));
    }

    @Test
    void scriptsSeeWhatTheyDoOnTheJdk() throws Exception {
        List<String> jdk = run(List.of());
        assertSameOutcomes(jdk, run(List.of("-javaagent:" + AgentLaunchTest.agentJar())), "vtloop, 2 carriers");
        assertSameOutcomes(jdk, run(List.of("-javaagent:" + AgentLaunchTest.agentJar(), "-Dvtloop.carriers=1")),
                "vtloop, 1 carrier");
    }
}
