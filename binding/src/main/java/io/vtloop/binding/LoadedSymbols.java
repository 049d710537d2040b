package io.vtloop.binding;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Data objects of a loaded library found in its full symbol table, {@code vtloop_elf.c}: the
 * non-exported variables that {@code dlsym} cannot name. Needs {@link NativeLibrary#isAvailable()}.
 */
public final class LoadedSymbols {
    private LoadedSymbols() { }

    /** The descriptor of {@code vtloop_errno_message} too: the linker's cache then holds its stub already. */
    private static final MethodHandle FIND = NativeLibrary.downcall("vtloop_elf_find_objects",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

    /**
     * The run-time addresses and sizes of the data objects {@code names} of the loaded library
     * whose path ends in {@code suffix}; a name that is absent, or whose object is not wholly in
     * a writable segment of that library, has address 0.
     *
     * @param suffix e.g. {@code "/libjvm.so"}
     * @param names  symbol names as the linker sees them (C++ names mangled)
     * @return {addresses, sizes}, each of {@code names.length}
     * @throws java.io.IOException naming the reason when the table cannot be read: no such library
     *                             loaded (ESRCH), a stripped library without {@code .symtab} (ENODATA),
     *                             not a 64-bit ELF file (ENOEXEC), or open/mmap failing
     */
    public static long[][] findObjects(String suffix, String... names) throws java.io.IOException {
        StringBuilder in = new StringBuilder(suffix).append('\0');
        for (String n : names) in.append(n).append('\0');
        byte[] bytes = in.toString().getBytes(StandardCharsets.US_ASCII);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment io = arena.allocate(Math.max(bytes.length, 16L * names.length));
            MemorySegment.copy(bytes, 0, io, JAVA_BYTE, 0, bytes.length);
            int r = (int) FIND.invokeExact(names.length, io, (int) io.byteSize());
            if (r < 0) throw PollerNative.error("vtloop_elf_find_objects(" + suffix + ")", r);
            long[] at = new long[names.length], size = new long[names.length];
            for (int i = 0; i < names.length; i++) {
                at[i] = io.get(JAVA_LONG, 16L * i);
                size[i] = io.get(JAVA_LONG, 16L * i + 8);
            }
            return new long[][] { at, size };
        } catch (java.io.IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
