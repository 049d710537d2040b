package io.vtloop.bench.peers;

import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.BeforeEach;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The netty-io_uring peer: {@link NettyServerTest}'s tests on Netty's io_uring transport; skipped
 * where the kernel refuses io_uring (seccomp, {@code kernel.io_uring_disabled}), as the harness
 * skips the contestant there.
 */
class NettyIoUringServerTest extends NettyServerTest {

    @BeforeEach
    void needsIoUring() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable: " + IoUring.unavailabilityCause());
    }

    @Override
    Class<?> peer() {
        return NettyIoUringServer.class;
    }
}
