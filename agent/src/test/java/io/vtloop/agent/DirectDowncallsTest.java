package io.vtloop.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.SplittableRandom;

import static java.lang.invoke.MethodType.methodType;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link DirectDowncalls} against the FFM linker: the same C functions (the C library's, real
 * calls), bound both ways, critical and not, called with the same random arguments, must give the
 * same results and effects. The functions cover 0 to 6 arguments, {@code int}s and {@code long}s
 * in every register, {@code int}, {@code long} and no result. The binding's own calls with the
 * agent: {@code AgentIntegrationTest}.
 */
@DisabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
class DirectDowncallsTest {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final long SEED = Long.getLong("vtloop.test.seed", System.nanoTime());

    /** Both handles of {@code name}, linker's first, each of type (long address, signature...). */
    private static MethodHandle[] both(String name, MethodType signature, boolean critical) {
        long address = LINKER.defaultLookup().find(name).orElseThrow().address();
        MethodHandle direct = DirectDowncalls.bind(signature, critical);
        assertNotNull(direct, "not bound directly: " + signature + ", " + DirectDowncalls.failure());
        assertEquals(signature.insertParameterTypes(0, long.class), direct.type());
        MemoryLayout[] arguments = new MemoryLayout[signature.parameterCount()];
        for (int i = 0; i < arguments.length; i++) arguments[i] = layout(signature.parameterType(i));
        FunctionDescriptor fd = signature.returnType() == void.class ? FunctionDescriptor.ofVoid(arguments)
                : FunctionDescriptor.of(layout(signature.returnType()), arguments);
        MethodHandle linked = critical ? LINKER.downcallHandle(MemorySegment.ofAddress(address), fd, Linker.Option.critical(false))
                : LINKER.downcallHandle(MemorySegment.ofAddress(address), fd);
        return new MethodHandle[] {linked, java.lang.invoke.MethodHandles.insertArguments(direct, 0, address)};
    }

    private static MemoryLayout layout(Class<?> carrier) {
        return carrier == int.class ? ValueLayout.JAVA_INT : ValueLayout.JAVA_LONG;
    }

    @Test
    void pureFunctionsGiveTheLinkersResults() throws Throwable {
        SplittableRandom random = new SplittableRandom(SEED);
        for (boolean critical : new boolean[] {false, true}) {
            MethodHandle[] abs = both("abs", methodType(int.class, int.class), critical);
            MethodHandle[] labs = both("labs", methodType(long.class, long.class), critical);
            MethodHandle[] getpid = both("getpid", methodType(int.class), critical);
            assertEquals(ProcessHandle.current().pid(), (int) getpid[1].invokeExact(), "getpid");
            for (int n = 0; n < 1000; n++) {
                int i = random.nextInt(Integer.MIN_VALUE + 1, Integer.MAX_VALUE);
                long l = random.nextLong(Long.MIN_VALUE + 1, Long.MAX_VALUE);
                assertEquals((int) abs[0].invokeExact(i), (int) abs[1].invokeExact(i), "abs(" + i + "), seed " + SEED);
                assertEquals(Math.abs(i), (int) abs[1].invokeExact(i));
                assertEquals((long) labs[0].invokeExact(l), (long) labs[1].invokeExact(l), "labs(" + l + ")");
                assertEquals(Math.abs(l), (long) labs[1].invokeExact(l));
            }
        }
    }

    @Test
    void pointersAndSizesReachTheirRegisters() throws Throwable {
        SplittableRandom random = new SplittableRandom(SEED);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(256), b = arena.allocate(256);
            for (boolean critical : new boolean[] {false, true}) {
                MethodHandle[] memcmp = both("memcmp", methodType(int.class, long.class, long.class, long.class), critical);
                MethodHandle[] memchr = both("memchr", methodType(long.class, long.class, int.class, long.class), critical);
                for (int n = 0; n < 500; n++) {
                    for (int k = 0; k < 256; k++) {
                        byte v = (byte) random.nextInt(4);   // few values: equal prefixes, hits and misses
                        a.set(ValueLayout.JAVA_BYTE, k, v);
                        b.set(ValueLayout.JAVA_BYTE, k, random.nextInt(8) == 0 ? (byte) random.nextInt(4) : v);
                    }
                    long size = random.nextLong(257);
                    int c = random.nextInt(5) | (random.nextInt(3) << 8);   // memchr compares (unsigned char) c
                    int linked = (int) memcmp[0].invokeExact(a.address(), b.address(), size);
                    int direct = (int) memcmp[1].invokeExact(a.address(), b.address(), size);
                    assertEquals(Integer.signum(linked), Integer.signum(direct), "memcmp, size " + size + ", seed " + SEED);
                    assertEquals((long) memchr[0].invokeExact(a.address(), c, size), (long) memchr[1].invokeExact(a.address(), c, size),
                            "memchr(" + c + ", " + size + "), seed " + SEED);
                }
            }
        }
    }

    /** Six arguments, int and long mixed: {@code mmap} of a file at an offset shows the file's bytes there. */
    @Test
    void sixArgumentsMapAFileAtAnOffset() throws Throwable {
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] content = new byte[4 * 4096];
        random.nextBytes(content);
        java.nio.file.Path file = java.nio.file.Files.createTempFile("vtloop-direct", ".bin");
        try (Arena arena = Arena.ofConfined();
             var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE,
                     java.nio.file.StandardOpenOption.READ)) {
            channel.write(java.nio.ByteBuffer.wrap(content));
            MemorySegment path = arena.allocateFrom(file.toString());
            MethodHandle open = LINKER.downcallHandle(LINKER.defaultLookup().find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                    Linker.Option.firstVariadicArg(2));
            int fd = (int) open.invokeExact(path, 0 /* O_RDONLY */);
            assertTrue(fd >= 0, "open " + fd);
            MethodHandle[] close = both("close", methodType(int.class, int.class), false);
            try {
                for (boolean critical : new boolean[] {false, true}) {
                    MethodHandle[] mmap = both("mmap", methodType(long.class, long.class, long.class, int.class, int.class, int.class, long.class), critical);
                    MethodHandle[] munmap = both("munmap", methodType(int.class, long.class, long.class), critical);
                    for (int page = 0; page < 4; page++) {
                        long length = 4096L * (1 + random.nextInt(4 - page));
                        // (addr, length, PROT_READ, MAP_PRIVATE, fd, offset)
                        long mapped = (long) mmap[1].invokeExact(0L, length, 1, 2, fd, 4096L * page);
                        assertNotEquals(-1L, mapped, "mmap");
                        MemorySegment view = MemorySegment.ofAddress(mapped).reinterpret(length);
                        for (int k = 0; k < length; k += 509)
                            assertEquals(content[4096 * page + k], view.get(ValueLayout.JAVA_BYTE, k), "page " + page + " byte " + k);
                        assertEquals(0, (int) munmap[1].invokeExact(mapped, length));
                        assertEquals(-1L, (long) mmap[1].invokeExact(0L, length, 1, 2, -1, 0L), "a bad fd fails as it should");
                        long linked = (long) mmap[0].invokeExact(0L, length, 1, 2, fd, 4096L * page);
                        assertEquals(content[4096 * page], MemorySegment.ofAddress(linked).reinterpret(1).get(ValueLayout.JAVA_BYTE, 0));
                        assertEquals(0, (int) munmap[0].invokeExact(linked, length));
                    }
                }
            } finally {
                assertEquals(0, (int) close[1].invokeExact(fd));
            }
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void noResultAndNoArguments() throws Throwable {
        for (boolean critical : new boolean[] {false, true}) {
            MethodHandle[] srandom = both("srandom", methodType(void.class, int.class), critical);
            MethodHandle[] random = both("random", methodType(long.class), critical);
            int seed = (int) SEED;
            srandom[0].invokeExact(seed);
            long[] linked = new long[20];
            for (int i = 0; i < linked.length; i++) linked[i] = (long) random[0].invokeExact();
            srandom[1].invokeExact(seed);
            for (int i = 0; i < linked.length; i++) assertEquals(linked[i], (long) random[1].invokeExact(), "random() #" + i);
        }
    }

    @Test
    void signaturesItCannotBindGoToTheLinker() {
        assertNull(DirectDowncalls.bind(methodType(int.class, long.class, long.class, long.class, long.class, long.class,
                long.class, long.class), false), "a seventh argument goes on the stack");
        assertNull(DirectDowncalls.bind(methodType(double.class, double.class), false));
        assertNull(DirectDowncalls.bind(methodType(int.class, short.class), false));
        assertNull(DirectDowncalls.bind(methodType(MemorySegment.class, long.class), true));
        assertNull(DirectDowncalls.failure());
        // the gate's other requests pass through untouched
        Object[] seen = new Object[1];
        DirectDowncalls gate = new DirectDowncalls(request -> seen[0] = request[0]);
        assertEquals("x", gate.apply(new Object[] {"x", null}));
        assertNull(gate.apply(new Object[] {methodType(double.class), false}), "not bound, and not passed on");
        assertInstanceOf(MethodHandle.class, gate.apply(new Object[] {methodType(int.class, int.class), true}));
        assertEquals("x", seen[0]);
    }
}
