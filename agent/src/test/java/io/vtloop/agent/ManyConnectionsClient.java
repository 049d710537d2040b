package io.vtloop.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Child-process client for {@link ScaleTest}: opens {@code n} connections (so their fds
 * count against this process's limit, not the server's), then sends one byte on each and
 * reads it back; prints {@code ok <n>}.
 */
public final class ManyConnectionsClient {
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]), n = Integer.parseInt(args[1]);
        var addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        SocketChannel[] chans = new SocketChannel[n];
        for (int i = 0; i < n; i++) chans[i] = SocketChannel.open(addr);
        for (int i = 0; i < n; i++) chans[i].write(ByteBuffer.wrap(new byte[] {(byte) i}));
        int ok = 0;
        ByteBuffer b = ByteBuffer.allocate(1);
        for (int i = 0; i < n; i++) {
            b.clear();
            if (chans[i].read(b) == 1 && b.get(0) == (byte) i) ok++;
        }
        for (SocketChannel c : chans) c.close();
        System.out.println("ok " + ok);
    }
}
