/*
 * vtloop io_uring backend: one ring per owner thread, driven through raw io_uring_setup /
 * io_uring_enter / io_uring_register system calls (no liburing) and the kernel's
 * <linux/io_uring.h>.
 *
 * Every function returns a non-negative value on success and -errno on failure.
 * A ring handle is the address of a small private struct, returned as int64_t.
 *
 * Threads: the prep functions, submit, wait, peek and in_flight belong to the ring's owner,
 * the first OS thread that calls submit or wait (the ring is created disabled under
 * IORING_SETUP_SINGLE_ISSUER and enabled by that thread), one call at a time. wakeup and
 * kick may be called from any thread. close must not race with any other call.
 */
#ifndef VTLOOP_URING_H
#define VTLOOP_URING_H

#include <stdint.h>

#include "vtloop_poller.h"

/* One completion as copied out by vtloop_uring_wait / vtloop_uring_peek (16 bytes). */
struct vtloop_cqe {
    uint64_t user_data;  /* the user_data given to the prep function */
    int32_t res;         /* the operation's result: >= 0, or -errno */
    uint32_t flags;      /* IORING_CQE_F_* (IORING_CQE_F_MORE: a multishot request stays armed) */
};

/* The user_data reserved for the ring's own wake-up read; prep functions reject it. */
#define VTLOOP_URING_WAKE_DATA UINT64_MAX

/*
 * Sets up and tears down a small ring with the flags vtloop_uring_create would use and checks
 * the features the backend needs (IORING_FEAT_NODROP, FAST_POLL, EXT_ARG and RSRC_TAGS, the
 * latter standing for Linux >= 5.13, which has multishot poll). Returns 0, or -errno:
 * -ENOSYS (no io_uring), -EPERM (kernel.io_uring_disabled=2, or a seccomp filter), -EACCES
 * or -EPERM (io_uring_disabled=1 and not in kernel.io_uring_group), -EOPNOTSUPP (too old).
 */
VTLOOP_API int vtloop_uring_probe(void);

/*
 * Creates a ring with sq_entries submission slots (rounded up to a power of two by the
 * kernel) and cq_entries completion slots (0: twice sq_entries), plus a wake-up eventfd.
 * Tries IORING_SETUP_SINGLE_ISSUER|DEFER_TASKRUN, then COOP_TASKRUN, then no task-run flag.
 * Returns the handle or -errno.
 */
VTLOOP_API int64_t vtloop_uring_create(uint32_t sq_entries, uint32_t cq_entries);

/*
 * As vtloop_uring_create; shared != 0 makes a ring that any thread may drive, one call at a
 * time (the caller serializes): no SINGLE_ISSUER or DEFER_TASKRUN; COOP_TASKRUN|TASKRUN_FLAG
 * where the kernel has them (5.19) and no CPU is nohz_full, else neither. Each completion is
 * posted by the thread that submitted the request, wherever it is: at its next return to user
 * mode (the scheduler tick at the latest), or at once if it sleeps. The ring's owner_tid is only
 * the first thread to enter (the one close drains on).
 */
VTLOOP_API int64_t vtloop_uring_create2(uint32_t sq_entries, uint32_t cq_entries, int shared);

/* The IORING_SETUP_* flags the kernel accepted for this ring. */
VTLOOP_API int vtloop_uring_setup_flags(int64_t handle);

/* The IORING_FEAT_* bits the kernel reported for this ring. */
VTLOOP_API int vtloop_uring_features(int64_t handle);

/* The sizes the kernel chose: submission slots in the low 32 bits, completion slots above. */
VTLOOP_API int64_t vtloop_uring_sizes(int64_t handle);

/*
 * Prep functions: each writes one SQE into the submission queue (memory only; a full queue is
 * first submitted with one io_uring_enter). Nothing reaches the kernel before the next
 * submit or wait. All reject user_data == VTLOOP_URING_WAKE_DATA with -EINVAL.
 */

/* POLL_ADD for poll_mask (EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLPRI...); multishot != 0 keeps it
   armed (IORING_POLL_ADD_MULTI, edge-triggered: one CQE per readiness change, res = mask). */
VTLOOP_API int vtloop_uring_prep_poll_add(int64_t handle, int fd, uint32_t poll_mask, int multishot,
                                          uint64_t user_data);

/* POLL_REMOVE of the poll request submitted with target. Its own CQE: 0 or -ENOENT. */
VTLOOP_API int vtloop_uring_prep_poll_remove(int64_t handle, uint64_t target, uint64_t user_data);

/* RECV of at most len bytes into addr (msg_flags as for recv(2)); res = bytes, 0 at EOF, -errno. */
VTLOOP_API int vtloop_uring_prep_recv(int64_t handle, int fd, uint64_t addr, uint32_t len, int msg_flags,
                                      uint64_t user_data);

/* READ into addr at offset (-1: the file position, as read(2)). */
VTLOOP_API int vtloop_uring_prep_read(int64_t handle, int fd, uint64_t addr, uint32_t len, int64_t offset,
                                      uint64_t user_data);

/* SEND of len bytes from addr (msg_flags as for send(2)). */
VTLOOP_API int vtloop_uring_prep_send(int64_t handle, int fd, uint64_t addr, uint32_t len, int msg_flags,
                                      uint64_t user_data);

/* WRITE from addr at offset (-1: the file position, as write(2)). */
VTLOOP_API int vtloop_uring_prep_write(int64_t handle, int fd, uint64_t addr, uint32_t len, int64_t offset,
                                       uint64_t user_data);

/* ASYNC_CANCEL of the request submitted with target. Its own CQE: 0 (cancelled; the target
   then completes with -ECANCELED), -ENOENT (not found, e.g. completed) or -EALREADY (running;
   the target completes on its own). The target's CQE always follows: wait for it. */
VTLOOP_API int vtloop_uring_prep_cancel(int64_t handle, uint64_t target, uint64_t user_data);

/* ASYNC_CANCEL of every request on fd (IORING_ASYNC_CANCEL_FD|ALL, Linux >= 5.19); its own CQE
   res is the number cancelled, or -errno (-ENOENT if none). */
VTLOOP_API int vtloop_uring_prep_cancel_fd(int64_t handle, int fd, uint64_t user_data);

/* Submits the pending SQEs without waiting (one io_uring_enter, none if nothing is pending).
   Returns the number submitted. */
VTLOOP_API int vtloop_uring_submit(int64_t handle);

/*
 * Submits the pending SQEs, waits for a completion and copies at most capacity of them to out.
 * timeout_nanos: -1 waits indefinitely, 0 does not wait, > 0 waits at most that long
 * (IORING_ENTER_EXT_ARG). One io_uring_enter at most; none when timeout_nanos == 0 and there
 * is nothing to submit and no deferred task work, or when completions are ready and nothing
 * is to be submitted. The wake-up read's completion is consumed, never copied. Returns the
 * number copied (0 on timeout, wake-up or EINTR) or -errno (-EEXIST: not the owner thread).
 */
VTLOOP_API int vtloop_uring_wait(int64_t handle, struct vtloop_cqe *out, int capacity, int64_t timeout_nanos);

/*
 * vtloop_uring_wait with timeout 0 for a thread other than the one that sleeps on this ring
 * (vtloop's monitor, holding the ring while its carrier runs a long task). A wake-up read it
 * reaps was meant for that thread: the eventfd is written again, so the owner's next enter
 * (which re-arms the read first) returns at once. Returns the number of completions or -errno.
 */
VTLOOP_API int vtloop_uring_wait_other(int64_t handle, struct vtloop_cqe *out, int capacity);

/* Copies at most capacity ready completions to out without a system call. */
VTLOOP_API int vtloop_uring_peek(int64_t handle, struct vtloop_cqe *out, int capacity);

/* The caller's requests not yet finished: SQEs prepared minus final CQEs (no IORING_CQE_F_MORE)
   copied out. */
VTLOOP_API int64_t vtloop_uring_in_flight(int64_t handle);

/* Makes a blocked or the next wait return; coalesced, at most one eventfd write per sleep. */
VTLOOP_API int vtloop_uring_wakeup(int64_t handle);

/* Writes the eventfd unconditionally, ignoring coalescing (used when closing). */
VTLOOP_API int vtloop_uring_kick(int64_t handle);

/* Unmaps the rings and closes the ring fd and the eventfd. On the owner thread it first cancels
   everything in flight and reaps the cancellations (at most about a second), so the kernel
   holds no caller buffer afterwards; on another thread the kernel cancels asynchronously,
   and the owner's next blocking system call may see one EINTR when it does. */
VTLOOP_API int vtloop_uring_close(int64_t handle);

/*
 * Test hook: installs a seccomp filter on the calling thread only (with PR_SET_NO_NEW_PRIVS,
 * for that thread only) that fails io_uring_setup with -err, as a container's seccomp profile
 * does. It cannot be removed: call it on a thread that ends afterwards.
 */
VTLOOP_API int vtloop_uring_test_deny_setup(int err);

#endif
