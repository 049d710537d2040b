package io.vtloop.agent;

import io.vtloop.binding.RestrictedMethods;

import java.lang.invoke.MethodHandles;
import java.nio.file.Path;
import java.util.function.ToLongFunction;

import jdk.internal.loader.NativeLibrary;
import jdk.internal.loader.RawNativeLibraries;

/**
 * Opens the poller library the way {@code SymbolLookup.libraryLookup} does underneath, without
 * the FFM API around it: {@code RawNativeLibraries} ({@code dlopen}), and a symbol's address as a
 * {@code long}, which is all that {@link DirectDowncalls} binds. The FFM path costs a fresh JVM
 * ~8 ms of a one-core start that a program without a socket never needed: ~4 ms to initialise
 * {@code Arena.global()}'s session (a var handle and two lambdas) and ~4 ms for the lookup (two
 * more lambdas); measured with a per-step clock in the installer. The library stays open for the
 * JVM's lifetime, as in the global arena.
 *
 * <p>Answers {@link RestrictedMethods#route}'s {@code {Path}} request. Needs
 * {@code jdk.internal.loader} exported to vtloop's module ({@link Installer}), and this class in
 * the boot loader (the JDK lends raw loading to trusted loaders only); on a JDK whose internals
 * differ, or elsewhere, answers null, and the binding takes the FFM path.
 */
final class RawLibrary implements ToLongFunction<String> {
    private final NativeLibrary library;

    private RawLibrary(NativeLibrary library) {
        this.library = library;
    }

    /**
     * Opens {@code file}; returns its symbols' addresses by name, or null where this JDK's
     * internals differ or this class is not in the boot loader.
     *
     * @throws IllegalArgumentException when {@code dlopen} fails (as {@code SymbolLookup.libraryLookup} throws)
     */
    static ToLongFunction<String> open(Path file) {
        RawNativeLibraries libraries;
        try {
            libraries = RawNativeLibraries.newInstance(MethodHandles.lookup());
        } catch (LinkageError | InternalError e) {   // another JDK's internals; this class outside the boot loader
            return null;
        }
        NativeLibrary library = libraries.load(file);
        if (library == null) throw new IllegalArgumentException("Cannot open library: " + file);
        return new RawLibrary(library);
    }

    /** The address of {@code symbol}, or 0 where the library has none. */
    @Override
    public long applyAsLong(String symbol) {
        return library.find(symbol);
    }
}
