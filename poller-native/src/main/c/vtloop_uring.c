/*
 * io_uring backend of the vtloop poller. See vtloop_uring.h for the contract.
 *
 * Raw system calls and <linux/io_uring.h> instead of liburing: the rings are mapped and
 * driven here in this one file, so the one bundled .so needs nothing beyond libc and the
 * build nothing beyond gcc's kernel headers.
 */
#include "vtloop_uring.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/seccomp.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

_Static_assert(sizeof(struct vtloop_cqe) == 16, "vtloop_cqe must be 16 bytes");

/* Tried in order; the first the kernel accepts wins. R_DISABLED makes the first thread to
   submit (not the creating one) the single issuer. */
static const uint32_t vtloop_uring_flag_choices[] = {
    IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG
        | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_R_DISABLED,                               /* 6.1 */
    IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SUBMIT_ALL
        | IORING_SETUP_R_DISABLED,
    IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_SUBMIT_ALL,      /* 5.19 */
    IORING_SETUP_SUBMIT_ALL,                                                              /* 5.18 */
    0,
};

/* For a ring any thread may drive (one at a time): no SINGLE_ISSUER, so no DEFER_TASKRUN (its
   completion work runs only inside the issuer's own io_uring_enter). COOP_TASKRUN: the
   completion work queued to the submitter runs on its next return to user mode, from a system
   call or an interrupt (the scheduler tick at the latest, for a thread computing in user
   space), and at once if it sleeps interruptibly (it is woken); without it the kernel sends the
   running submitter an inter-processor interrupt for each completion. TASKRUN_FLAG tells a peek
   that work is pending. */
static const uint32_t vtloop_uring_shared_flag_choices[] = {
    IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_SUBMIT_ALL,      /* 5.19 */
    IORING_SETUP_SUBMIT_ALL,                                                              /* 5.18 */
    0,
};

/* Whether some CPU runs without the scheduler tick (nohz_full=): a thread computing there never
   returns to user mode from an interrupt, so COOP_TASKRUN would hold its completions back until
   its next system call. The file lists those CPUs, says "(null)", or is absent (no NO_HZ_FULL). */
static int vtloop_uring_tick_may_stop(void) {
    int fd = open("/sys/devices/system/cpu/nohz_full", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    char buf[16];
    ssize_t n = read(fd, buf, sizeof(buf));
    close(fd);
    return n > 0 && buf[0] >= '0' && buf[0] <= '9';
}

/* SINGLE_MMAP 5.4, NODROP 5.5, FAST_POLL 5.7, EXT_ARG 5.11, RSRC_TAGS 5.13 (= multishot poll). */
#define VTLOOP_URING_NEEDED_FEATURES (IORING_FEAT_SINGLE_MMAP | IORING_FEAT_NODROP \
        | IORING_FEAT_FAST_POLL | IORING_FEAT_EXT_ARG | IORING_FEAT_RSRC_TAGS)

struct vtloop_uring {
    int ring_fd;
    int wakefd;            /* blocking eventfd: its ring read waits in the kernel, no EAGAIN */
    uint32_t setup_flags;
    uint32_t features;
    int enabled;           /* 0 until the owner's first io_uring_enter enabled an R_DISABLED ring */
    pid_t owner_tid;       /* the thread of the first io_uring_enter, 0 before */
    int wake_armed;        /* 1 while the read of wakefd is prepared or in flight */
    int64_t in_flight;     /* the caller's requests without their final CQE */

    unsigned *sq_khead, *sq_ktail, *sq_kflags;
    unsigned sq_mask, sq_entries;
    unsigned sq_tail;      /* local tail, published before each io_uring_enter */
    struct io_uring_sqe *sqes;

    unsigned *cq_khead, *cq_ktail;
    unsigned cq_mask, cq_entries;
    struct io_uring_cqe *cqes;

    void *ring_ptr;
    size_t ring_size;
    size_t sqes_size;

    uint64_t wake_value;   /* target of the wake-up read */
    atomic_int wake_pending;  /* 1 from the wakeup that wrote wakefd until its read completed */
    unsigned wakes_reaped;    /* wake-up reads reaped, by whoever holds the ring */
};

static inline struct vtloop_uring *vtloop_uring_of(int64_t handle) {
    return (struct vtloop_uring *) (intptr_t) handle;
}

static int vtloop_uring_sys_setup(uint32_t entries, struct io_uring_params *p) {
    long rc = syscall(__NR_io_uring_setup, entries, p);
    return rc < 0 ? -errno : (int) rc;
}

static int vtloop_uring_sys_enter(struct vtloop_uring *r, unsigned to_submit, unsigned min_complete,
                                  unsigned flags, void *arg, size_t arg_size) {
    if (!r->enabled) {
        if (syscall(__NR_io_uring_register, r->ring_fd, IORING_REGISTER_ENABLE_RINGS, NULL, 0) < 0) {
            return -errno;
        }
        r->enabled = 1;
    }
    if (r->owner_tid == 0) {
        r->owner_tid = gettid();
    }
    long rc = syscall(__NR_io_uring_enter, r->ring_fd, to_submit, min_complete, flags, arg, arg_size);
    return rc < 0 ? -errno : (int) rc;
}

/* SQEs written but not yet consumed by the kernel; publishes the local tail. */
static unsigned vtloop_uring_publish(struct vtloop_uring *r) {
    __atomic_store_n(r->sq_ktail, r->sq_tail, __ATOMIC_RELEASE);
    return r->sq_tail - __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE);
}

static int vtloop_uring_flush(struct vtloop_uring *r) {
    unsigned pending = vtloop_uring_publish(r);
    return pending == 0 ? 0 : vtloop_uring_sys_enter(r, pending, 0, 0, NULL, 0);
}

/* The next free SQE, zeroed, or NULL with *err set; submits a full queue first. */
static struct io_uring_sqe *vtloop_uring_get_sqe(struct vtloop_uring *r, int *err) {
    if (r->sq_tail - __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE) >= r->sq_entries) {
        int rc = vtloop_uring_flush(r);
        if (rc < 0) {
            *err = rc;
            return NULL;
        }
        if (r->sq_tail - __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE) >= r->sq_entries) {
            *err = -EBUSY;
            return NULL;
        }
    }
    struct io_uring_sqe *sqe = &r->sqes[r->sq_tail & r->sq_mask];
    memset(sqe, 0, sizeof(*sqe));
    r->sq_tail++;
    return sqe;
}

static int vtloop_uring_arm_wake(struct vtloop_uring *r) {
    int err = 0;
    struct io_uring_sqe *sqe = vtloop_uring_get_sqe(r, &err);
    if (sqe == NULL) {
        return err;
    }
    sqe->opcode = IORING_OP_READ;
    sqe->fd = r->wakefd;
    sqe->addr = (uint64_t) (uintptr_t) &r->wake_value;
    sqe->len = sizeof(r->wake_value);
    sqe->off = (uint64_t) -1;
    sqe->user_data = VTLOOP_URING_WAKE_DATA;
    r->wake_armed = 1;
    return 0;
}

static void vtloop_uring_unmap(struct vtloop_uring *r) {
    if (r->sqes != NULL) {
        munmap(r->sqes, r->sqes_size);
    }
    if (r->ring_ptr != NULL) {
        munmap(r->ring_ptr, r->ring_size);
    }
}

static int vtloop_uring_map(struct vtloop_uring *r, const struct io_uring_params *p) {
    size_t sq_size = p->sq_off.array + p->sq_entries * sizeof(unsigned);
    size_t cq_size = p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe);
    r->ring_size = sq_size > cq_size ? sq_size : cq_size;  /* one mapping (IORING_FEAT_SINGLE_MMAP) */
    void *ring = mmap(NULL, r->ring_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                      r->ring_fd, IORING_OFF_SQ_RING);
    if (ring == MAP_FAILED) {
        return -errno;
    }
    r->ring_ptr = ring;
    r->sqes_size = p->sq_entries * sizeof(struct io_uring_sqe);
    void *sqes = mmap(NULL, r->sqes_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                      r->ring_fd, IORING_OFF_SQES);
    if (sqes == MAP_FAILED) {
        return -errno;
    }
    r->sqes = sqes;
    char *base = ring;
    r->sq_khead = (unsigned *) (base + p->sq_off.head);
    r->sq_ktail = (unsigned *) (base + p->sq_off.tail);
    r->sq_kflags = (unsigned *) (base + p->sq_off.flags);
    r->sq_mask = *(unsigned *) (base + p->sq_off.ring_mask);
    r->sq_entries = *(unsigned *) (base + p->sq_off.ring_entries);
    r->sq_tail = *r->sq_ktail;
    unsigned *array = (unsigned *) (base + p->sq_off.array);
    for (unsigned i = 0; i < r->sq_entries; i++) {
        array[i] = i;  /* slot i of the array always names SQE i */
    }
    r->cq_khead = (unsigned *) (base + p->cq_off.head);
    r->cq_ktail = (unsigned *) (base + p->cq_off.tail);
    r->cq_mask = *(unsigned *) (base + p->cq_off.ring_mask);
    r->cq_entries = *(unsigned *) (base + p->cq_off.ring_entries);
    r->cqes = (struct io_uring_cqe *) (base + p->cq_off.cqes);
    return 0;
}

int64_t vtloop_uring_create(uint32_t sq_entries, uint32_t cq_entries) {
    return vtloop_uring_create2(sq_entries, cq_entries, 0);
}

int64_t vtloop_uring_create2(uint32_t sq_entries, uint32_t cq_entries, int shared) {
    const uint32_t *choices = shared ? vtloop_uring_shared_flag_choices : vtloop_uring_flag_choices;
    size_t n_choices = shared ? sizeof(vtloop_uring_shared_flag_choices) / sizeof(uint32_t)
                              : sizeof(vtloop_uring_flag_choices) / sizeof(uint32_t);
    if (shared && vtloop_uring_tick_may_stop()) {
        choices++;  /* not COOP_TASKRUN: the kernel interrupts the submitter for each completion */
        n_choices--;
    }
    if (sq_entries == 0) {
        return -EINVAL;
    }
    struct vtloop_uring *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        return -ENOMEM;
    }
    struct io_uring_params p;
    int fd = -EINVAL;
    for (size_t i = 0; i < n_choices; i++) {
        memset(&p, 0, sizeof(p));
        p.flags = choices[i];
        if (cq_entries != 0) {
            p.flags |= IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
            p.cq_entries = cq_entries;
        }
        fd = vtloop_uring_sys_setup(sq_entries, &p);
        if (fd != -EINVAL) {
            break;  /* accepted, or refused for a reason other flags will not change */
        }
    }
    if (fd < 0) {
        free(r);
        return fd;
    }
    r->ring_fd = fd;
    r->wakefd = -1;
    r->setup_flags = p.flags;
    r->features = p.features;
    r->enabled = (p.flags & IORING_SETUP_R_DISABLED) == 0;
    atomic_init(&r->wake_pending, 0);
    int err;
    if ((p.features & VTLOOP_URING_NEEDED_FEATURES) != VTLOOP_URING_NEEDED_FEATURES) {
        err = -EOPNOTSUPP;
        goto fail;
    }
    err = vtloop_uring_map(r, &p);
    if (err < 0) {
        goto fail;
    }
    r->wakefd = eventfd(0, EFD_CLOEXEC);
    if (r->wakefd < 0) {
        err = -errno;
        goto fail;
    }
    err = vtloop_uring_arm_wake(r);  /* memory only; submitted with the owner's first enter */
    if (err < 0) {
        goto fail;
    }
    return (int64_t) (intptr_t) r;

fail:
    vtloop_uring_unmap(r);
    if (r->wakefd >= 0) {
        close(r->wakefd);
    }
    close(r->ring_fd);
    free(r);
    return err;
}

int vtloop_uring_probe(void) {
    int64_t h = vtloop_uring_create(2, 0);
    if (h < 0) {
        return (int) h;
    }
    return vtloop_uring_close(h);
}

int vtloop_uring_setup_flags(int64_t handle) {
    return (int) vtloop_uring_of(handle)->setup_flags;
}

int vtloop_uring_features(int64_t handle) {
    return (int) vtloop_uring_of(handle)->features;
}

int64_t vtloop_uring_sizes(int64_t handle) {
    struct vtloop_uring *r = vtloop_uring_of(handle);
    return (int64_t) r->sq_entries | (int64_t) r->cq_entries << 32;
}

/* A zeroed SQE for the caller's request with user_data, counted in flight. */
static struct io_uring_sqe *vtloop_uring_prep(struct vtloop_uring *r, uint8_t opcode, int fd,
                                              uint64_t user_data, int *err) {
    if (user_data == VTLOOP_URING_WAKE_DATA) {
        *err = -EINVAL;
        return NULL;
    }
    struct io_uring_sqe *sqe = vtloop_uring_get_sqe(r, err);
    if (sqe != NULL) {
        sqe->opcode = opcode;
        sqe->fd = fd;
        sqe->user_data = user_data;
        r->in_flight++;
    }
    return sqe;
}

int vtloop_uring_prep_poll_add(int64_t handle, int fd, uint32_t poll_mask, int multishot, uint64_t user_data) {
    int err = 0;
    struct io_uring_sqe *sqe = vtloop_uring_prep(vtloop_uring_of(handle), IORING_OP_POLL_ADD, fd, user_data, &err);
    if (sqe == NULL) {
        return err;
    }
    sqe->poll32_events = poll_mask;  /* x86-64 is little-endian: no word swap */
    sqe->len = multishot ? IORING_POLL_ADD_MULTI : 0;
    return 0;
}

/* An SQE addressing another request by its user_data (POLL_REMOVE, ASYNC_CANCEL). */
static int vtloop_uring_prep_target(int64_t handle, uint8_t opcode, uint64_t target, uint64_t user_data) {
    int err = 0;
    struct io_uring_sqe *sqe = vtloop_uring_prep(vtloop_uring_of(handle), opcode, -1, user_data, &err);
    if (sqe == NULL) {
        return err;
    }
    sqe->addr = target;
    return 0;
}

int vtloop_uring_prep_poll_remove(int64_t handle, uint64_t target, uint64_t user_data) {
    return vtloop_uring_prep_target(handle, IORING_OP_POLL_REMOVE, target, user_data);
}

int vtloop_uring_prep_cancel(int64_t handle, uint64_t target, uint64_t user_data) {
    return vtloop_uring_prep_target(handle, IORING_OP_ASYNC_CANCEL, target, user_data);
}

int vtloop_uring_prep_cancel_fd(int64_t handle, int fd, uint64_t user_data) {
    int err = 0;
    struct io_uring_sqe *sqe = vtloop_uring_prep(vtloop_uring_of(handle), IORING_OP_ASYNC_CANCEL, fd,
                                                 user_data, &err);
    if (sqe == NULL) {
        return err;
    }
    sqe->cancel_flags = IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL;
    return 0;
}

/* RECV/SEND (msg_flags) and READ/WRITE (offset) of len bytes at addr. */
static int vtloop_uring_prep_io(int64_t handle, uint8_t opcode, int fd, uint64_t addr, uint32_t len,
                                uint64_t off, uint32_t msg_flags, uint64_t user_data) {
    int err = 0;
    struct io_uring_sqe *sqe = vtloop_uring_prep(vtloop_uring_of(handle), opcode, fd, user_data, &err);
    if (sqe == NULL) {
        return err;
    }
    sqe->addr = addr;
    sqe->len = len;
    sqe->off = off;
    sqe->msg_flags = msg_flags;
    return 0;
}

int vtloop_uring_prep_recv(int64_t handle, int fd, uint64_t addr, uint32_t len, int msg_flags, uint64_t user_data) {
    return vtloop_uring_prep_io(handle, IORING_OP_RECV, fd, addr, len, 0, (uint32_t) msg_flags, user_data);
}

int vtloop_uring_prep_read(int64_t handle, int fd, uint64_t addr, uint32_t len, int64_t offset, uint64_t user_data) {
    return vtloop_uring_prep_io(handle, IORING_OP_READ, fd, addr, len, (uint64_t) offset, 0, user_data);
}

int vtloop_uring_prep_send(int64_t handle, int fd, uint64_t addr, uint32_t len, int msg_flags, uint64_t user_data) {
    return vtloop_uring_prep_io(handle, IORING_OP_SEND, fd, addr, len, 0, (uint32_t) msg_flags, user_data);
}

int vtloop_uring_prep_write(int64_t handle, int fd, uint64_t addr, uint32_t len, int64_t offset, uint64_t user_data) {
    return vtloop_uring_prep_io(handle, IORING_OP_WRITE, fd, addr, len, (uint64_t) offset, 0, user_data);
}

int vtloop_uring_submit(int64_t handle) {
    struct vtloop_uring *r = vtloop_uring_of(handle);
    if (!r->wake_armed) {
        int rc = vtloop_uring_arm_wake(r);
        if (rc < 0) {
            return rc;
        }
    }
    return vtloop_uring_flush(r);
}

static int vtloop_uring_signal(struct vtloop_uring *r);

/* The wake-up read completed: the eventfd is drained (the read reset its counter). */
static void vtloop_uring_woken(struct vtloop_uring *r) {
    r->wake_armed = 0;  /* re-armed before the next enter */
    r->wakes_reaped++;
    /* Full barrier after the drain, before the caller looks at shared state: a wakeup that
       still sees the flag set is served by this return (see vtloop_poller_wait). */
    atomic_exchange(&r->wake_pending, 0);
}

static int vtloop_uring_reap(struct vtloop_uring *r, struct vtloop_cqe *out, int capacity) {
    unsigned head = *r->cq_khead;  /* only this thread moves it */
    unsigned tail = __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE);
    int n = 0;
    for (; head != tail && n < capacity; head++) {
        const struct io_uring_cqe *cqe = &r->cqes[head & r->cq_mask];
        if (cqe->user_data == VTLOOP_URING_WAKE_DATA) {
            vtloop_uring_woken(r);
            continue;
        }
        out[n].user_data = cqe->user_data;
        out[n].res = cqe->res;
        out[n].flags = cqe->flags;
        if ((cqe->flags & IORING_CQE_F_MORE) == 0) {
            r->in_flight--;
        }
        n++;
    }
    __atomic_store_n(r->cq_khead, head, __ATOMIC_RELEASE);
    return n;
}

int vtloop_uring_peek(int64_t handle, struct vtloop_cqe *out, int capacity) {
    if (capacity <= 0) {
        return -EINVAL;
    }
    return vtloop_uring_reap(vtloop_uring_of(handle), out, capacity);
}

/* Whether completions may be waiting in the kernel that a peek cannot see. */
static int vtloop_uring_kernel_has_work(const struct vtloop_uring *r) {
    if ((r->setup_flags & (IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_COOP_TASKRUN)) != 0
            && (r->setup_flags & IORING_SETUP_TASKRUN_FLAG) == 0) {
        return 1;  /* deferred task work the ring does not flag */
    }
    return (__atomic_load_n(r->sq_kflags, __ATOMIC_ACQUIRE) & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW)) != 0;
}

int vtloop_uring_wait(int64_t handle, struct vtloop_cqe *out, int capacity, int64_t timeout_nanos) {
    if (capacity <= 0 || timeout_nanos < -1) {
        return -EINVAL;
    }
    struct vtloop_uring *r = vtloop_uring_of(handle);
    if (!r->wake_armed) {
        int rc = vtloop_uring_arm_wake(r);
        if (rc < 0) {
            return rc;
        }
    }
    unsigned to_submit = vtloop_uring_publish(r);
    int ready = __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE) != *r->cq_khead;
    if (to_submit == 0 && (ready || (timeout_nanos == 0 && !vtloop_uring_kernel_has_work(r)))) {
        return vtloop_uring_reap(r, out, capacity);  /* no system call */
    }
    unsigned min_complete = ready || timeout_nanos == 0 ? 0 : 1;
    int rc;
    if (min_complete != 0 && timeout_nanos > 0) {
        struct __kernel_timespec ts = { .tv_sec = timeout_nanos / 1000000000, .tv_nsec = timeout_nanos % 1000000000 };
        struct io_uring_getevents_arg arg = { .ts = (uint64_t) (uintptr_t) &ts };
        rc = vtloop_uring_sys_enter(r, to_submit, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG,
                                    &arg, sizeof(arg));
    } else {
        rc = vtloop_uring_sys_enter(r, to_submit, min_complete, IORING_ENTER_GETEVENTS, NULL, 0);
    }
    if (rc < 0 && rc != -ETIME && rc != -EINTR) {
        /* EBUSY (overflowed completions not flushed) or EAGAIN (no memory for requests): what
           is reaped now makes room; report the error only when there is nothing to reap. */
        int n = rc == -EBUSY || rc == -EAGAIN ? vtloop_uring_reap(r, out, capacity) : 0;
        return n > 0 ? n : rc;
    }
    return vtloop_uring_reap(r, out, capacity);
}

int vtloop_uring_wait_other(int64_t handle, struct vtloop_cqe *out, int capacity) {
    struct vtloop_uring *r = vtloop_uring_of(handle);
    unsigned before = r->wakes_reaped;
    int n = vtloop_uring_wait(handle, out, capacity, 0);
    if (r->wakes_reaped != before) {
        /* the wake-up was the owner's: write the eventfd again, so that the read the owner
           re-arms before its next enter completes at once */
        int rc = vtloop_uring_signal(r);
        if (rc < 0 && n >= 0) {
            return rc;
        }
    }
    return n;
}

int64_t vtloop_uring_in_flight(int64_t handle) {
    return vtloop_uring_of(handle)->in_flight;
}

static int vtloop_uring_signal(struct vtloop_uring *r) {
    uint64_t one = 1;
    for (;;) {
        if (write(r->wakefd, &one, sizeof(one)) >= 0) {
            return 0;
        }
        if (errno != EINTR) {
            return -errno;
        }
    }
}

int vtloop_uring_wakeup(int64_t handle) {
    struct vtloop_uring *r = vtloop_uring_of(handle);
    /* As vtloop_poller_wakeup: fence, read, and only the 0 -> 1 flipper writes the eventfd. */
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&r->wake_pending, memory_order_relaxed) != 0
            || atomic_exchange(&r->wake_pending, 1) != 0) {
        return 0;
    }
    return vtloop_uring_signal(r);
}

int vtloop_uring_kick(int64_t handle) {
    return vtloop_uring_signal(vtloop_uring_of(handle));
}

/*
 * On the owner thread: cancels every request (IORING_ASYNC_CANCEL_ANY|ALL, Linux 5.19) and
 * reaps until each has posted its final CQE, waiting at most about a second. Afterwards the
 * kernel holds no caller buffer, and tearing the ring down queues no task work to the owner
 * (which would interrupt its next blocking system call with EINTR).
 */
static void vtloop_uring_drain(struct vtloop_uring *r) {
    int err = 0;
    struct io_uring_sqe *sqe = vtloop_uring_get_sqe(r, &err);
    if (sqe == NULL) {
        return;
    }
    sqe->opcode = IORING_OP_ASYNC_CANCEL;
    sqe->fd = -1;
    sqe->cancel_flags = IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL;
    sqe->user_data = VTLOOP_URING_WAKE_DATA;
    /* Final CQEs still to come: the caller's requests, the wake-up read, this cancel. */
    int64_t pending = r->in_flight + r->wake_armed + 1;
    for (int round = 0; pending > 0 && round < 10; round++) {
        struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 100000000 };
        struct io_uring_getevents_arg arg = { .ts = (uint64_t) (uintptr_t) &ts };
        int rc = vtloop_uring_sys_enter(r, vtloop_uring_publish(r), 1,
                                        IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &arg, sizeof(arg));
        if (rc < 0 && rc != -ETIME && rc != -EINTR) {
            return;
        }
        unsigned head = *r->cq_khead;
        unsigned tail = __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE);
        for (; head != tail; head++) {
            const struct io_uring_cqe *cqe = &r->cqes[head & r->cq_mask];
            if (cqe->user_data == VTLOOP_URING_WAKE_DATA && cqe->res == -EINVAL) {
                pending = 0;  /* a kernel without CANCEL_ANY: leave it to the teardown */
            } else if ((cqe->flags & IORING_CQE_F_MORE) == 0) {
                pending--;
            }
        }
        __atomic_store_n(r->cq_khead, head, __ATOMIC_RELEASE);
    }
}

int vtloop_uring_close(int64_t handle) {
    struct vtloop_uring *r = vtloop_uring_of(handle);
    if (r->owner_tid != 0 && r->owner_tid == gettid()) {
        vtloop_uring_drain(r);
    }
    vtloop_uring_unmap(r);
    int err = 0;
    if (close(r->ring_fd) < 0) {
        err = -errno;
    }
    if (close(r->wakefd) < 0 && err == 0) {
        err = -errno;
    }
    free(r);
    return err;
}

int vtloop_uring_test_deny_setup(int err) {
    if (err <= 0 || err > (int) SECCOMP_RET_DATA) {
        return -EINVAL;
    }
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((uint32_t) err & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = { .len = sizeof(filter) / sizeof(filter[0]), .filter = filter };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        return -errno;
    }
    /* Without SECCOMP_FILTER_FLAG_TSYNC the filter binds this thread (and threads it creates) only. */
    if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
        return -errno;
    }
    return 0;
}
