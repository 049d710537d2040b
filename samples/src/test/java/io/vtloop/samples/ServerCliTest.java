package io.vtloop.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad command lines make the samples exit with status 2 and a message naming the problem. */
class ServerCliTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "EchoServer  | --bogus 1                     | unknown option --bogus",
        "EchoServer  | --port 70000                  | option --port must be in [0, 65535], got 70000",
        "EchoServer  | --port x                      | option --port must be an integer, got 'x'",
        "EchoServer  | --threads green               | option --threads must be 'virtual' or 'platform', got 'green'",
        "EchoServer  | --port                        | option --port needs a value",
        "EchoServer  | 9000                          | unexpected argument '9000'",
        "HttpServer  | --idle-timeout-ms=-5          | option --idle-timeout-ms must be in",
        "HttpServer  | --port 1 --port 2             | option --port given twice",
        "ProxyServer | --port 0                      | option --target host:port is required",
        "ProxyServer | --target localhost            | option --target must be host:port, got 'localhost'",
        "ProxyServer | --target localhost:0          | option --target needs a port in [1, 65535]",
        "EchoServer  | --target 127.0.0.1:1          | unknown option --target",
        "EchoServer  | --buffer 0                    | option --buffer must be in [1, 16777216], got 0",
        "EchoServer  | --buffer=16777217             | option --buffer must be in [1, 16777216], got 16777217",
        "EchoServer  | --buffer 64k                  | option --buffer must be an integer, got '64k'",
        "EchoServer  | --buffer                      | option --buffer needs a value",
        "ProxyServer | --target 127.0.0.1:1 --buffer -1 | option --buffer must be in [1, 16777216], got -1",
        "HttpServer  | --buffer 4096                 | unknown option --buffer",
        "EchoServer  | --exact 0                     | option --exact must be in [1, 16777216], got 0",
        "EchoServer  | --exact 1k                    | option --exact must be an integer, got '1k'",
        "EchoServer  | --exact 1024 --buffer 65536   | options --exact and --buffer exclude each other",
        "HttpServer  | --exact 1024                  | unknown option --exact",
        "ProxyServer | --target 127.0.0.1:1 --exact 8 | unknown option --exact",
    })
    void badOptionsExitWithStatus2(String sample, String args, String message) throws Exception {
        Class<?> main = Class.forName("io.vtloop.samples." + sample);
        try (SampleProcess p = SampleProcess.launch(main, args.split(" "))) {
            assertEquals(2, p.waitForExit(), p.output());
            assertTrue(p.output().contains(sample + ": " + message), p.output());
        }
    }

    @Test
    void portInUseExitsWithStatus1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             SampleProcess p = SampleProcess.launch(EchoServer.class, "--port", "" + taken.getLocalPort())) {
            assertEquals(1, p.waitForExit(), p.output());
            assertTrue(p.output().contains("EchoServer: cannot listen on 127.0.0.1:" + taken.getLocalPort()), p.output());
        }
    }
}
