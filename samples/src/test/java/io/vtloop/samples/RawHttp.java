package io.vtloop.samples;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A minimal HTTP/1.1 client over a raw socket: sends bytes as given, parses responses strictly. */
final class RawHttp implements AutoCloseable {

    /** One response: status line, header fields in order, body. */
    record Response(String statusLine, int status, List<String[]> fields, byte[] body) {
        /** The value of the only field called {@code name} (any case), or null; fails on repeats. */
        String field(String name) {
            String v = null;
            for (String[] f : fields) {
                if (f[0].equalsIgnoreCase(name)) {
                    if (v != null) throw new AssertionError("field " + name + " repeated");
                    v = f[1];
                }
            }
            return v;
        }

        List<String> names() {
            return fields.stream().map(f -> f[0]).toList();
        }

        String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    final Socket socket;
    private final InputStream in;

    RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new java.io.BufferedInputStream(socket.getInputStream());
    }

    /** Writes {@code request} (ISO-8859-1) in one write. */
    RawHttp send(String request) throws IOException {
        return send(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] request) throws IOException {
        socket.getOutputStream().write(request);
        return this;
    }

    /** Reads one response to a non-HEAD request. */
    Response read() throws IOException {
        return read(false);
    }

    /**
     * Reads one response; a response to HEAD, or an interim (1xx) one, has no body whatever its
     * Content-Length.
     */
    Response read(boolean head) throws IOException {
        String statusLine = line();
        if (!statusLine.matches("HTTP/1\\.1 \\d{3} .+")) {
            throw new AssertionError("bad status line: " + statusLine);
        }
        List<String[]> fields = new ArrayList<>();
        for (String l = line(); !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            if (colon <= 0) throw new AssertionError("bad field line: " + l);
            fields.add(new String[] {l.substring(0, colon), l.substring(colon + 1).strip()});
        }
        Response r = new Response(statusLine, Integer.parseInt(statusLine.substring(9, 12)), fields, new byte[0]);
        if (r.status() < 200) {
            return r; // interim responses have no body
        }
        String length = r.field("Content-Length");
        if (length == null) throw new AssertionError("no Content-Length in " + statusLine);
        byte[] body = head ? new byte[0] : in.readNBytes(Integer.parseInt(length));
        if (body.length != (head ? 0 : Integer.parseInt(length))) throw new EOFException("short body");
        return new Response(statusLine, r.status(), fields, body);
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) throw new EOFException("EOF in response head after '" + b + "'");
            b.write(c);
        }
        byte[] l = b.toByteArray();
        if (l.length == 0 || l[l.length - 1] != '\r') throw new AssertionError("line not ended by CRLF: " + b);
        return new String(l, 0, l.length - 1, StandardCharsets.ISO_8859_1);
    }

    /** Asserts the server closes: the next read sees EOF (or a reset) within the socket timeout. */
    void assertClosedByServer() throws IOException {
        try {
            int c = in.read();
            if (c >= 0) throw new AssertionError("expected EOF, read byte " + c);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("server did not close the connection", e);
        } catch (IOException e) {
            if (!e.getMessage().toLowerCase(Locale.ROOT).contains("reset")) throw e;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
