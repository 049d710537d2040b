package io.vtloop.agent;

/**
 * Child-process main for the JFR test: nine virtual threads each hog their carrier for 60 ms
 * (a stall over the 20 ms threshold), three then return, three then park, three then make a
 * blocking call (a Blocker read of a child process's pipe: compensation). Prints
 * {@code name=id} of each thread.
 *
 * <p>With an argument, no recording was started with the JVM: virtual threads run first
 * (JFR not yet initialised, so vtloop has created no event), then a recording started through
 * the {@code jdk.jfr} API records the hogs and is dumped to the file the argument names.
 */
public final class JfrEventsMain {
    public static void main(String[] args) throws Exception {
        jdk.jfr.Recording late = null;
        if (args.length > 0) {
            for (int i = 0; i < 100; i++) Thread.ofVirtual().start(() -> Thread.onSpinWait()).join();
            System.out.println("initialisedBefore=" + jdk.jfr.FlightRecorder.isInitialized());
            late = new jdk.jfr.Recording();
            late.enable("io.vtloop.CarrierStall").withThreshold(java.time.Duration.ofMillis(20));
            late.enable("io.vtloop.Compensation");
            late.start();
        } else {
            Thread.sleep(500);   // -XX:StartFlightRecording finishes starting after main begins
        }
        for (String kind : new String[] {"return", "park", "block"}) {
            for (int i = 0; i < 3; i++) {
                Thread t = Thread.ofVirtual().name("stall-" + kind + "-" + i).start(() -> {
                    long end = System.nanoTime() + 60_000_000;
                    while (System.nanoTime() < end) Thread.onSpinWait();
                    try {
                        if (kind.equals("park")) Thread.sleep(30);
                        if (kind.equals("block")) new ProcessBuilder("sleep", "0.1").start().getInputStream().read();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                t.join();
                System.out.println(t.getName() + "=" + t.threadId());
            }
        }
        Thread.sleep(300);   // vtloop-jfr commits the stalls right after the continuations return
        if (late != null) {
            late.stop();
            late.dump(java.nio.file.Path.of(args[0]));
        }
    }
}
