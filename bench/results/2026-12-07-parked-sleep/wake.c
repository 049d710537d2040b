/*
 * What a wake-up from sleep costs with each way a carrier can sleep: a thread W sleeps, the main
 * thread M wakes it and waits until W has woken M back (both with a futex); the round trip is
 * two wake-ups and, on one core, two context switches.
 *   mode 0: W sleeps on a futex and M wakes it with FUTEX_WAKE (LockSupport.park/unpark, the
 *           JDK's pool workers, vtloop's parked sleep)
 *   mode 1: W sleeps in epoll_wait on an eventfd (level-triggered) and reads it on return; M
 *           writes the eventfd (vtloop's poller sleep)
 *   mode 2: as 1, the eventfd edge-triggered and never read
 * Build and run: gcc -O2 -o wake wake.c -lpthread && taskset -c 0 ./wake MODE ROUNDTRIPS
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static atomic_int wake_w, wake_m;
static int efd, ep, mode, n;

static void fwait(atomic_int *w) {
    while (atomic_exchange(w, 0) == 0) syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
}

static void fwake(atomic_int *w) {
    atomic_store(w, 1);
    syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *sleeper(void *arg) {
    (void) arg;
    struct epoll_event ev;
    uint64_t v;
    for (int i = 0; i < n; i++) {
        if (mode == 0) {
            fwait(&wake_w);
        } else {
            epoll_wait(ep, &ev, 1, -1);
            if (mode == 1 && read(efd, &v, sizeof v) != sizeof v) abort();
        }
        fwake(&wake_m);
    }
    return NULL;
}

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s MODE(0|1|2) ROUNDTRIPS\n", argv[0]); return 2; }
    mode = atoi(argv[1]);
    n = atoi(argv[2]);
    efd = eventfd(0, EFD_NONBLOCK);
    ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN | (mode == 2 ? EPOLLET : 0) };
    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
    pthread_t t;
    pthread_create(&t, NULL, sleeper, NULL);
    usleep(1000);
    uint64_t one = 1;
    double start = now_ns();
    for (int i = 0; i < n; i++) {
        if (mode == 0) fwake(&wake_w);
        else if (write(efd, &one, sizeof one) != sizeof one) abort();
        fwait(&wake_m);
    }
    double end = now_ns();
    pthread_join(t, NULL);
    printf("mode %d: %.0f ns per round trip\n", mode, (end - start) / n);
    return 0;
}
