package io.vtloop.binding;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Loads {@code libvtloop-poller.so} and binds its functions.
 *
 * <p>The library travels in the jar as the resource {@value #RESOURCE}. On first use
 * this class copies it to a temporary file in the directory named by the system property
 * {@value #DIR_PROPERTY} (default: {@code java.io.tmpdir}), opens it for the JVM's lifetime
 * ({@link RestrictedMethods#libraryLookup}) and deletes the file again; the mapping stays valid. The extraction directory
 * must be writable and on a file system mounted without {@code noexec}.
 *
 * <p>This is the only class of the binding that calls restricted FFM methods (through
 * {@link RestrictedMethods}, which the agent can route through {@code java.base})
 * ({@link SymbolLookup#libraryLookup(Path, java.lang.foreign.Arena)} and {@link Linker#downcallHandle}).
 * It depends on {@code java.base} only, so that it may be loaded by the bootstrap class
 * loader. Loading happens once, in the static initializer; a failure is recorded, not
 * thrown, and can be queried with {@link #isAvailable()} and {@link #loadError()}.
 */
public final class NativeLibrary {

    /** The class-path resource holding the library. */
    public static final String RESOURCE = "META-INF/native/linux-x86_64/libvtloop-poller.so";

    /** System property naming the directory the library is extracted to. */
    public static final String DIR_PROPERTY = "vtloop.native.dir";

    private static final Set<PosixFilePermission> OWNER_ONLY =
            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    /** The library's symbols: name to address, 0 where absent; null when it is not loaded. */
    private static final ToLongFunction<String> LOOKUP;
    private static final UnsatisfiedLinkError LOAD_ERROR;

    static {
        ToLongFunction<String> lookup = null;
        UnsatisfiedLinkError error = null;
        try {
            lookup = load();
        } catch (UnsatisfiedLinkError e) {
            error = e;
        } catch (RuntimeException | LinkageError e) {
            error = failure("cannot load the vtloop poller library: " + e, e);
        }
        LOOKUP = lookup;
        LOAD_ERROR = error;
    }

    private NativeLibrary() {}

    /**
     * The library's bytes, handed over before {@link NativeLibrary} initialises by code that has
     * them at hand (the agent's launcher has the jar open); else the class-path resource is read,
     * which costs ~6 ms of a cold start to find (URL and jar-connection machinery). A class of its
     * own, so that offering initialises nothing else.
     */
    public static final class Offered {
        private static byte[] bytes;   // guarded by Offered.class
        private static Path file;      // guarded by Offered.class

        private Offered() { }

        /** Offers the bytes of {@value NativeLibrary#RESOURCE}, read from the jar that holds it. */
        public static synchronized void offer(byte[] library) {
            bytes = library;
        }

        /**
         * Offers a file that holds exactly those bytes and that only this user can write (the
         * agent keeps one in its cache directory): opened in place, with no temporary copy; where
         * it cannot be opened (a {@code noexec} mount), the library is extracted as usual.
         */
        public static synchronized void offerFile(Path library) {
            file = library;
        }

        static synchronized byte[] take() {
            byte[] b = bytes;
            bytes = null;
            return b;
        }

        static synchronized Path takeFile() {
            Path f = file;
            file = null;
            return f;
        }
    }

    /**
     * Tells whether the library was loaded. Cheap; never throws.
     *
     * @return {@code true} if the native functions can be bound
     */
    public static boolean isAvailable() {
        return LOOKUP != null;
    }

    /**
     * Loads the library (extracts it and opens it), at a time of the caller's choosing. Binds
     * nothing: a downcall is bound at its first call, and the first one starts the FFM linker
     * (about 100 ms of CPU), which vtloop's start never needs; a program pays it at its first
     * wait for an fd. Never throws: a failure is what {@link #loadError()} and the first call
     * report anyway.
     */
    public static void prepare() {
        isAvailable();
    }

    /**
     * Returns why the library could not be loaded. The message names the cause and, where
     * a different extraction directory may help, suggests {@code -Dvtloop.native.dir=...}.
     *
     * @return the load failure, or {@code null} if the library is loaded
     */
    public static UnsatisfiedLinkError loadError() {
        return LOAD_ERROR;
    }

    /**
     * Checks that the library exports every one of {@code symbols} (a lookup, no binding), so that
     * a class binding its handles at their first call fails at its own initialisation instead.
     *
     * @throws UnsatisfiedLinkError if the library is not loaded or lacks one of them
     */
    static void requireSymbols(String... symbols) {
        if (LOOKUP == null) {
            throw failure("vtloop poller library not loaded: " + LOAD_ERROR.getMessage(), LOAD_ERROR);
        }
        for (String symbol : symbols) {
            if (LOOKUP.applyAsLong(symbol) == 0) throw new UnsatisfiedLinkError("symbol " + symbol + " not found in " + RESOURCE);
        }
    }

    /**
     * Returns the address of a function of the library, the first argument of its
     * {@linkplain #downcall downcall handle}.
     *
     * @param symbol the exported C function name
     * @throws UnsatisfiedLinkError if the library is not loaded or lacks {@code symbol}
     */
    static long symbol(String symbol) {
        if (LOOKUP == null) {
            throw failure("vtloop poller library not loaded: " + LOAD_ERROR.getMessage(), LOAD_ERROR);
        }
        long address = LOOKUP.applyAsLong(symbol);
        if (address == 0) throw new UnsatisfiedLinkError("symbol " + symbol + " not found in " + RESOURCE);
        return address;
    }

    /**
     * Binds a downcall: a handle of type {@code (long address, <signature's parameters>)<its
     * result>} that calls the function at {@code address} (a {@link #symbol}). Parameters are
     * {@code int}s and {@code long}s ({@code JAVA_INT}, {@code JAVA_LONG}); the binding passes
     * pointers as {@code long}s ({@code MemorySegment.address()}) and keeps their memory alive
     * itself. The result is {@code int}, {@code long} or {@code void}. With the agent such a call
     * is bound without the FFM linker's adaptation (see {@link RestrictedMethods#route}), which
     * costs a fresh JVM ~100 ms at its first downcall.
     *
     * @param signature the C function's signature in Java carriers
     * @param critical  whether the call may skip the thread-state transition
     *                  ({@link Linker.Option#critical(boolean) critical(false)}): only for calls that
     *                  never block
     * @return the method handle
     */
    static MethodHandle downcall(MethodType signature, boolean critical) {
        return RestrictedMethods.downcallHandle(signature, critical);
    }

    @SuppressWarnings("restricted")
    private static ToLongFunction<String> load() {
        String os = System.getProperty("os.name", "?");
        String arch = System.getProperty("os.arch", "?");
        if (!os.startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new UnsatisfiedLinkError("the vtloop poller needs Linux x86_64, this is " + os + "/" + arch);
        }
        Path kept = Offered.takeFile();
        if (kept != null) {
            try {
                return RestrictedMethods.libraryLookup(kept);
            } catch (RuntimeException e) {
                // not opened in place (e.g. a noexec mount): extracted as usual below
            }
        }
        String dirName = System.getProperty(DIR_PROPERTY, System.getProperty("java.io.tmpdir"));
        Path file;
        try {
            byte[] library = Offered.take();
            if (library == null) {
                try (InputStream in = NativeLibrary.class.getResourceAsStream("/" + RESOURCE)) {
                    if (in == null) {
                        throw new UnsatisfiedLinkError("resource " + RESOURCE + " not found; the vtloop-poller jar"
                                + " was built without its native library");
                    }
                    library = in.readAllBytes();
                }
            }
            file = extract(library, Path.of(dirName));
        } catch (IOException | RuntimeException e) {
            throw failure("cannot extract " + RESOURCE + " to " + dirName + ": " + e
                    + "; set -D" + DIR_PROPERTY + "=<a writable directory>", e);
        }
        try {
            return RestrictedMethods.libraryLookup(file);
        } catch (RuntimeException e) {
            throw failure("cannot load " + file + ": " + e + "; if " + dirName + " is mounted noexec, set -D"
                    + DIR_PROPERTY + "=<a directory on an exec-mounted file system>", e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignore) {
                // the mapping does not need the file; a stale temp file is harmless
            }
        }
    }

    /**
     * Copies the library to a new owner-only file in {@code dir}. The name comes from the pid
     * and clock rather than {@link Files#createTempFile}, which would initialize
     * {@code SecureRandom} this early; {@code CREATE_NEW} (O_EXCL) keeps it safe in /tmp.
     */
    private static Path extract(byte[] library, Path dir) throws IOException {
        String pid = Files.readSymbolicLink(Path.of("/proc/self")).toString();   // not ProcessHandle: ~10 ms to initialise
        FileAlreadyExistsException clash = null;
        for (int attempt = 0; attempt < 16; attempt++) {
            Path file = dir.resolve("libvtloop-poller-" + pid + "-"
                    + Long.toHexString(System.nanoTime()) + ".so");
            try (SeekableByteChannel out = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
                try {
                    for (ByteBuffer buf = ByteBuffer.wrap(library); buf.hasRemaining(); ) {
                        out.write(buf);
                    }
                } catch (IOException e) {
                    Files.deleteIfExists(file);
                    throw e;
                }
                return file;
            } catch (FileAlreadyExistsException e) {
                clash = e;
            }
        }
        throw clash;
    }

    private static UnsatisfiedLinkError failure(String message, Throwable cause) {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(message);
        e.initCause(cause);
        return e;
    }
}
