package io.vtloop.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher adds the agent only when asked, and refuses an agent jar that does not exist. */
class SampleProcessTest {

    @Test
    void noAgentWhenThePropertyIsBlank() {
        for (String blank : new String[] {null, "", "  "}) {
            List<String> cmd = SampleProcess.command(blank, EchoServer.class, "--port", "0");
            assertTrue(cmd.stream().noneMatch(a -> a.startsWith("-javaagent")), cmd.toString());
            assertEquals(List.of(EchoServer.class.getName(), "--port", "0"), cmd.subList(cmd.size() - 3, cmd.size()));
        }
    }

    @Test
    void agentJarIsPassedWhenItExists(@TempDir Path dir) throws Exception {
        Path jar = Files.createFile(dir.resolve("agent.jar"));
        List<String> cmd = SampleProcess.command(jar.toString(), EchoServer.class);
        assertEquals("-javaagent:" + jar.toAbsolutePath().normalize(), cmd.get(1));
    }

    @Test
    void missingAgentJarFailsLoudly(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-agent.jar");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SampleProcess.command(missing.toString(), EchoServer.class));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    /** Guards the with-agent execution: its samples really run under the agent it names. */
    @Test
    void startedSampleRunsUnderTheAgentExactlyWhenConfigured() {
        String agent = System.getProperty("vtloop.agent.jar", "").trim();
        try (SampleProcess p = SampleProcess.start(EchoServer.class, "--port", "0")) {
            List<String> agents = p.arguments().stream().filter(a -> a.startsWith("-javaagent:")).toList();
            assertEquals(agent.isEmpty() ? List.of() : List.of("-javaagent:" + Path.of(agent).toAbsolutePath().normalize()), agents);
            String extra = System.getProperty("vtloop.samples.jvmArgs", "").trim();
            for (String arg : extra.isEmpty() ? new String[0] : extra.split("\\s+")) {
                assertTrue(p.arguments().contains(arg), arg + " missing from " + p.arguments());
            }
        }
    }

    @Test
    void runsTheSameJavaAsTheTests() {
        List<String> cmd = SampleProcess.command("", EchoServer.class);
        assertEquals(ProcessHandle.current().info().command().orElseThrow(), cmd.get(0));
        assertTrue(Runtime.version().feature() >= 25, "tests must run on JDK 25+, got " + Runtime.version());
    }
}
