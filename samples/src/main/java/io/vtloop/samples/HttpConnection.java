package io.vtloop.samples;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * One HTTP/1.1 connection of {@link HttpServer}: reads requests back to back from its input buffer
 * (pipelining), answers them in order into its output buffer, and writes that buffer out only when
 * it must read from the socket again, i.e. when no complete request is pending, or when it fills up.
 *
 * <p>Rejected requests get their error response with {@code Connection: close}; the connection
 * then shuts its output down and drains briefly what the client still sends before closing, so
 * the client reads the response rather than a reset.
 */
final class HttpConnection {

    /** Most bytes of a request head (request line plus fields); longer heads get 431. */
    static final int HEAD_LIMIT = 8192;
    /** Largest request body accepted (echoed or discarded); larger gets 413. */
    static final long MAX_BODY = 64 << 20;

    private static final byte[] CRLF = HttpStatus.ascii("\r\n");
    private static final byte[] TEXT_PLAIN = HttpStatus.ascii("Content-Type: text/plain\r\nContent-Length: ");
    private static final byte[] OCTET_STREAM = HttpStatus.ascii("Content-Type: application/octet-stream\r\nContent-Length: ");
    private static final byte[] ALLOW_GET = HttpStatus.ascii("Allow: GET, HEAD\r\n");
    private static final byte[] ALLOW_POST = HttpStatus.ascii("Allow: POST\r\n");
    private static final byte[] CLOSE = HttpStatus.ascii("Connection: close\r\n");
    private static final byte[] KEEP_ALIVE = HttpStatus.ascii("Connection: keep-alive\r\n");
    private static final byte[] CONTINUE = HttpStatus.ascii("HTTP/1.1 100 Continue\r\n\r\n");
    private static final byte[] HELLO = HttpStatus.ascii("Hello, World!");
    /** Everything after the Date value of the common plaintext response (HTTP/1.1, keep-alive). */
    private static final byte[] PLAINTEXT_TAIL =
            HttpStatus.ascii("\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!");
    /** Body source of {@code /bytes/N}: byte k of the body is {@code (byte) k}. */
    private static final byte[] PATTERN = new byte[64 * 1024];

    static {
        for (int i = 0; i < PATTERN.length; i++) PATTERN[i] = (byte) i;
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] inBuf = new byte[2 * HEAD_LIMIT];
    private int inPos;
    private int inLimit;
    private final byte[] outBuf = new byte[16 * 1024];
    private int outLen;
    private final HttpRequest req = new HttpRequest();

    HttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Serves requests until the client closes, asks to close, idles out, or sends a bad request. */
    void serve() throws IOException {
        try {
            int headEnd;
            while ((headEnd = readHead()) >= 0) {
                req.parse(inBuf, inPos, headEnd);
                inPos = headEnd;
                if (!respond()) {
                    break;
                }
            }
            flush();
        } catch (HttpException e) {
            reject(e.status);
        } catch (SocketTimeoutException | EOFException e) {
            // Idle past --idle-timeout-ms, or EOF inside a request: just close.
        }
    }

    /**
     * Makes a whole request head available at {@code inBuf[inPos, end)} and returns {@code end},
     * or -1 on EOF before one.
     */
    private int readHead() throws IOException, HttpException {
        int scanned = 0; // bytes after inPos known to hold no head end
        while (true) {
            // RFC 9112 §2.2: ignore empty lines before a request line.
            while (inPos < inLimit && (inBuf[inPos] == '\r' || inBuf[inPos] == '\n')) {
                inPos++;
            }
            int i = inPos + scanned;
            for (; i < inLimit; i++) {
                if (inBuf[i] != '\n') {
                    continue;
                }
                if (i + 1 < inLimit && inBuf[i + 1] == '\n') {
                    return checkHead(i + 2);
                }
                if (i + 2 < inLimit && inBuf[i + 1] == '\r' && inBuf[i + 2] == '\n') {
                    return checkHead(i + 3);
                }
                if (i + 2 >= inLimit) {
                    break; // this LF may still start the empty line: look again after the next read
                }
            }
            scanned = i - inPos;
            if (inLimit - inPos >= HEAD_LIMIT) {
                throw new HttpException(HttpStatus.HEADERS_TOO_LARGE, "request head over " + HEAD_LIMIT + " bytes");
            }
            if (!fill()) {
                return -1;
            }
        }
    }

    private int checkHead(int end) throws HttpException {
        if (end - inPos > HEAD_LIMIT) {
            throw new HttpException(HttpStatus.HEADERS_TOO_LARGE, "request head over " + HEAD_LIMIT + " bytes");
        }
        return end;
    }

    /** Answers {@link #req}, whose head has been consumed; returns whether to keep the connection. */
    private boolean respond() throws IOException, HttpException {
        HttpRequest r = req;
        if (r.contentLength > MAX_BODY) {
            throw new HttpException(HttpStatus.CONTENT_TOO_LARGE, "body over " + MAX_BODY + " bytes");
        }
        boolean get = r.method == HttpRequest.Method.GET || r.method == HttpRequest.Method.HEAD;
        boolean body = r.method != HttpRequest.Method.HEAD;
        switch (r.route) {
            case PLAINTEXT -> {
                if (!get) {
                    return simple(HttpStatus.METHOD_NOT_ALLOWED, ALLOW_GET);
                }
                boolean keep = skipBody();
                if (keep && r.http11 && body) {
                    put(HttpStatus.OK.head);
                    put(HttpDate.now());
                    put(PLAINTEXT_TAIL);
                } else {
                    head(HttpStatus.OK, null, TEXT_PLAIN, HELLO.length, keep);
                    if (body) put(HELLO);
                }
                return keep;
            }
            case BYTES -> {
                if (!get) {
                    return simple(HttpStatus.METHOD_NOT_ALLOWED, ALLOW_GET);
                }
                if (r.bytesCount < 0) {
                    throw new HttpException(HttpStatus.BAD_REQUEST, "/bytes/N needs N in [0, " + HttpRequest.MAX_BYTES + "]");
                }
                boolean keep = skipBody();
                head(HttpStatus.OK, null, OCTET_STREAM, r.bytesCount, keep);
                for (int left = body ? r.bytesCount : 0; left > 0; left -= PATTERN.length) {
                    put(PATTERN, 0, Math.min(left, PATTERN.length));
                }
                return keep;
            }
            case ECHO -> {
                if (r.method != HttpRequest.Method.POST) {
                    return simple(HttpStatus.METHOD_NOT_ALLOWED, ALLOW_POST);
                }
                byte[] content = readBody((int) r.contentLength);
                head(HttpStatus.OK, null, OCTET_STREAM, content.length, r.keepAlive);
                put(content, 0, content.length);
                return r.keepAlive;
            }
            default -> {
                return simple(HttpStatus.NOT_FOUND, null);
            }
        }
    }

    /** Sends {@code status} with its reason as body, after skipping the request body. */
    private boolean simple(HttpStatus status, byte[] extra) throws IOException {
        boolean keep = skipBody();
        head(status, extra, TEXT_PLAIN, status.body.length, keep);
        if (req.method != HttpRequest.Method.HEAD) {
            put(status.body);
        }
        return keep;
    }

    /**
     * Discards the body of a request whose body the response ignores; returns whether the
     * connection can stay open. A client that awaits 100-continue has not sent the body, so the
     * connection is closed instead of waiting for it.
     */
    private boolean skipBody() throws IOException {
        long left = req.contentLength;
        if (left == 0) {
            return req.keepAlive;
        }
        if (req.expectContinue) {
            return false;
        }
        while (left > 0) {
            if (inPos == inLimit && !fill()) {
                throw new EOFException("EOF inside request body");
            }
            int n = (int) Math.min(left, inLimit - inPos);
            inPos += n;
            left -= n;
        }
        return req.keepAlive;
    }

    private byte[] readBody(int length) throws IOException {
        byte[] content = new byte[length];
        int buffered = Math.min(length, inLimit - inPos);
        System.arraycopy(inBuf, inPos, content, 0, buffered);
        inPos += buffered;
        if (buffered < length) {
            if (req.expectContinue) {
                put(CONTINUE);
            }
            flush();
            if (in.readNBytes(content, buffered, length - buffered) != length - buffered) {
                throw new EOFException("EOF inside request body");
            }
        }
        return content;
    }

    /** Writes a status line and headers; {@code type} is a Content-Type line ending in "Content-Length: ". */
    private void head(HttpStatus status, byte[] extra, byte[] type, long length, boolean keepAlive) throws IOException {
        put(status.head);
        put(HttpDate.now());
        put(CRLF);
        if (extra != null) {
            put(extra);
        }
        put(type);
        putDecimal(length);
        put(CRLF);
        if (!keepAlive) {
            put(CLOSE);
        } else if (!req.http11) {
            put(KEEP_ALIVE);
        }
        put(CRLF);
    }

    /** Sends {@code status} and closes gracefully: output shut down, input drained for a moment. */
    private void reject(HttpStatus status) throws IOException {
        head(status, null, TEXT_PLAIN, status.body.length, false);
        put(status.body);
        flush();
        socket.shutdownOutput();
        try {
            socket.setSoTimeout(500);
            long drained = 0;
            int n;
            while (drained < (256 << 10) && (n = in.read(inBuf)) > 0) {
                drained += n;
            }
        } catch (IOException ignored) {
            // The client reset or kept sending: close anyway.
        }
    }

    /** Reads more input; returns false on EOF. Flushes pending responses first: it may block. */
    private boolean fill() throws IOException {
        flush();
        if (inPos == inLimit) {
            inPos = inLimit = 0;
        } else if (inLimit == inBuf.length) {
            System.arraycopy(inBuf, inPos, inBuf, 0, inLimit - inPos);
            inLimit -= inPos;
            inPos = 0;
        }
        int n = in.read(inBuf, inLimit, inBuf.length - inLimit);
        if (n < 0) {
            return false;
        }
        inLimit += n;
        return true;
    }

    private void put(byte[] b) throws IOException {
        put(b, 0, b.length);
    }

    private void put(byte[] b, int off, int len) throws IOException {
        if (len > outBuf.length - outLen) {
            flush();
            if (len >= outBuf.length) {
                out.write(b, off, len);
                return;
            }
        }
        System.arraycopy(b, off, outBuf, outLen, len);
        outLen += len;
    }

    private void putDecimal(long v) throws IOException {
        if (outBuf.length - outLen < 20) {
            flush();
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) digits++;
        for (int i = outLen + digits - 1; i >= outLen; i--, v /= 10) {
            outBuf[i] = (byte) ('0' + v % 10);
        }
        outLen += digits;
    }

    private void flush() throws IOException {
        if (outLen > 0) {
            out.write(outBuf, 0, outLen);
            outLen = 0;
        }
    }
}
