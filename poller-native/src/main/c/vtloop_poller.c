/*
 * epoll backend of the vtloop readiness poller. See vtloop_poller.h for the contract.
 */
#include "vtloop_poller.h"

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

_Static_assert(sizeof(struct vtloop_event) == 16, "vtloop_event must be 16 bytes");
_Static_assert(sizeof(struct epoll_event) <= sizeof(struct vtloop_event),
               "epoll events are converted in place");

struct vtloop_poller {
    int epfd;
    int wakefd;
    atomic_int wake_pending;  /* 1 from the wakeup that wrote wakefd until a wait drains it */
};

/* Cleared once epoll_pwait2 reports ENOSYS (kernels before 5.11) or by the test hook. */
static atomic_int vtloop_pwait2_enabled = 1;

static inline struct vtloop_poller *vtloop_poller_of(int64_t handle) {
    return (struct vtloop_poller *) (intptr_t) handle;
}

int64_t vtloop_poller_create(void) {
    struct vtloop_poller *p = malloc(sizeof(*p));
    if (p == NULL) {
        return -ENOMEM;
    }
    int err;
    p->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (p->epfd < 0) {
        err = errno;
        goto fail_epoll;
    }
    p->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (p->wakefd < 0) {
        err = errno;
        goto fail_eventfd;
    }
    /* Level-triggered: stays reported until a wait drains it. */
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = VTLOOP_WAKE_TOKEN };
    if (epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->wakefd, &ev) < 0) {
        err = errno;
        goto fail_ctl;
    }
    atomic_init(&p->wake_pending, 0);
    return (int64_t) (intptr_t) p;

fail_ctl:
    close(p->wakefd);
fail_eventfd:
    close(p->epfd);
fail_epoll:
    free(p);
    return -err;
}

int vtloop_poller_register(int64_t handle, int fd, uint64_t token) {
    if (token == VTLOOP_WAKE_TOKEN) {
        return -EINVAL;
    }
    struct epoll_event ev = { .events = EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.u64 = token };
    return epoll_ctl(vtloop_poller_of(handle)->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

int vtloop_poller_deregister(int64_t handle, int fd) {
    return epoll_ctl(vtloop_poller_of(handle)->epfd, EPOLL_CTL_DEL, fd, NULL) < 0 ? -errno : 0;
}

static int vtloop_poller_epoll(struct vtloop_poller *p, struct epoll_event *evs, int capacity,
                               int64_t timeout_nanos) {
    if (timeout_nanos == 0 || timeout_nanos == -1) {
        return epoll_wait(p->epfd, evs, capacity, (int) timeout_nanos);
    }
    if (atomic_load_explicit(&vtloop_pwait2_enabled, memory_order_relaxed)) {
        struct timespec ts = { .tv_sec = timeout_nanos / 1000000000, .tv_nsec = timeout_nanos % 1000000000 };
        int n = epoll_pwait2(p->epfd, evs, capacity, &ts, NULL);
        if (n >= 0 || errno != ENOSYS) {
            return n;
        }
        atomic_store_explicit(&vtloop_pwait2_enabled, 0, memory_order_relaxed);
    }
    /* Round up so that a small positive timeout never becomes a busy 0. */
    int64_t millis = timeout_nanos / 1000000 + (timeout_nanos % 1000000 != 0);
    return epoll_wait(p->epfd, evs, capacity, millis > INT_MAX ? INT_MAX : (int) millis);
}

/* Waits and widens the events; drain_wake: this is the thread that sleeps in the poller. */
static int vtloop_poller_collect(struct vtloop_poller *p, struct vtloop_event *out, int capacity,
                                 int64_t timeout_nanos, int drain_wake) {
    /* epoll writes its 12-byte records into the front of out; they are widened in place below. */
    int n = vtloop_poller_epoll(p, (struct epoll_event *) out, capacity, timeout_nanos);
    if (n < 0) {
        return errno == EINTR ? 0 : -errno;
    }
    int wake = -1;
    for (int i = n - 1; i >= 0; i--) {
        /* Record i ends at or below slot i's end and above records 0..i-1: copy it out first
           (memcpy, as the two layouts alias). */
        struct epoll_event ev;
        memcpy(&ev, (char *) out + (size_t) i * sizeof(ev), sizeof(ev));
        struct vtloop_event e = { .token = ev.data.u64, .events = ev.events, .pad = 0 };
        memcpy(&out[i], &e, sizeof(e));
        if (e.token == VTLOOP_WAKE_TOKEN) {
            wake = i;
        }
    }
    if (wake >= 0) {
        if (drain_wake) {
            uint64_t count;
            /* Drain before clearing: a wakeup seeing the flag still set is served by this return. */
            while (read(p->wakefd, &count, sizeof(count)) < 0 && errno == EINTR) {
            }
            atomic_exchange(&p->wake_pending, 0);
        }
        /* else the eventfd stays readable (level-triggered) for the thread that sleeps here */
        out[wake] = out[--n];
    }
    return n;
}

int vtloop_poller_wait(int64_t handle, struct vtloop_event *out, int capacity, int64_t timeout_nanos) {
    if (capacity <= 0 || timeout_nanos < -1) {
        return -EINVAL;
    }
    return vtloop_poller_collect(vtloop_poller_of(handle), out, capacity, timeout_nanos, 1);
}

int vtloop_poller_wait_other(int64_t handle, struct vtloop_event *out, int capacity) {
    if (capacity <= 0) {
        return -EINVAL;
    }
    return vtloop_poller_collect(vtloop_poller_of(handle), out, capacity, 0, 0);
}

static int vtloop_poller_signal(struct vtloop_poller *p) {
    uint64_t one = 1;
    for (;;) {
        if (write(p->wakefd, &one, sizeof(one)) >= 0) {
            return 0;
        }
        if (errno == EAGAIN) {
            return 0;  /* counter saturated: the eventfd is readable anyway */
        }
        if (errno != EINTR) {
            return -errno;
        }
    }
}

int vtloop_poller_wakeup(int64_t handle) {
    struct vtloop_poller *p = vtloop_poller_of(handle);
    /*
     * The fence orders the caller's earlier (possibly plain) writes before reading the flag;
     * the waiting side clears it with a full-barrier exchange before its caller looks at
     * shared state (Dekker). Seen set, the eventfd still holds a value, or a wait is between
     * draining and clearing and its caller will see those writes. Reading before the
     * exchange keeps a storm of wakeups from bouncing the cache line.
     */
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&p->wake_pending, memory_order_relaxed) != 0
            || atomic_exchange(&p->wake_pending, 1) != 0) {
        return 0;
    }
    return vtloop_poller_signal(p);
}

int vtloop_poller_kick(int64_t handle) {
    return vtloop_poller_signal(vtloop_poller_of(handle));
}

int vtloop_poller_close(int64_t handle) {
    struct vtloop_poller *p = vtloop_poller_of(handle);
    int err = 0;
    if (close(p->wakefd) < 0) {
        err = -errno;
    }
    if (close(p->epfd) < 0 && err == 0) {
        err = -errno;
    }
    free(p);
    return err;
}

int vtloop_errno_name(int errnum, char *buf, int len) {
    if (buf == NULL || len <= 0) {
        return -EINVAL;
    }
    const char *name = strerrorname_np(errnum);
    int n = name != NULL ? snprintf(buf, (size_t) len, "%s", name)
                         : snprintf(buf, (size_t) len, "errno %d", errnum);
    return n < 0 ? -EINVAL : n;
}

int vtloop_errno_message(int errnum, char *buf, int len) {
    if (buf == NULL || len <= 0) {
        return -EINVAL;
    }
    const char *msg = strerror_r(errnum, buf, (size_t) len);  /* GNU: may return a static string */
    int n = snprintf(buf, (size_t) len, "%s", msg);
    return n < 0 ? -EINVAL : n;
}

void vtloop_poller_use_pwait2(int enabled) {
    atomic_store_explicit(&vtloop_pwait2_enabled, enabled != 0, memory_order_relaxed);
}
