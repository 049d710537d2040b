package io.vtloop.bench.poller;

import io.vtloop.binding.EpollPoller;
import io.vtloop.binding.EventBuffer;
import java.io.IOException;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-thread costs of the poller: a non-blocking poll of an idle poller, with two
 * reference points (a direct libc {@code epoll_wait} downcall, the floor; the JDK's
 * {@code Selector.selectNow()} on an empty selector), and registering plus deregistering
 * a pipe fd.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class PollerBenchmark {

    private EpollPoller poller;
    private EventBuffer events;
    private NativePipe pipe;
    private Selector selector;
    private RawEpoll raw;

    @Setup
    public void setup() throws IOException {
        poller = EpollPoller.open();
        events = new EventBuffer(64);
        pipe = new NativePipe();
        selector = Selector.open();
        raw = new RawEpoll();
    }

    @TearDown
    public void tearDown() throws IOException {
        poller.close();
        events.close();
        pipe.close();
        raw.close();
        selector.close();
    }

    /** {@code poll(events, 0)} with nothing registered: the floor of one poller turn. */
    @Benchmark
    public int pollNowIdle() throws IOException {
        return poller.poll(events, 0);
    }

    /** {@code pollNowIdle} and a read of slot 0 (stale): what each event costs the reader on top. */
    @Benchmark
    public long pollNowAndReadSlot() throws IOException {
        return poller.poll(events, 0) + events.token(0) + events.events(0);
    }

    /** Floor: a critical FFM downcall straight to libc {@code epoll_wait(fd, events, 64, 0)}. */
    @Benchmark
    public int rawEpollWaitNow() {
        return raw.waitNow();
    }

    /** Reference: the JDK's non-blocking select on an empty {@code Selector}. */
    @Benchmark
    public int jdkSelectNowIdle() throws IOException {
        return selector.selectNow();
    }

    /** {@code register} then {@code deregister} of the read end of a pipe. */
    @Benchmark
    public void registerDeregister() throws IOException {
        poller.register(pipe.readFd, 42);
        poller.deregister(pipe.readFd);
    }
}
