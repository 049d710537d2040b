package io.vtloop.agent;

/** Child-process main for the JFR test: one Blocker call (compensation), then one 60 ms carrier hog (stall). */
public final class JfrEventsMain {
    public static void main(String[] args) throws Exception {
        Thread.sleep(500);   // -XX:StartFlightRecording finishes starting after main begins
        Thread.ofVirtual().start(() -> {
            try {
                new ProcessBuilder("sleep", "0.2").start().getInputStream().read();   // a real pipe read
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }).join();
        Thread.ofVirtual().start(() -> {
            long end = System.nanoTime() + 60_000_000;
            while (System.nanoTime() < end) Thread.onSpinWait();
        }).join();
        Thread.sleep(200);   // the carrier commits CarrierStall after the continuation returns
    }
}
