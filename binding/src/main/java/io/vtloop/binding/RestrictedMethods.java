package io.vtloop.binding;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * The two restricted FFM methods the binding needs, callable directly (the caller's module
 * then needs native access, e.g. {@code --enable-native-access=ALL-UNNAMED}) or through
 * method handles that the vtloop agent supplies before the library loads. The agent's
 * handles point at code in {@code java.base}, which has native access, so with the agent
 * the JDK prints no "restricted method" warning.
 */
public final class RestrictedMethods {
    private RestrictedMethods() { }

    private static volatile MethodHandle libraryLookup, downcallHandle;

    /**
     * Routes the binding's restricted calls through the given handles, of types
     * {@code (Path, Arena)SymbolLookup} and {@code (MemorySegment, FunctionDescriptor,
     * Linker.Option[])MethodHandle}. Must be called before {@link NativeLibrary} is first used.
     */
    public static void route(MethodHandle libraryLookup, MethodHandle downcallHandle) {
        RestrictedMethods.libraryLookup = libraryLookup;
        RestrictedMethods.downcallHandle = downcallHandle;
    }

    static SymbolLookup libraryLookup(Path file, Arena arena) {
        MethodHandle mh = libraryLookup;
        if (mh == null) return SymbolLookup.libraryLookup(file, arena);
        try {
            return (SymbolLookup) mh.invokeExact(file, arena);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static MethodHandle downcallHandle(MemorySegment address, FunctionDescriptor fd, Linker.Option... options) {
        MethodHandle mh = downcallHandle;
        if (mh == null) return Linker.nativeLinker().downcallHandle(address, fd, options);
        try {
            return (MethodHandle) mh.invokeExact(address, fd, options);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
