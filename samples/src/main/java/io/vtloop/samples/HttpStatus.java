package io.vtloop.samples;

import java.nio.charset.StandardCharsets;

/**
 * The response statuses the HTTP sample sends, each with its pre-encoded status line plus
 * {@code Server} header and, for errors, a short plain-text body.
 */
enum HttpStatus {
    CONTINUE(100, "Continue"),
    OK(200, "OK"),
    BAD_REQUEST(400, "Bad Request"),
    NOT_FOUND(404, "Not Found"),
    METHOD_NOT_ALLOWED(405, "Method Not Allowed"),
    CONTENT_TOO_LARGE(413, "Content Too Large"),
    EXPECTATION_FAILED(417, "Expectation Failed"),
    HEADERS_TOO_LARGE(431, "Request Header Fields Too Large"),
    NOT_IMPLEMENTED(501, "Not Implemented"),
    VERSION_NOT_SUPPORTED(505, "HTTP Version Not Supported");

    /** The {@code Server} header value of every response. */
    static final String SERVER = "vtloop-samples";

    final int code;
    /** {@code HTTP/1.1 <code> <reason>\r\nServer: ...\r\nDate: } — the date and the rest follow. */
    final byte[] head;
    /** {@code <reason>\n}, the body of an error response. */
    final byte[] body;

    HttpStatus(int code, String reason) {
        this.code = code;
        this.head = ascii("HTTP/1.1 " + code + " " + reason + "\r\nServer: " + SERVER + "\r\nDate: ");
        this.body = ascii(reason + "\n");
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
