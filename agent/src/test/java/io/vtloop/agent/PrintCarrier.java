package io.vtloop.agent;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A child-process main for launch tests: a socket round trip in a virtual thread, then prints its carrier. */
public final class PrintCarrier {
    public static void main(String[] args) throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            String[] carrier = new String[1];
            Thread t = Thread.ofVirtual().start(() -> {
                try (Socket c = new Socket(ss.getInetAddress(), ss.getLocalPort()); Socket s = ss.accept()) {
                    c.getOutputStream().write(7);
                    int b = s.getInputStream().read();
                    String me = Thread.currentThread().toString();
                    carrier[0] = me.substring(me.indexOf('@') + 1) + " read=" + b;
                } catch (Exception e) {
                    carrier[0] = "failed: " + e;
                }
            });
            t.join();
            System.out.println("carrier=" + carrier[0]);
        }
    }
}
