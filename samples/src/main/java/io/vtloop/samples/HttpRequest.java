package io.vtloop.samples;

/**
 * The parsed head of one HTTP/1.x request, reused for every request of a connection.
 *
 * <p>{@link #parse} reads the request line and header fields straight from the connection's
 * input buffer without creating strings. It is strict where ambiguity could desynchronize the
 * connection (RFC 9112): whitespace before a field's colon, obsolete line folding, control
 * characters, conflicting {@code Content-Length}s, and a missing {@code Host} in HTTP/1.1 are all
 * {@code 400}; any {@code Transfer-Encoding} is {@code 501} (only {@code Content-Length} bodies are
 * supported). Lines may end in CRLF or a bare LF.
 */
final class HttpRequest {

    /** Methods the sample distinguishes; any other valid token is {@code OTHER}. */
    enum Method { GET, HEAD, POST, OTHER }

    /** Resources the sample serves. */
    enum Route { PLAINTEXT, BYTES, ECHO, NOT_FOUND }

    /** Largest {@code /bytes/N} the sample serves. */
    static final int MAX_BYTES = 64 << 20;

    private static final byte[] GET = HttpStatus.ascii("GET");
    private static final byte[] HEAD = HttpStatus.ascii("HEAD");
    private static final byte[] POST = HttpStatus.ascii("POST");
    private static final byte[] PLAINTEXT_PATH = HttpStatus.ascii("/plaintext");
    private static final byte[] ECHO_PATH = HttpStatus.ascii("/echo");
    private static final byte[] BYTES_PREFIX = HttpStatus.ascii("/bytes/");
    private static final byte[] HTTP_1_ = HttpStatus.ascii("HTTP/1.");
    private static final byte[] HOST = HttpStatus.ascii("host");
    private static final byte[] EXPECT = HttpStatus.ascii("expect");
    private static final byte[] CONNECTION = HttpStatus.ascii("connection");
    private static final byte[] CONTENT_LENGTH = HttpStatus.ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = HttpStatus.ascii("transfer-encoding");
    private static final byte[] CLOSE = HttpStatus.ascii("close");
    private static final byte[] KEEP_ALIVE = HttpStatus.ascii("keep-alive");
    private static final byte[] CONTINUE_100 = HttpStatus.ascii("100-continue");

    /** RFC 9110 tchar: the bytes of method and field-name tokens. */
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) TCHAR[c] = true;
        for (char c = 'a'; c <= 'z'; c++) TCHAR[c] = true;
        for (char c = 'A'; c <= 'Z'; c++) TCHAR[c] = true;
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) TCHAR[c] = true;
    }

    Method method;
    Route route;
    /** {@code N} of {@code /bytes/N}, or -1 if N is not a decimal in [0, {@link #MAX_BYTES}]. */
    int bytesCount;
    boolean http11;
    /** Declared body length; 0 when absent; {@link Long#MAX_VALUE} when too large to represent. */
    long contentLength;
    boolean expectContinue;
    boolean keepAlive;

    private int hosts;
    private boolean close;
    private boolean keepAliveToken;

    /**
     * Parses the head in {@code b[start, end)}, which ends with the empty line.
     *
     * @throws HttpException 400 for malformed input, 417 for an unknown expectation, 501 for a
     *         transfer coding, 505 for an HTTP version other than 1.0 and 1.1
     */
    void parse(byte[] b, int start, int end) throws HttpException {
        contentLength = -1;
        expectContinue = close = keepAliveToken = false;
        hosts = 0;
        int lf = indexOfLf(b, start, end);
        requestLine(b, start, trimCr(b, start, lf));
        for (int p = lf + 1; ; p = lf + 1) {
            lf = indexOfLf(b, p, end);
            int eol = trimCr(b, p, lf);
            if (eol == p) {
                break;
            }
            field(b, p, eol);
        }
        if (http11 && hosts != 1) {
            throw new HttpException(HttpStatus.BAD_REQUEST, "HTTP/1.1 needs exactly one Host");
        }
        if (contentLength < 0) {
            contentLength = 0;
        }
        keepAlive = !close && (http11 || keepAliveToken);
    }

    private void requestLine(byte[] b, int p, int end) throws HttpException {
        int sp = p;
        while (sp < end && b[sp] != ' ') {
            if (!isTchar(b[sp])) {
                throw bad("bad method");
            }
            sp++;
        }
        if (sp == p || sp == end) {
            throw bad("bad request line");
        }
        method = equals(b, p, sp, GET) ? Method.GET
                : equals(b, p, sp, POST) ? Method.POST
                : equals(b, p, sp, HEAD) ? Method.HEAD
                : Method.OTHER;
        int target = sp + 1;
        int targetEnd = target;
        while (targetEnd < end && b[targetEnd] != ' ') {
            if (b[targetEnd] < 0x21 || b[targetEnd] > 0x7e) {
                throw bad("bad request target");
            }
            targetEnd++;
        }
        if (targetEnd == target || end - targetEnd != 9) {
            throw bad("bad request line");
        }
        version(b, targetEnd + 1);
        route(b, target, targetEnd);
    }

    private void version(byte[] b, int p) throws HttpException {
        if (equals(b, p, p + 7, HTTP_1_) && (b[p + 7] == '1' || b[p + 7] == '0')) {
            http11 = b[p + 7] == '1';
        } else if (b[p] == 'H' && b[p + 1] == 'T' && b[p + 2] == 'T' && b[p + 3] == 'P' && b[p + 4] == '/'
                && isDigit(b[p + 5]) && b[p + 6] == '.' && isDigit(b[p + 7])) {
            throw new HttpException(HttpStatus.VERSION_NOT_SUPPORTED, "unsupported HTTP version");
        } else {
            throw bad("bad HTTP version");
        }
    }

    private void route(byte[] b, int p, int end) throws HttpException {
        if (b[p] != '/' && !(end - p == 1 && b[p] == '*')) {
            throw bad("only origin-form request targets are supported");
        }
        int pathEnd = p;
        while (pathEnd < end && b[pathEnd] != '?') {
            pathEnd++;
        }
        if (equals(b, p, pathEnd, PLAINTEXT_PATH)) {
            route = Route.PLAINTEXT;
        } else if (equals(b, p, pathEnd, ECHO_PATH)) {
            route = Route.ECHO;
        } else if (pathEnd - p > BYTES_PREFIX.length && equals(b, p, p + BYTES_PREFIX.length, BYTES_PREFIX)) {
            route = Route.BYTES;
            bytesCount = (int) decimal(b, p + BYTES_PREFIX.length, pathEnd, MAX_BYTES);
        } else {
            route = Route.NOT_FOUND;
        }
    }

    private void field(byte[] b, int p, int end) throws HttpException {
        int colon = p;
        while (colon < end && b[colon] != ':') {
            if (!isTchar(b[colon])) {
                throw bad(colon == p ? "obsolete line folding" : "bad field name");
            }
            colon++;
        }
        if (colon == p || colon == end) {
            throw bad("bad field line");
        }
        int v = colon + 1;
        while (v < end && (b[v] == ' ' || b[v] == '\t')) v++;
        int vEnd = end;
        while (vEnd > v && (b[vEnd - 1] == ' ' || b[vEnd - 1] == '\t')) vEnd--;
        for (int i = v; i < vEnd; i++) {
            if ((b[i] < 0x20 && b[i] != '\t') || b[i] == 0x7f) {
                throw bad("control character in field value");
            }
        }
        switch (colon - p) {
            case 4 -> {
                if (equalsIgnoreCase(b, p, colon, HOST)) hosts++;
            }
            case 6 -> {
                if (equalsIgnoreCase(b, p, colon, EXPECT)) expect(b, v, vEnd);
            }
            case 10 -> {
                if (equalsIgnoreCase(b, p, colon, CONNECTION)) connection(b, v, vEnd);
            }
            case 14 -> {
                if (equalsIgnoreCase(b, p, colon, CONTENT_LENGTH)) contentLength(b, v, vEnd);
            }
            case 17 -> {
                if (equalsIgnoreCase(b, p, colon, TRANSFER_ENCODING)) {
                    throw new HttpException(HttpStatus.NOT_IMPLEMENTED, "Transfer-Encoding is not supported");
                }
            }
            default -> { }
        }
    }

    private void expect(byte[] b, int p, int end) throws HttpException {
        if (!equalsIgnoreCase(b, p, end, CONTINUE_100)) {
            throw new HttpException(HttpStatus.EXPECTATION_FAILED, "unknown expectation");
        }
        // RFC 9110 §10.1.1: a server ignores 100-continue from an HTTP/1.0 client.
        expectContinue = http11;
    }

    private void connection(byte[] b, int p, int end) {
        while (p < end) {
            int comma = p;
            while (comma < end && b[comma] != ',') comma++;
            int s = p;
            int e = comma;
            while (s < e && (b[s] == ' ' || b[s] == '\t')) s++;
            while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t')) e--;
            close |= equalsIgnoreCase(b, s, e, CLOSE);
            keepAliveToken |= equalsIgnoreCase(b, s, e, KEEP_ALIVE);
            p = comma + 1;
        }
    }

    private void contentLength(byte[] b, int p, int end) throws HttpException {
        long n = decimal(b, p, end, Long.MAX_VALUE);
        if (n < 0) {
            throw bad("bad Content-Length");
        }
        if (contentLength >= 0 && contentLength != n) {
            throw bad("conflicting Content-Length");
        }
        contentLength = n;
    }

    /**
     * The decimal in {@code b[p, end)}: -1 if empty or not all digits or above {@code max};
     * values past 18 digits saturate to {@code max}.
     */
    private static long decimal(byte[] b, int p, int end, long max) {
        if (p == end) {
            return -1;
        }
        long n = 0;
        for (int i = p; i < end; i++) {
            if (!isDigit(b[i])) {
                return -1;
            }
            n = n > 100_000_000_000_000_000L ? Long.MAX_VALUE : n * 10 + (b[i] - '0');
        }
        return n > max ? (max == Long.MAX_VALUE ? max : -1) : n;
    }

    private static int indexOfLf(byte[] b, int p, int end) {
        while (b[p] != '\n') {
            p++;
        }
        assert p < end;
        return p;
    }

    private static int trimCr(byte[] b, int start, int lf) {
        return lf > start && b[lf - 1] == '\r' ? lf - 1 : lf;
    }

    private static boolean isTchar(byte c) {
        return c > 0 && TCHAR[c];
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean equals(byte[] b, int p, int end, byte[] s) {
        return end - p == s.length && java.util.Arrays.equals(b, p, end, s, 0, s.length);
    }

    /** Compares token bytes with lower-case ASCII {@code s}; valid for tchar/VCHAR input only. */
    private static boolean equalsIgnoreCase(byte[] b, int p, int end, byte[] s) {
        if (end - p != s.length) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            byte c = b[p + i];
            if (c != s[i] && (c | 0x20) != s[i]) {
                return false;
            }
        }
        return true;
    }

    private static HttpException bad(String detail) {
        return new HttpException(HttpStatus.BAD_REQUEST, detail);
    }
}
