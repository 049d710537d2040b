package io.vtloop.agent;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.Adler32;
import java.util.zip.CRC32;

/**
 * The patched class files of an earlier start, kept on disk ({@code -Dvtloop.patchCache}).
 * Building them ({@link JdkContract#verify}, {@link JdkPatches}) runs the
 * {@code java.lang.classfile} API cold, with the JIT compiling it; a start that reads them back
 * instead is 0.14 s shorter on one core, where the JDK alone starts in 0.09 s
 * (docs/BENCHMARKS.md, "Session 12": 278 against 415 ms). The JDK's own answer to
 * start-up work repeated by every run is the same (CDS, {@code -XX:+AutoCreateSharedArchive}).
 *
 * <p><b>Key</b>: 64 bits (the CRC-32 and the Adler-32 of the same bytes) over the agent build
 * (every class the launcher defines, so hook names and the patch code are the ones that were
 * checked), the JDK ({@code java.home}, {@code java.runtime.version}, and the identity of the
 * runtime image every class the contract check and the patches read comes from: {@link #runningJdk}),
 * and {@code vtloop.jdkCheck}. A file is written only after its patches were checked, built and
 * applied in this JVM.
 *
 * <p><b>Safety</b>: the files hold code that runs as part of {@code java.base}, so a cache is used
 * only where no other user can write it, as ssh treats {@code ~/.ssh}: the directory and each
 * file owned by this process's user and writable by nobody else, the directory's parent owned by
 * this user or root and not writable by others unless sticky. The directory is created
 * {@code rwx------}, files {@code rw-------}, written under a temporary name and renamed into place
 * (readers see whole files only). A file that fails any check (owner, mode, magic, key, checksum)
 * is not used: the patches are built and the file written again. Nothing here throws; a cache
 * that cannot be read or written only costs the build. Each store prunes the directory to the
 * {@value #KEEP} newest files ({@link #prune}).
 *
 * <p>The file also holds the {@link NativeAccessGate} class the installer generates (its bytes
 * depend on the agent build only): with it, a start from the cache runs no
 * {@code java.lang.classfile} builder at all.
 *
 * <p>And where {@link JvmtiTransitions}' objects lie in {@code libjvm.so} ({@link Symbols}), so
 * that a start from the cache reads no symbol table either.
 *
 * <p><b>File</b> {@code patches-<key>.bin}: {@value #MAGIC} (UTF), the key (long), the gate
 * class's length (int) and bytes, the number of patched classes (int), then per class its binary
 * name (UTF), length (int) and bytes; the symbols' library identity (UTF, empty for none), their
 * number (int) and per symbol its offset and size (longs); last the CRC-32 of everything before it
 * (long).
 */
final class PatchCache {
    static final String MAGIC = "vtloop-patches-3";

    /** A file's contents: the gate class, and the patched class files by binary class name. */
    record Entry(byte[] gate, Map<String, byte[]> classes, Symbols symbols) { }

    /**
     * Where {@link JvmtiTransitions}' objects lie in {@code libjvm.so}: the library's
     * {@link #fileIdentity} and, per name, its offset from the library's mapping at file offset 0
     * (0: absent) and its size. Kept so that a later start of the same JVM binary skips reading
     * its symbol table (~15 ms of a one-core start); used only while the library's identity is
     * the same, and checked by {@link JvmtiTransitions} as a scan's result is.
     */
    record Symbols(String library, long[] offsets, long[] sizes) {
        static final Symbols NONE = new Symbols("", new long[0], new long[0]);
    }

    private final Path dir;
    private final long key;

    private PatchCache(Path dir, long key) {
        this.dir = dir;
        this.key = key;
    }

    /**
     * The cache in {@code dir} for this agent build ({@code agentId}, from the launcher), this JDK
     * ({@code jdk}: {@link #runningJdk}) and check mode.
     */
    static PatchCache of(String dir, long agentId, String jdk, boolean strict) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(agentId);
            out.writeBoolean(strict);
            out.writeUTF(String.valueOf(System.getProperty("java.home")));
            out.writeUTF(String.valueOf(System.getProperty("java.runtime.version")));
            out.writeUTF(jdk);
        } catch (IOException e) {
            throw new AssertionError(e);   // a ByteArrayOutputStream does not fail
        }
        return new PatchCache(Path.of(dir), checksum64(bytes.toByteArray()));
    }

    /**
     * The running JDK's classes as the key sees them: the identity of the runtime image they are
     * read from ({@link #fileIdentity} of {@code lib/modules}) and whether {@code java.management}
     * is in the boot layer (the contract's optional module). Null, and no cache, when some
     * {@code java.base} class may come from elsewhere ({@code --patch-module}) or there is no
     * image (an exploded build).
     */
    static String runningJdk() {
        if (jdk.internal.misc.VM.getSavedProperty("jdk.module.patch.0") != null) return null;
        String image = fileIdentity(Path.of(System.getProperty("java.home"), "lib", "modules"));
        return image == null ? null
                : image + " java.management=" + ModuleLayer.boot().findModule("java.management").isPresent();
    }

    /**
     * A file's path, device, inode, size, and modification and change times (ns), as git's index
     * tells a changed file without reading it: a file replaced gets another inode, a file written
     * in place another change time (which no user-space call sets). Null when it cannot be read.
     * Reading the ~20 class files the contract checks instead took ~10 ms of a one-core start.
     */
    static String fileIdentity(Path file) {
        try {
            Map<String, Object> a = Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime");
            return file + " " + a.get("dev") + " " + a.get("ino") + " " + a.get("size") + " "
                    + ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS) + " "
                    + ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS);
        } catch (IOException | RuntimeException e) {   // no such file; no unix view
            return null;
        }
    }

    /** The CRC-32 (high half) and the Adler-32 (low half) of {@code b}. */
    static long checksum64(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b);
        Adler32 adler = new Adler32();
        adler.update(b);
        return crc.getValue() << 32 | adler.getValue();
    }

    /** Where this key's file is. */
    Path file() {
        return dir.resolve("patches-" + HexFormat.of().toHexDigits(key) + ".bin");   // not String.format: ~1 ms cold
    }

    /** This key's file's contents; null when there is no usable file. */
    Entry load() {
        Path f = file();
        try {
            if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS) || !privateDirectory() || !privateToUs(f, false)) return null;
            byte[] all;
            try (var in = new java.io.FileInputStream(f.toFile())) {   // not Files: its first channel initialises IOUtil, ~2 ms
                all = in.readAllBytes();
            }
            if (all.length < 8) return null;
            long stored = 0;
            for (int i = all.length - 8; i < all.length; i++) stored = stored << 8 | (all[i] & 0xff);
            CRC32 crc = new CRC32();
            crc.update(all, 0, all.length - 8);
            if (crc.getValue() != stored) return null;
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all, 0, all.length - 8));
            if (!MAGIC.equals(in.readUTF()) || in.readLong() != key) return null;
            byte[] gate = new byte[length(in, all)];
            in.readFully(gate);
            int n = in.readInt();
            Map<String, byte[]> classes = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                byte[] b = new byte[length(in, all)];
                in.readFully(b);
                classes.put(name, b);
            }
            String library = in.readUTF();
            int k = in.readInt();
            if (k < 0 || k > 64) return null;
            long[] offsets = new long[k], sizes = new long[k];
            for (int i = 0; i < k; i++) {
                offsets[i] = in.readLong();
                sizes[i] = in.readLong();
            }
            return in.available() == 0 && n > 0 && gate.length > 0
                    ? new Entry(gate, classes, new Symbols(library, offsets, sizes)) : null;
        } catch (IOException | RuntimeException e) {   // a short file (EOFException), a negative length: damaged
            return null;
        }
    }

    /** A length field, no longer than the file (an EOFException, not an allocation, for a bad one). */
    private static int length(DataInputStream in, byte[] file) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > file.length) throw new java.io.EOFException("length " + n);
        return n;
    }

    /** Writes {@code entry} as this key's file; returns null when written, else why not. */
    String store(Entry entry) {
        try {
            if (!makePrivateDirectory()) return dir + " is not private to this user";
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 17);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeUTF(MAGIC);
            out.writeLong(key);
            out.writeInt(entry.gate().length);
            out.write(entry.gate());
            out.writeInt(entry.classes().size());
            for (var e : entry.classes().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
            }
            Symbols symbols = entry.symbols();
            out.writeUTF(symbols.library());
            out.writeInt(symbols.offsets().length);
            for (int i = 0; i < symbols.offsets().length; i++) {
                out.writeLong(symbols.offsets()[i]);
                out.writeLong(symbols.sizes()[i]);
            }
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
            writePrivately(file(), "patches-", bytes.toByteArray());
            prune();
            return null;
        } catch (IOException | RuntimeException e) {   // a read-only home, no space: the next start builds again
            return e.toString();
        }
    }

    /** Creates the directory ({@code rwx------}) if missing; true when it passes the class comment's checks. */
    private boolean makePrivateDirectory() throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return privateDirectory();
    }

    /**
     * Writes {@code bytes} as {@code target}: a {@code rw-------} temporary file named after
     * {@code prefix}, renamed into place, so readers see whole files only; a failed write
     * leaves no temporary behind.
     */
    private void writePrivately(Path target, String prefix, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(dir, prefix, ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temporary name is never read
            }
            throw e;
        }
    }

    /**
     * A copy of the poller library ({@code library}: its bytes, as the launcher read them from the
     * jar) in this cache's directory, which the binding opens in place instead of writing,
     * opening and deleting a temporary copy at every start (a first NIO file channel, ~2 ms of a
     * one-core start, and the write). Named by the bytes' checksum, private to this user as the
     * patch files are ({@code rw-------}), and used only when it holds exactly {@code library};
     * written under a temporary name and renamed into place when missing or different. Returns
     * null when the directory fails the class comment's checks or the copy cannot be written: the
     * binding then extracts its own, as without a cache.
     */
    Path library(byte[] library) {
        Path f = dir.resolve(LIBRARY_PREFIX + HexFormat.of().toHexDigits(checksum64(library)) + ".so");
        try {
            if (Files.exists(f, LinkOption.NOFOLLOW_LINKS) && privateDirectory() && privateToUs(f, false)) {
                byte[] kept;
                try (var in = new java.io.FileInputStream(f.toFile())) {
                    kept = in.readAllBytes();
                }
                if (java.util.Arrays.equals(kept, library)) return f;
            }
            if (!makePrivateDirectory()) return null;
            writePrivately(f, LIBRARY_PREFIX, library);
            prune(LIBRARY_PREFIX + "*", ".so", f);
            return f;
        } catch (IOException | RuntimeException e) {   // a read-only home, no space: extracted as without a cache
            return null;
        }
    }

    /** The name of {@link #library}'s copies before the checksum. */
    static final String LIBRARY_PREFIX = "libvtloop-poller-";

    /**
     * Removes what earlier agent builds and JDKs left: all but the {@value #KEEP} newest
     * {@code patches-*.bin} files (this one among them), and temporary files of writes that
     * died more than an hour ago ({@link #library} prunes its copies the same way). Called after a store, which happens only when the key changed
     * (a new agent build or JDK), so a file in use is rarely old; one pruned is written again at
     * its next start. Failures are ignored: another JVM may prune the same directory.
     */
    void prune() {
        prune("patches-*", ".bin", file());
    }

    /**
     * {@link #prune()} for the files {@code glob} matches: those ending in {@code suffix} but
     * {@code current} (the newest, kept) and the temporaries ({@code .tmp}).
     */
    private void prune(String glob, String suffix, Path current) {
        List<Path> kept = new ArrayList<>();
        long staleTmp = System.currentTimeMillis() - 3_600_000;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, glob)) {
            for (Path p : all) {
                String n = p.getFileName().toString();
                if (n.endsWith(suffix) && !p.equals(current)) kept.add(p);
                else if (n.endsWith(".tmp") && modified(p) < staleTmp) Files.deleteIfExists(p);
            }
            kept.sort(Comparator.comparingLong(PatchCache::modified).reversed());
            for (int i = KEEP - 1; i < kept.size(); i++) Files.deleteIfExists(kept.get(i));
        } catch (IOException | RuntimeException ignored) {
            // pruning is housekeeping; the next store tries again
        }
    }

    /** How many {@code patches-*.bin} files {@link #prune} leaves: a few agent builds times a few JDKs (~75 KB each). */
    static final int KEEP = 8;

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
        } catch (IOException e) {
            return 0;   // gone meanwhile: oldest
        }
    }

    /** The directory and its parent pass the class comment's checks. */
    private boolean privateDirectory() throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        return privateToUs(dir, true) && (parent == null || safeParent(parent));
    }

    /** This user's uid: the owner of {@code /proc/self}. */
    private static int uid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /** Owned by this user, not a link, the right kind, writable by nobody else. */
    private static boolean privateToUs(Path p, boolean directory) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int kind = mode & 0170000;
        return (Integer) a.get("uid") == uid() && kind == (directory ? 0040000 : 0100000) && (mode & 0022) == 0;
    }

    /** Owned by this user or root; writable by others only with the sticky bit (as /tmp). */
    private static boolean safeParent(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:uid,mode");
        int mode = (Integer) a.get("mode"), owner = (Integer) a.get("uid");
        return (owner == uid() || owner == 0) && ((mode & 0022) == 0 || (mode & 01000) != 0);
    }

    @Override
    public String toString() {
        return file().toString();
    }
}
