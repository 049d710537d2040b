package io.vtloop.binding;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.ToLongFunction;

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
     * Routes the binding's restricted calls through {@code gate}, which maps
     * <ul>
     * <li>{@code {Path}} to the library at {@code path} opened for the JVM's lifetime, as a
     *     {@code ToLongFunction<String>} from a symbol's name to its address (0 where absent),
     *     without the FFM API (whose global arena and lookup cost a cold start ~8 ms); or to
     *     null, for the next request; it throws {@code IllegalArgumentException} when the library
     *     cannot be opened, as {@code SymbolLookup.libraryLookup} does;
     * <li>{@code {Path, Arena}} to {@code SymbolLookup.libraryLookup(path, arena)};
     * <li>{@code {ByteBuffer}} (direct) to its memory's address as a {@code Long}, without the FFM
     *     API (whose first segment costs a fresh JVM 20-30 ms: see {@code Slots}); or to null;
     * <li>{@code {MethodType, Boolean critical}} to a downcall handle of that type with the
     *     function's address prepended ({@code (long address, <ints and longs>)<int, long or void>}),
     *     which calls the function as the FFM linker would with the matching
     *     {@code JAVA_INT}/{@code JAVA_LONG} descriptor (and {@code Linker.Option.critical(false)}
     *     when {@code critical}); or to null, for the linker;
     * <li>{@code {FunctionDescriptor, Linker.Option[]}} to
     *     {@code Linker.nativeLinker().downcallHandle(fd, options)}.
     * </ul>
     * (A {@code java.base} interface rather than method handles: each handle spins a class at
     * start-up.) Must be called before {@link NativeLibrary} is first used.
     */
    public static void route(Function<Object[], Object> gate) {
        RestrictedMethods.gate = gate;
    }

    /**
     * Opens the library at {@code file} for the JVM's lifetime; returns its symbols' addresses by
     * name (0 where absent). The gate's own loader where it has one, else the FFM API's
     * {@code SymbolLookup} in the global arena.
     *
     * @throws IllegalArgumentException when the library cannot be opened
     */
    @SuppressWarnings("unchecked")
    static ToLongFunction<String> libraryLookup(Path file) {
        Function<Object[], Object> g = gate;
        if (g != null) {
            Object direct = g.apply(new Object[] {file});
            if (direct != null) return (ToLongFunction<String>) direct;
        }
        Arena global = Arena.global();
        return new Addresses(g == null ? SymbolLookup.libraryLookup(file, global)
                : (SymbolLookup) g.apply(new Object[] {file, global}));
    }

    /**
     * The address of {@code direct}'s memory: the gate's answer where it has one, else the FFM
     * API's ({@code MemorySegment.ofBuffer}).
     */
    static long address(java.nio.ByteBuffer direct) {
        if (!direct.isDirect()) throw new IllegalArgumentException("not a direct buffer");
        Function<Object[], Object> g = gate;
        Object a = g == null ? null : g.apply(new Object[] {direct});
        return a != null ? (Long) a : MemorySegment.ofBuffer(direct).address();
    }

    /** A {@link SymbolLookup}'s addresses (a class, not a lambda: ~1 ms of a cold start). */
    private record Addresses(SymbolLookup lookup) implements ToLongFunction<String> {
        @Override
        public long applyAsLong(String name) {
            java.util.Optional<MemorySegment> found = lookup.find(name);
            return found.isPresent() ? found.get().address() : 0;
        }
    }

    /**
     * A downcall handle of type {@code signature} with the function's address prepended as a
     * {@code long}: {@link NativeLibrary#downcall}. The gate's direct handle where it gives one, else
     * the FFM linker's (whose layouts and options this builds only then).
     */
    static MethodHandle downcallHandle(MethodType signature, boolean critical) {
        Function<Object[], Object> g = gate;
        if (g != null) {
            Object direct = g.apply(new Object[] {signature, critical});
            if (direct != null) return (MethodHandle) direct;
        }
        FunctionDescriptor fd = descriptor(signature);
        Linker.Option[] options = critical ? new Linker.Option[] {Linker.Option.critical(false)} : new Linker.Option[0];
        MethodHandle h = g == null ? Linker.nativeLinker().downcallHandle(fd, options)
                : (MethodHandle) g.apply(new Object[] {fd, options});
        return MethodHandles.filterArguments(h, 0, OfAddress.MH);
    }

    /** The C signature of {@code signature}: {@code int} is {@code JAVA_INT}, {@code long} {@code JAVA_LONG}. */
    private static FunctionDescriptor descriptor(MethodType signature) {
        MemoryLayout[] arguments = new MemoryLayout[signature.parameterCount()];
        for (int i = 0; i < arguments.length; i++) arguments[i] = layout(signature.parameterType(i));
        return signature.returnType() == void.class ? FunctionDescriptor.ofVoid(arguments)
                : FunctionDescriptor.of(layout(signature.returnType()), arguments);
    }

    private static MemoryLayout layout(Class<?> carrier) {
        if (carrier == int.class) return ValueLayout.JAVA_INT;
        if (carrier == long.class) return ValueLayout.JAVA_LONG;
        throw new IllegalArgumentException("the binding passes ints and longs, not " + carrier);
    }

    /** {@code MemorySegment.ofAddress(long)}, to adapt the linker's handles (found when first needed). */
    private static final class OfAddress {
        static final MethodHandle MH;

        static {
            try {
                MH = MethodHandles.publicLookup().findStatic(MemorySegment.class, "ofAddress",
                        MethodType.methodType(MemorySegment.class, long.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }
}
