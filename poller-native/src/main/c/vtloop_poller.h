/*
 * vtloop readiness poller: a thin epoll wrapper for the vtloop carrier scheduler.
 *
 * Every function returns a non-negative value on success and -errno on failure.
 * A poller handle is the address of a small private struct, returned as int64_t.
 */
#ifndef VTLOOP_POLLER_H
#define VTLOOP_POLLER_H

#include <stddef.h>
#include <stdint.h>

#define VTLOOP_API __attribute__((visibility("default")))

/* One ready file descriptor as written by vtloop_poller_wait (16 bytes). */
struct vtloop_event {
    uint64_t token;   /* the token given to vtloop_poller_register */
    uint32_t events;  /* raw epoll bits (EPOLLIN, EPOLLOUT, ...) */
    uint32_t pad;
};

/* The token reserved for the poller's own wake-up eventfd; register rejects it. */
#define VTLOOP_WAKE_TOKEN UINT64_MAX

/* Creates a poller: an epoll fd plus a wake-up eventfd. Returns the handle or -errno. */
VTLOOP_API int64_t vtloop_poller_create(void);

/* Registers fd once, edge-triggered, for IN|PRI|OUT|RDHUP; events carry token. */
VTLOOP_API int vtloop_poller_register(int64_t handle, int fd, uint64_t token);

/* Removes fd from the poller. */
VTLOOP_API int vtloop_poller_deregister(int64_t handle, int fd);

/*
 * Waits for events and writes at most capacity of them to out. timeout_nanos: -1 blocks
 * indefinitely, 0 does not block, > 0 waits at most that long. Returns the number of
 * events written (0 on timeout, wake-up or EINTR) or -errno.
 */
VTLOOP_API int vtloop_poller_wait(int64_t handle, struct vtloop_event *out, int capacity,
                                  int64_t timeout_nanos);

/*
 * vtloop_poller_wait with timeout 0 for a thread other than the one that waits in this poller
 * (vtloop's monitor, serving a busy carrier): the same events, but a pending wake-up is neither
 * reported nor consumed, so it still ends the owner's current or next wait. Returns the number
 * of events written or -errno.
 */
VTLOOP_API int vtloop_poller_wait_other(int64_t handle, struct vtloop_event *out, int capacity);

/* Makes a blocked or the next wait return; coalesced, at most one eventfd write per sleep. */
VTLOOP_API int vtloop_poller_wakeup(int64_t handle);

/* Writes the eventfd unconditionally, ignoring coalescing (used when closing). */
VTLOOP_API int vtloop_poller_kick(int64_t handle);

/* Closes both fds and frees the handle. */
VTLOOP_API int vtloop_poller_close(int64_t handle);

/* Copies the symbolic name of errnum (e.g. "EBADF") into buf; returns its length or -EINVAL. */
VTLOOP_API int vtloop_errno_name(int errnum, char *buf, int len);

/* strerror(errnum) into buf, e.g. "Connection timed out": the text the JDK puts in the
   IOException of a failed read or write. Returns the length written or -EINVAL. */
VTLOOP_API int vtloop_errno_message(int errnum, char *buf, int len);

/* Test hook: enabled == 0 makes wait use epoll_wait with milliseconds instead of epoll_pwait2. */
VTLOOP_API void vtloop_poller_use_pwait2(int enabled);

#endif
