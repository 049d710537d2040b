package io.vtloop.agent;

/** A child JVM's program without sockets: one virtual thread that sleeps, joined; prints its result. */
public final class HelloMain {
    public static void main(String[] args) throws Exception {
        String[] out = new String[1];
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(1);
                out[0] = "hello from " + (Thread.currentThread().isVirtual() ? "a virtual thread" : "?");
            } catch (InterruptedException e) {
                out[0] = "interrupted";
            }
        });
        t.join();
        System.out.println(out[0]);
    }
}
