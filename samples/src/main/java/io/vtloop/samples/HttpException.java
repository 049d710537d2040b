package io.vtloop.samples;

/** A request the HTTP sample rejects with {@link #status}; the connection is closed afterwards. */
final class HttpException extends Exception {

    private static final long serialVersionUID = 1L;

    final HttpStatus status;

    HttpException(HttpStatus status, String detail) {
        // Stack traces are never printed; the status is the whole story.
        super(detail, null, false, false);
        this.status = status;
    }
}
