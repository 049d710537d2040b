/*
 * Data objects of a loaded shared library, from its full symbol table (.symtab): what dlsym
 * cannot find, since it sees only the exported (.dynsym) names. vtloop uses it once, at
 * start-up, for two one-byte variables of libjvm.so (the agent's JvmtiTransitions).
 *
 * Returns -errno like the rest of the library.
 */
#ifndef VTLOOP_ELF_H
#define VTLOOP_ELF_H

#include <stdint.h>

#include "vtloop_poller.h"

/*
 * Looks up `count` data objects (STT_OBJECT) in the .symtab of a loaded library. `io` holds, on
 * entry, the library's path suffix (e.g. "/libjvm.so") and then the `count` names, each
 * NUL-terminated; on return its first 16 * count bytes hold, for each name i, two int64_t: its
 * run-time address (load base plus link-time value) and its size, or both 0 when the name is
 * absent or its object does not lie wholly inside a writable PT_LOAD segment of that library
 * (.data, .bss). `len` is the size of `io`, at least 16 * count.
 *
 * Returns the number of names found, or -ESRCH (no such library loaded), -ENODATA (it has no
 * .symtab: a stripped build), -ENOEXEC (not a 64-bit ELF file of this machine), -EINVAL (a bad
 * argument, an unterminated input), -ENOMEM, or the errno of open/fstat/mmap. The file is
 * mapped read-only for the call and unmapped before it returns.
 */
VTLOOP_API int vtloop_elf_find_objects(int count, char *io, int len);

#endif
