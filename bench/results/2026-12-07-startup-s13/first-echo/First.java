import java.net.*;
public class First {
    public static void main(String[] a) throws Exception {
        long t0 = System.nanoTime();
        try (var server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread echo = Thread.ofVirtual().start(() -> {
                try (var s = server.accept()) { s.getOutputStream().write(s.getInputStream().read()); } catch (Exception e) { throw new RuntimeException(e); }
            });
            Thread client = Thread.ofVirtual().start(() -> {
                try (var s = new Socket(server.getInetAddress(), server.getLocalPort())) { s.getOutputStream().write(42); if (s.getInputStream().read() != 42) throw new IllegalStateException(); } catch (Exception e) { throw new RuntimeException(e); }
            });
            client.join(); echo.join();
        }
        long t1 = System.nanoTime();
        System.out.printf("first echo %.1f ms%n", (t1 - t0) / 1e6);
        Runtime.getRuntime().halt(0);
    }
}
