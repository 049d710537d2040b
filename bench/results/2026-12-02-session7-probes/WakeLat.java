import java.util.concurrent.locks.LockSupport;
public class WakeLat {
    public static void main(String[] a) throws Exception {
        int n = 3000;
        long[] lat = new long[n]; long[] lat2 = new long[n]; long[] startCall = new long[n];
        // (1) platform thread starts a virtual thread; (2) platform thread unparks a parked virtual thread
        for (int i = 0; i < n; i++) {
            long[] t = new long[1];
            long s = System.nanoTime();
            Thread v = Thread.ofVirtual().start(() -> t[0] = System.nanoTime());
            long s1 = System.nanoTime();
            v.join();
            lat[i] = t[0] - s; startCall[i] = s1 - s;
            Thread.sleep(0, 500_000);
        }
        for (int i = 0; i < n; i++) {
            long[] t = new long[1];
            volatile_flag = false;
            Thread v = Thread.ofVirtual().start(() -> { while (!volatile_flag) LockSupport.park(); t[0] = System.nanoTime(); });
            Thread.sleep(1);
            long s = System.nanoTime();
            volatile_flag = true; LockSupport.unpark(v);
            v.join();
            lat2[i] = t[0] - s;
        }
        java.util.Arrays.sort(startCall); System.out.printf("start() call p50 %.1f p90 %.1f p99 %.1f us; ", startCall[n/2]/1e3, startCall[n*9/10]/1e3, startCall[n*99/100]/1e3);
        java.util.Arrays.sort(lat); java.util.Arrays.sort(lat2);
        System.out.printf("start->run p50 %.1f us p90 %.1f | unpark->run p50 %.1f us p90 %.1f%n",
            lat[n/2]/1e3, lat[n*9/10]/1e3, lat2[n/2]/1e3, lat2[n*9/10]/1e3);
    }
    static volatile boolean volatile_flag;
}
