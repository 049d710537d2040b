package io.vtloop.binding;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The two restricted FFM methods the binding needs, callable directly (the caller's module
 * then needs native access, e.g. {@code --enable-native-access=ALL-UNNAMED}) or through a gate
 * that the vtloop agent supplies before the library loads. The agent's gate is code in
 * {@code java.base}, which has native access, so with the agent the JDK prints no
 * "restricted method" warning.
 */
public final class RestrictedMethods {
    private RestrictedMethods() { }

    private static volatile Function<Object[], Object> gate;

    /**
     * Routes the binding's restricted calls through {@code gate}, which maps {@code {Path, Arena}}
     * to {@code SymbolLookup.libraryLookup(path, arena)} and {@code {MemorySegment,
     * FunctionDescriptor, Linker.Option[]}} to {@code Linker.nativeLinker().downcallHandle(...)}.
     * (A {@code java.base} interface rather than method handles: each handle spins a class at
     * start-up.) Must be called before {@link NativeLibrary} is first used.
     */
    public static void route(Function<Object[], Object> gate) {
        RestrictedMethods.gate = gate;
    }

    static SymbolLookup libraryLookup(Path file, Arena arena) {
        Function<Object[], Object> g = gate;
        return g == null ? SymbolLookup.libraryLookup(file, arena) : (SymbolLookup) g.apply(new Object[] {file, arena});
    }

    static MethodHandle downcallHandle(MemorySegment address, FunctionDescriptor fd, Linker.Option... options) {
        Function<Object[], Object> g = gate;
        return g == null ? Linker.nativeLinker().downcallHandle(address, fd, options)
                : (MethodHandle) g.apply(new Object[] {address, fd, options});
    }
}
