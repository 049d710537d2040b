package io.vtloop.agent;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Data objects of a library loaded in this process, found in its full symbol table
 * ({@code .symtab}): the non-exported variables that {@code dlsym} cannot name. Plain Java
 * (the file and {@code /proc/self/maps}), so that {@link JvmtiTransitions} binds no downcall at
 * start-up: the FFM linker's own start costs more than the whole JVM's.
 *
 * <p>The library is the one mapped from a path ending in the given suffix; its load base is the
 * start of its mapping at file offset 0 less the page-aligned address its first loadable segment
 * is linked at. A name is found when a symbol of type {@code STT_OBJECT} has it and its bytes lie
 * wholly in one writable loadable segment ({@code PT_LOAD} with {@code PF_W}). Only 64-bit
 * little-endian x86-64 files are read.
 */
public final class LoadedSymbols {
    private LoadedSymbols() { }

    private static final int PT_LOAD = 1, PF_W = 2, SHT_SYMTAB = 2, STT_OBJECT = 1;
    private static final int EM_X86_64 = 62, SYM_SIZE = 24, SHDR_SIZE = 64, PHDR_SIZE = 56;
    /** Linux x86-64 pages: mappings start at multiples of this. */
    private static final long PAGE = 4096;

    /**
     * The run-time addresses and sizes of the data objects {@code names} of the loaded library
     * whose path ends in {@code suffix}; a name that is absent, or whose object is not wholly in
     * a writable segment of that library, has address and size 0.
     *
     * @param suffix e.g. {@code "/libjvm.so"}
     * @param names  symbol names as the linker sees them (C++ names mangled)
     * @return {addresses, sizes}, each of {@code names.length}
     * @throws IOException naming the reason when the table cannot be read, ending in
     *         {@code ESRCH} (no such library loaded), {@code ENODATA} (a stripped library without
     *         {@code .symtab}) or {@code ENOEXEC} (not a 64-bit little-endian x86-64 ELF file,
     *         or a truncated one); or the file's own read error
     */
    public static long[][] findObjects(String suffix, String... names) throws IOException {
        return findObjects(mapping(suffix), names);
    }

    /** The loaded library {@code m}'s data objects {@code names}: {@link #findObjects(String, String...)}. */
    static long[][] findObjects(Mapping m, String... names) throws IOException {
        long[] at = new long[names.length], size = new long[names.length];
        if (names.length == 0) return new long[][] { at, size };
        try (RandomAccessFile file = new RandomAccessFile(m.path(), "r")) {
            return scan(m.path(), file, m.start(), names, at, size);
        } catch (FileNotFoundException e) {
            throw new IOException(m.path() + ": cannot open: " + e.getMessage(), e);
        } catch (IndexOutOfBoundsException | ArithmeticException | IllegalArgumentException e) {
            throw new IOException(m.path() + ": truncated or malformed: ENOEXEC", e);
        }
    }

    /** A library loaded in this process: its path, and the address of its mapping at file offset 0. */
    record Mapping(String path, long start) { }

    /**
     * The loaded library whose path ends in {@code suffix}, from {@code /proc/self/maps}.
     *
     * @throws IOException ending in {@code ESRCH} when no such library is loaded
     */
    static Mapping mapping(String suffix) throws IOException {
        // one Latin-1 string and indexOf: splitting ~700 lines into decoded strings took ~4 ms cold;
        // a FileInputStream, not Files: the first NIO file channel initialises IOUtil, ~2 ms cold
        String maps;
        try (var in = new java.io.FileInputStream("/proc/self/maps")) {
            maps = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        String end = suffix + "\n";
        for (int at = maps.indexOf(end); at >= 0; at = maps.indexOf(end, at + 1)) {
            // start-end perms offset dev inode path; the one mapped from file offset 0
            int line = maps.lastIndexOf('\n', at) + 1, slash = maps.indexOf('/', line);
            int perms = maps.indexOf(' ', line), offset = maps.indexOf(' ', perms + 1);
            if (perms < 0 || offset < 0 || offset > slash || !maps.startsWith("00000000 ", offset + 1)) continue;
            return new Mapping(maps.substring(slash, at + suffix.length()), Long.parseUnsignedLong(maps, line, maps.indexOf('-', line), 16));
        }
        throw new IOException("no library ending in " + suffix + " is loaded: ESRCH");
    }

    /** {@code length} bytes of the file from {@code position}, little-endian; EOF first is a truncated file. */
    private static ByteBuffer read(RandomAccessFile file, long position, long length) throws IOException {
        byte[] b = new byte[Math.toIntExact(length)];
        file.seek(position);
        try {
            file.readFully(b);   // one read(2) into a native buffer: a FileChannel into a heap buffer took twice as long
        } catch (EOFException e) {
            throw new IndexOutOfBoundsException("end of file");
        }
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static long[][] scan(String path, RandomAccessFile ch, long start, String[] names, long[] at, long[] size) throws IOException {
        ByteBuffer h = read(ch, 0, Math.min(64, ch.length()));
        if (h.limit() < 64 || h.getInt(0) != 0x464c457f || h.get(4) != 2 || h.get(5) != 1 || h.getShort(18) != EM_X86_64
                || h.getShort(0x36) != PHDR_SIZE || h.getShort(0x3a) != SHDR_SIZE)
            throw new IOException(path + ": not a 64-bit little-endian x86-64 ELF file: ENOEXEC");
        // the writable loadable segments, and the base the lowest loadable one gives
        int phnum = h.getShort(0x38) & 0xffff, shnum = h.getShort(0x3c) & 0xffff;
        ByteBuffer ph = read(ch, h.getLong(0x20), (long) phnum * PHDR_SIZE);
        List<long[]> writable = new ArrayList<>();   // {vaddr, memsz}
        long lowest = Long.MAX_VALUE;
        for (int p = 0; p < ph.limit(); p += PHDR_SIZE) {
            if (ph.getInt(p) != PT_LOAD) continue;
            long vaddr = ph.getLong(p + 16), memsz = ph.getLong(p + 40);
            lowest = Math.min(lowest, vaddr);
            if ((ph.getInt(p + 4) & PF_W) != 0) writable.add(new long[] { vaddr, memsz });
        }
        if (lowest == Long.MAX_VALUE) throw new IOException(path + ": no loadable segment: ENOEXEC");
        long base = start - (lowest & -PAGE);

        ByteBuffer sh = read(ch, h.getLong(0x28), (long) shnum * SHDR_SIZE);
        for (int s = 0; s < sh.limit(); s += SHDR_SIZE) {
            if (sh.getInt(s + 4) != SHT_SYMTAB) continue;
            int link = sh.getInt(s + 40);
            if (link <= 0 || link >= shnum || sh.getLong(s + 56) != SYM_SIZE)
                throw new IOException(path + ": malformed .symtab: ENOEXEC");
            int str = link * SHDR_SIZE;
            byte[] syms = read(ch, sh.getLong(s + 24), sh.getLong(s + 32)).array();
            byte[] strs = read(ch, sh.getLong(str + 24), sh.getLong(str + 32)).array();
            byte[][] want = new byte[names.length][];
            for (int w = 0; w < names.length; w++) want[w] = names[w].getBytes(StandardCharsets.US_ASCII);
            // one flat loop over ~70,000 entries (libjvm.so): it runs interpreted until C1's
            // on-stack replacement, so no calls and no buffer views in it
            int found = 0;
            for (int e = SYM_SIZE; e + SYM_SIZE <= syms.length && found < names.length; e += SYM_SIZE) {
                if ((syms[e + 4] & 0xf) != STT_OBJECT) continue;
                int name = syms[e] & 0xff | (syms[e + 1] & 0xff) << 8 | (syms[e + 2] & 0xff) << 16 | (syms[e + 3] & 0xff) << 24;
                for (int w = 0; w < want.length; w++) {
                    byte[] n = want[w];
                    if (at[w] != 0 || name < 0 || name + n.length >= strs.length || strs[name + n.length] != 0) continue;
                    int i = 0;
                    while (i < n.length && strs[name + i] == n[i]) i++;
                    if (i < n.length) continue;
                    long value = le(syms, e + 8), sz = le(syms, e + 16);
                    if (!inWritable(writable, value, sz)) continue;
                    at[w] = base + value;
                    size[w] = sz;
                    found++;
                }
            }
            return new long[][] { at, size };
        }
        throw new IOException(path + ": no .symtab: ENODATA");
    }

    /** The little-endian 8-byte value at {@code i}. */
    private static long le(byte[] b, int i) {
        long v = 0;
        for (int k = 7; k >= 0; k--) v = v << 8 | (b[i + k] & 0xff);
        return v;
    }

    /** Whether [value, value + size) lies in one of the writable segments {vaddr, memsz}. */
    private static boolean inWritable(List<long[]> writable, long value, long size) {
        for (long[] seg : writable)
            if (value >= seg[0] && size <= seg[1] && value - seg[0] <= seg[1] - size) return true;
        return false;
    }
}
