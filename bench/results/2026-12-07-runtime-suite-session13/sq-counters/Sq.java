import java.util.*;
import java.util.concurrent.SynchronousQueue;
public class Sq {
    public static void main(String[] a) throws Exception {
        int batches = Integer.parseInt(a[0]), rounds = Integer.parseInt(a[1]);
        var s = io.vtloop.Vtloop.installed();
        for (int b = 0; b < batches; b++) {
            Map<String, Long> before = s == null ? Map.of() : new TreeMap<>(s.counters());
            long t0 = System.nanoTime();
            run(rounds);
            long ns = System.nanoTime() - t0;
            StringBuilder sb = new StringBuilder(String.format("batch %2d: %6.0f ns/rt", b, ns / (double) rounds));
            if (s != null) for (var e : new TreeMap<>(s.counters()).entrySet()) {
                long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
                if (d != 0) sb.append(String.format(" %s=%.3f", e.getKey(), d / (double) rounds));
            }
            System.out.println(sb);
        }
    }
    static void run(int rounds) throws Exception {
        var there = new SynchronousQueue<Integer>(); var back = new SynchronousQueue<Integer>();
        Thread echo = Thread.ofVirtual().start(() -> { try { for (int r = 0; r < rounds; r++) back.put(there.take()); } catch (InterruptedException e) { throw new RuntimeException(e); } });
        Thread driver = Thread.ofVirtual().start(() -> { try { for (int r = 0; r < rounds; r++) { there.put(r); if (back.take() != r) throw new IllegalStateException(); } } catch (InterruptedException e) { throw new RuntimeException(e); } });
        driver.join(); echo.join();
    }
}
