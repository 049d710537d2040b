package io.vtloop.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

/**
 * A seeded random script of socket and channel operations, run in virtual threads; prints one
 * line per seed with every observable outcome (bytes as CRCs, return values, exception types).
 * {@link SocketScriptDifferentialTest} runs it on the plain JDK and under the agent and compares
 * the lines: vtloop may change how fast a script runs, never what it sees.
 *
 * <p>Outcomes are made independent of timing: a reader reads until it has what the writer
 * sent (so chunking does not show), a thread is interrupted or its channel closed only once it
 * is blocked, and a non-blocking reader polls until its bytes came or a deadline passed (a
 * deadline is an outcome: "stuck").
 *
 * <p>Usage: {@code -Dscript.seeds=FROM-TO -Dscript.steps=N}.
 */
public final class SocketScript {
    private SocketScript() { }

    private static final long STUCK_NANOS = 5_000_000_000L;

    public static void main(String[] args) throws Exception {
        String[] range = System.getProperty("script.seeds", "0-20").split("-");
        int steps = Integer.getInteger("script.steps", 30);
        for (long seed = Long.parseLong(range[0]); seed < Long.parseLong(range[1]); seed++) {
            long s = seed;
            AtomicReference<String> line = new AtomicReference<>();
            Thread t = Thread.ofVirtual().start(() -> line.set(runOne(s, steps)));
            t.join();
            System.out.println("seed " + seed + ": " + line.get());
        }
        System.out.flush();
    }

    /** One script; never throws: failures are outcomes. */
    static String runOne(long seed, int steps) {
        List<String> trace = new ArrayList<>();
        Random rnd = new Random(seed);
        try {
            new Run(rnd, trace).run(steps);
        } catch (Throwable e) {
            trace.add("script failed: " + outcome(e));
        }
        return String.join(" | ", trace);
    }

    static String outcome(Throwable e) {
        String m = e.getMessage();
        // the class and, for SocketExceptions, the JDK's message ("Connection reset", "Socket closed")
        return e.getClass().getSimpleName() + (e instanceof java.net.SocketException && m != null ? "(" + m + ")" : "");
    }

    /** A connected pair: a client end and a server end, each usable as a channel or a socket. */
    private static final class Run {
        final Random rnd;
        final List<String> trace;
        SocketChannel client, server;          // channel kind
        Socket plainClient, plainServer;       // NioSocketImpl kind
        boolean channels;
        boolean serverNonBlocking;
        Selector selector;
        boolean outputShut;                    // client shut its output (server sees EOF)
        boolean broken;                        // a close/reset ended the pair

        Run(Random rnd, List<String> trace) { this.rnd = rnd; this.trace = trace; }

        /** Runs {@code steps} operations; a pair that a close, reset or half-close ended is replaced by a new one. */
        void run(int steps) throws Exception {
            try {
                for (int i = 0; i < steps; i++) {
                    if (i == 0 || broken || outputShut) {
                        closeQuietly();
                        channels = rnd.nextBoolean();
                        serverNonBlocking = broken = outputShut = false;
                        selector = null;
                        connect();
                    }
                    step();
                }
            } finally {
                closeQuietly();
            }
        }

        void connect() throws IOException {
            InetAddress lo = InetAddress.getLoopbackAddress();
            if (channels) {
                try (ServerSocketChannel ss = ServerSocketChannel.open().bind(new InetSocketAddress(lo, 0))) {
                    client = SocketChannel.open(ss.getLocalAddress());
                    server = ss.accept();
                }
                trace.add("channels");
            } else {
                try (ServerSocket ss = new ServerSocket(0, 5, lo)) {
                    plainClient = new Socket(lo, ss.getLocalPort());
                    plainServer = ss.accept();
                }
                trace.add("sockets");
            }
        }

        Socket clientSocket() { return channels ? client.socket() : plainClient; }
        Socket serverSocket() { return channels ? server.socket() : plainServer; }

        void step() throws Exception {
            int op = rnd.nextInt(100);
            String name;
            String result;
            try {
                if (op < 30) { name = "echo"; result = transfer(1 + rnd.nextInt(rnd.nextBoolean() ? 64 : 200_000)); }
                else if (op < 40) { name = "urgent"; result = urgent(); }
                else if (op < 52) { name = "mode"; result = switchMode(); }
                else if (op < 60) { name = "timeout"; result = timedRead(); }
                else if (op < 66) { name = "interrupt"; result = interruptReader(); }
                else if (op < 70) { name = "asyncClose"; result = asyncClose(); }
                else if (op < 74) { name = "shutdownOutput"; result = shutdownOutput(); }
                else if (op < 76) { name = "reset"; result = reset(); }
                else { name = "echo"; result = transfer(1 + rnd.nextInt(4096)); }
            } catch (Throwable e) {
                name = "op" + op;
                result = outcome(e);
                broken = true;
            }
            trace.add(name + "=" + result);
        }

        /** The client writes n random bytes; the server reads them all (blocking or with a selector). */
        String transfer(int n) throws Exception {
            if (outputShut) return "skipped";
            if (serverNonBlocking) {
                // written first, by this thread: the selector loop below must not depend on another
                // virtual thread getting a carrier while it spins (that is issue 11's hostage case)
                byte[] data = new byte[Math.min(n, 4096)];
                rnd.nextBytes(data);
                clientSocket().getOutputStream().write(data);
                byte[] got = readNonBlocking(data.length);
                return got == null ? "stuck" : Arrays.equals(got, data) ? crc(got) : "wrong " + got.length;
            }
            byte[] data = new byte[n];
            rnd.nextBytes(data);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = clientSocket().getOutputStream();
                    out.write(data);
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            byte[] got = readBlocking(n, rnd.nextBoolean());
            writer.join();
            return Arrays.equals(got, data) ? crc(got) : "wrong " + got.length;
        }

        byte[] readBlocking(int n, boolean exact) throws IOException {
            if (channels && rnd.nextBoolean()) {
                ByteBuffer buf = ByteBuffer.allocate(n);
                while (buf.hasRemaining()) if (server.read(buf) < 0) break;
                return Arrays.copyOf(buf.array(), buf.position());
            }
            InputStream in = serverSocket().getInputStream();
            Random chunks = new Random(rnd.nextLong());   // how many reads depends on timing: not from rnd
            if (exact) return in.readNBytes(n);
            byte[] buf = new byte[n];
            int got = 0;
            while (got < n) {
                int r = in.read(buf, got, Math.min(n - got, 1 + chunks.nextInt(16384)));
                if (r < 0) break;
                got += r;
            }
            return Arrays.copyOf(buf, got);
        }

        /** A selector loop that never parks on the channel (selectNow) or parks on the selector (select). */
        byte[] readNonBlocking(int n) throws IOException {
            boolean spin = rnd.nextBoolean();
            ByteBuffer buf = ByteBuffer.allocate(n);
            long deadline = System.nanoTime() + STUCK_NANOS;
            while (buf.hasRemaining()) {
                if (System.nanoTime() - deadline > 0) return null;
                int ready = spin ? selector.selectNow() : selector.select(10);
                selector.selectedKeys().clear();
                if (ready == 0 && spin) Thread.onSpinWait();
                if (server.read(buf) < 0) break;
            }
            return Arrays.copyOf(buf.array(), buf.position());
        }

        /** Data, an urgent byte (SO_OOBINLINE off: not part of the stream), more data, all sent before the read. */
        String urgent() throws Exception {
            if (outputShut || serverNonBlocking) return "skipped";
            byte[] a = new byte[1 + rnd.nextInt(100)], b = new byte[1 + rnd.nextInt(100)];
            rnd.nextBytes(a);
            rnd.nextBytes(b);
            Socket c = clientSocket();
            OutputStream out = c.getOutputStream();
            out.write(a);
            c.sendUrgentData(rnd.nextInt(256));
            out.write(b);
            // everything is in the server's receive queue before it reads: a read stops at the mark
            long deadline = System.nanoTime() + STUCK_NANOS;
            while (serverSocket().getInputStream().available() < a.length && System.nanoTime() - deadline < 0)
                Thread.sleep(1);
            Thread.sleep(2);
            byte[] got = readWithDeadline(a.length + b.length);
            byte[] want = new byte[a.length + b.length];
            System.arraycopy(a, 0, want, 0, a.length);
            System.arraycopy(b, 0, want, a.length, b.length);
            return got == null ? "stuck" : Arrays.equals(got, want) ? crc(got) : "wrong " + got.length;
        }

        /** A read of n bytes that reports "stuck" instead of hanging (SO_TIMEOUT as the deadline). */
        byte[] readWithDeadline(int n) throws IOException {
            Socket s = serverSocket();
            s.setSoTimeout((int) (STUCK_NANOS / 1_000_000));
            try {
                return s.getInputStream().readNBytes(n);
            } catch (java.net.SocketTimeoutException e) {
                return null;
            } finally {
                s.setSoTimeout(0);
            }
        }

        String switchMode() throws IOException {
            if (!channels) return "n/a";
            serverNonBlocking = !serverNonBlocking;
            if (serverNonBlocking) {
                server.configureBlocking(false);
                if (selector == null) selector = Selector.open();
                server.register(selector, SelectionKey.OP_READ);
                return "nonblocking";
            }
            server.keyFor(selector).cancel();
            selector.selectNow();                     // flush the cancelled key
            server.configureBlocking(true);
            return "blocking";
        }

        /** A read with SO_TIMEOUT and no data: SocketTimeoutException (the socket stays usable). */
        String timedRead() throws IOException {
            if (serverNonBlocking || outputShut) return "skipped";
            Socket s = serverSocket();
            s.setSoTimeout(1 + rnd.nextInt(30));
            try {
                return "read " + s.getInputStream().read();
            } catch (java.net.SocketTimeoutException e) {
                return "SocketTimeoutException";
            } finally {
                s.setSoTimeout(0);
            }
        }

        /** A reader blocked with no data is interrupted: the JDK closes the socket or channel. */
        String interruptReader() throws Exception {
            if (serverNonBlocking || outputShut) return "skipped";
            return blockedReaderThen(Thread::interrupt);
        }

        /** A reader blocked with no data; another thread closes the server end. */
        String asyncClose() throws Exception {
            if (serverNonBlocking || outputShut) return "skipped";
            return blockedReaderThen(t -> closeServer());
        }

        String blockedReaderThen(java.util.function.Consumer<Thread> action) throws Exception {
            AtomicReference<String> r = new AtomicReference<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    r.set("read " + (channels ? server.read(ByteBuffer.allocate(10)) : plainServer.getInputStream().read()));
                } catch (Throwable e) {
                    r.set(outcome(e));
                }
            });
            long deadline = System.nanoTime() + STUCK_NANOS;
            while (reader.getState() != Thread.State.WAITING && System.nanoTime() - deadline < 0) Thread.sleep(1);
            action.accept(reader);
            reader.join(STUCK_NANOS / 1_000_000);
            broken = true;
            return reader.isAlive() ? "stuck" : r.get();
        }

        /** The client shuts its output: the server reads what is left, then EOF. */
        String shutdownOutput() throws Exception {
            if (outputShut || serverNonBlocking) return "skipped";
            clientSocket().shutdownOutput();
            outputShut = true;
            return "eof " + readWithDeadlineEof();
        }

        int readWithDeadlineEof() throws IOException {
            Socket s = serverSocket();
            s.setSoTimeout((int) (STUCK_NANOS / 1_000_000));
            try {
                return s.getInputStream().read();
            } finally {
                s.setSoTimeout(0);
            }
        }

        /** The client resets the connection (SO_LINGER 0); the server's read fails. */
        String reset() throws Exception {
            if (serverNonBlocking) return "skipped";
            Socket c = clientSocket();
            c.setSoLinger(true, 0);
            c.close();
            broken = true;
            try {
                Socket s = serverSocket();
                s.setSoTimeout((int) (STUCK_NANOS / 1_000_000));
                return "read " + s.getInputStream().read();
            } catch (IOException e) {
                return outcome(e);
            }
        }

        void closeServer() {
            try {
                if (channels) server.close(); else plainServer.close();
            } catch (IOException ignore) { }
        }

        void closeQuietly() {
            for (AutoCloseable c : new AutoCloseable[] {client, server, plainClient, plainServer, selector}) {   // all ends
                try {
                    if (c != null) c.close();
                } catch (Exception ignore) { }
            }
        }
    }

    static String crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return b.length + ":" + Long.toHexString(c.getValue());
    }

}
