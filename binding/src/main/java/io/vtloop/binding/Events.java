package io.vtloop.binding;

/**
 * The readiness bits reported by {@link EpollPoller#poll} (raw {@code epoll} event bits) and
 * by {@link IoUring#prepPollAdd poll completions} (the same values) and helpers to interpret them.
 */
public final class Events {

    /** {@code EPOLLIN}: data can be read, or a connection can be accepted. */
    public static final int IN = 0x001;
    /** {@code EPOLLPRI}: urgent (out-of-band) data can be read. */
    public static final int PRI = 0x002;
    /** {@code EPOLLOUT}: data can be written. */
    public static final int OUT = 0x004;
    /** {@code EPOLLERR}: an error is pending on the descriptor. */
    public static final int ERR = 0x008;
    /** {@code EPOLLHUP}: both directions are shut down (or the write end of a pipe closed). */
    public static final int HUP = 0x010;
    /** {@code EPOLLRDHUP}: the peer shut down its writing half (stream sockets). */
    public static final int RDHUP = 0x2000;

    /** The bits after which a read would not block: data, end of stream or an error. */
    public static final int READABLE = IN | RDHUP | HUP | ERR;

    /** The bits after which a write would not block: buffer space or an error. */
    public static final int WRITABLE = OUT | HUP | ERR;

    private Events() {}

    /**
     * Tells whether a read would not block: data, end of stream or an error is pending.
     *
     * @param events the reported bits
     * @return {@code true} if any of {@code IN}, {@code RDHUP}, {@code HUP}, {@code ERR} is set
     */
    public static boolean readable(int events) {
        return (events & READABLE) != 0;
    }

    /**
     * Tells whether a write would not block: buffer space or an error is pending.
     *
     * @param events the reported bits
     * @return {@code true} if any of {@code OUT}, {@code HUP}, {@code ERR} is set
     */
    public static boolean writable(int events) {
        return (events & WRITABLE) != 0;
    }

    /**
     * Renders the bits for messages, e.g. {@code "IN|OUT|RDHUP"}; unknown bits in hex.
     *
     * @param events the reported bits
     * @return the names joined by {@code |}, or {@code "0"} if none is set
     */
    public static String toString(int events) {
        StringBuilder sb = new StringBuilder();
        int rest = events;
        int[] bits = {IN, PRI, OUT, ERR, HUP, RDHUP};
        String[] names = {"IN", "PRI", "OUT", "ERR", "HUP", "RDHUP"};
        for (int i = 0; i < bits.length; i++) {
            if ((rest & bits[i]) != 0) {
                sb.append(sb.isEmpty() ? "" : "|").append(names[i]);
                rest &= ~bits[i];
            }
        }
        if (rest != 0) {
            sb.append(sb.isEmpty() ? "" : "|").append("0x").append(Integer.toHexString(rest));
        }
        return sb.isEmpty() ? "0" : sb.toString();
    }
}
