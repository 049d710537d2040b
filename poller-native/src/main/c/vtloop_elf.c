/*
 * Full-symbol-table lookup in a loaded library. See vtloop_elf.h for the contract.
 */
#include "vtloop_elf.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct vtloop_elf_lib {
    const char *suffix;
    const char *path;       /* dlpi_name of the match, NULL until found */
    ElfW(Addr) base;
    const ElfW(Phdr) *phdr;
    ElfW(Half) phnum;
};

static int vtloop_elf_match(struct dl_phdr_info *info, size_t size, void *data) {
    (void) size;
    struct vtloop_elf_lib *lib = data;
    size_t n = strlen(info->dlpi_name), s = strlen(lib->suffix);
    if (n < s || strcmp(info->dlpi_name + n - s, lib->suffix) != 0) {
        return 0;
    }
    lib->path = info->dlpi_name;
    lib->base = info->dlpi_addr;
    lib->phdr = info->dlpi_phdr;
    lib->phnum = info->dlpi_phnum;
    return 1;
}

/* Whether [value, value + size) lies in one writable loadable segment. */
static int vtloop_elf_writable(const struct vtloop_elf_lib *lib, uint64_t value, uint64_t size) {
    for (ElfW(Half) i = 0; i < lib->phnum; i++) {
        const ElfW(Phdr) *p = &lib->phdr[i];
        if (p->p_type == PT_LOAD && (p->p_flags & PF_W) && value >= p->p_vaddr
                && size <= p->p_memsz && value - p->p_vaddr <= p->p_memsz - size) {
            return 1;
        }
    }
    return 0;
}

static int vtloop_elf_lookup(const char *suffix, const char *names, int count, int64_t *addrs, int64_t *sizes);

/* Scans the mapped file; returns the number found or -ENODATA / -ENOEXEC. */
static int vtloop_elf_scan(const struct vtloop_elf_lib *lib, const unsigned char *file, size_t len,
                           const char *names, int count, int64_t *addrs, int64_t *sizes) {
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *) file;
    if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64
            || eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64
            || eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > len
            || (len - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum) {
        return -ENOEXEC;
    }
    const Elf64_Shdr *sh = (const Elf64_Shdr *) (file + eh->e_shoff);
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_SYMTAB) {
            continue;
        }
        const Elf64_Shdr *st = &sh[i], *str = sh[i].sh_link < eh->e_shnum ? &sh[sh[i].sh_link] : NULL;
        if (str == NULL || st->sh_entsize != sizeof(Elf64_Sym) || st->sh_offset > len
                || st->sh_size > len - st->sh_offset || str->sh_offset > len || str->sh_size > len - str->sh_offset
                || str->sh_size == 0 || file[str->sh_offset + str->sh_size - 1] != '\0') {
            return -ENOEXEC;
        }
        const Elf64_Sym *sym = (const Elf64_Sym *) (file + st->sh_offset);
        const char *strs = (const char *) (file + str->sh_offset);
        size_t nsym = st->sh_size / sizeof(Elf64_Sym);
        int found = 0;
        for (size_t k = 1; k < nsym && found < count; k++) {
            if (ELF64_ST_TYPE(sym[k].st_info) != STT_OBJECT || sym[k].st_name >= str->sh_size) {
                continue;
            }
            const char *name = strs + sym[k].st_name, *want = names;
            for (int w = 0; w < count; w++, want += strlen(want) + 1) {
                if (addrs[w] == 0 && strcmp(name, want) == 0
                        && vtloop_elf_writable(lib, sym[k].st_value, sym[k].st_size)) {
                    addrs[w] = (int64_t) (lib->base + sym[k].st_value);
                    sizes[w] = (int64_t) sym[k].st_size;
                    found++;
                }
            }
        }
        return found;
    }
    return -ENODATA;
}

int vtloop_elf_find_objects(int count, char *io, int len) {
    if (io == NULL || count < 0 || len < 1 || (size_t) len < 16 * (size_t) count || memchr(io, '\0', (size_t) len) == NULL) {
        return -EINVAL;
    }
    /* the input is consumed before the output overwrites it */
    char *in = malloc((size_t) len + 1);
    if (in == NULL) {
        return -ENOMEM;
    }
    memcpy(in, io, (size_t) len);
    in[len] = '\0';
    const char *suffix = in, *names = in + strlen(in) + 1, *n = names;
    for (int w = 0; w < count; w++, n += strlen(n) + 1) {
        if (n >= in + len) {   /* fewer names than count */
            free(in);
            return -EINVAL;
        }
    }
    int64_t *addrs = calloc((size_t) count + 1, sizeof(int64_t)), *sizes = calloc((size_t) count + 1, sizeof(int64_t));
    int r = addrs == NULL || sizes == NULL ? -ENOMEM : vtloop_elf_lookup(suffix, names, count, addrs, sizes);
    if (r >= 0) {
        for (int w = 0; w < count; w++) {
            memcpy(io + 16 * w, &addrs[w], 8);
            memcpy(io + 16 * w + 8, &sizes[w], 8);
        }
    }
    free(addrs);
    free(sizes);
    free(in);
    return r;
}

/* The lookup proper: `names` holds `count` NUL-terminated names one after the other. */
static int vtloop_elf_lookup(const char *suffix, const char *names, int count, int64_t *addrs, int64_t *sizes) {
    struct vtloop_elf_lib lib = { .suffix = suffix, .path = NULL };
    dl_iterate_phdr(vtloop_elf_match, &lib);
    if (lib.path == NULL || lib.path[0] == '\0') {
        return -ESRCH;
    }
    int fd = open(lib.path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    struct stat s;
    if (fstat(fd, &s) < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    if (s.st_size <= 0) {
        close(fd);
        return -ENOEXEC;
    }
    void *file = mmap(NULL, (size_t) s.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int err = file == MAP_FAILED ? errno : 0;
    close(fd);
    if (err != 0) {
        return -err;
    }
    int r = vtloop_elf_scan(&lib, file, (size_t) s.st_size, names, count, addrs, sizes);
    munmap(file, (size_t) s.st_size);
    return r;
}
