package io.vtloop.samples;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header value in IMF-fixdate form (RFC 9110 §5.6.7, e.g.
 * {@code Sun, 06 Nov 1994 08:49:37 GMT}), formatted at most once per second and shared by all
 * connections.
 */
final class HttpDate {

    /** Length of every IMF-fixdate. */
    static final int LENGTH = 29;

    // Not RFC_1123_DATE_TIME: that one prints one-digit days without the leading zero.
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private record Stamp(long second, byte[] bytes) {}

    private static volatile Stamp current = format(System.currentTimeMillis() / 1000);

    private HttpDate() {}

    /** The current date as {@value #LENGTH} ASCII bytes; callers must not modify the array. */
    static byte[] now() {
        long second = System.currentTimeMillis() / 1000;
        Stamp s = current;
        if (s.second != second) {
            // Racing threads format the same second; any of their stamps is correct.
            current = s = format(second);
        }
        return s.bytes;
    }

    private static Stamp format(long second) {
        return new Stamp(second, FORMAT.format(Instant.ofEpochSecond(second)).getBytes(StandardCharsets.US_ASCII));
    }
}
