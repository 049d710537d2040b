package io.vtloop.samples;

import java.util.concurrent.ThreadFactory;

/** The thread model a sample uses: one virtual or one platform thread per connection. */
enum ConnectionThreads {
    /** One virtual thread per connection (the default). */
    VIRTUAL(Thread.ofVirtual().factory()),
    /** One platform thread per connection, for comparison with the JDK's classic model. */
    PLATFORM(Thread.ofPlatform().daemon(true).factory());

    private final ThreadFactory factory;

    ConnectionThreads(ThreadFactory factory) {
        this.factory = factory;
    }

    /** Starts {@code task} in a new thread of this kind. */
    Thread start(Runnable task) {
        Thread t = factory.newThread(task);
        t.start();
        return t;
    }

    /**
     * Parses {@code virtual} or {@code platform}.
     *
     * @throws IllegalArgumentException for anything else
     */
    static ConnectionThreads parse(String s) {
        return switch (s) {
            case "virtual" -> VIRTUAL;
            case "platform" -> PLATFORM;
            default -> throw new IllegalArgumentException("option --threads must be 'virtual' or 'platform', got '" + s + "'");
        };
    }
}
