import java.util.concurrent.*;
public class SqInv {
    public static void main(String[] a) throws Exception {
        int n = 20000, inv = Integer.parseInt(a[0]);
        long[] tot = new long[inv], first = new long[inv], hund = new long[inv];
        for (int k = 0; k < inv; k++) {
            SynchronousQueue<Integer> ping = new SynchronousQueue<>(), pong = new SynchronousQueue<>();
            long t0 = System.nanoTime();
            long[] f = new long[2];
            Thread echo = Thread.ofVirtual().start(() -> { try { for (int i = 0; i < n; i++) pong.put(ping.take()); } catch (InterruptedException e) {} });
            Thread drv = Thread.ofVirtual().start(() -> { try {
                for (int i = 0; i < n; i++) { ping.put(i); pong.take(); if (i == 0) f[0] = System.nanoTime(); if (i == 99) f[1] = System.nanoTime(); }
            } catch (InterruptedException e) {} });
            drv.join(); echo.join();
            long t1 = System.nanoTime();
            tot[k] = t1 - t0; first[k] = f[0] - t0; hund[k] = f[1] - t0;
        }
        int from = inv / 2;  // second half: warmed up
        long[] s = java.util.Arrays.copyOfRange(tot, from, inv), fs = java.util.Arrays.copyOfRange(first, from, inv), hs = java.util.Arrays.copyOfRange(hund, from, inv);
        java.util.Arrays.sort(s); java.util.Arrays.sort(fs); java.util.Arrays.sort(hs);
        double mean = java.util.Arrays.stream(s).average().getAsDouble();
        System.out.printf("per-rt: mean %.1f p50 %.1f ns; first rt p50 %.1f us p90 %.1f; 100 rts p50 %.1f us%n",
            mean / n, (double) s[s.length/2] / n, fs[fs.length/2] / 1e3, fs[fs.length*9/10] / 1e3, hs[hs.length/2] / 1e3);
    }
}
