#include "vtloop_timer.h"

#include <errno.h>
#include <sys/timerfd.h>
#include <unistd.h>

int vtloop_timer_create(void) {
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int vtloop_timer_arm(int fd, int64_t delay_nanos) {
    if (delay_nanos < 1) {
        return -EINVAL;  /* 0 would disarm */
    }
    struct itimerspec its = {
        .it_interval = { 0, 0 },
        .it_value = { .tv_sec = delay_nanos / 1000000000, .tv_nsec = delay_nanos % 1000000000 },
    };
    return timerfd_settime(fd, 0, &its, NULL) < 0 ? -errno : 0;
}

int64_t vtloop_timer_wait(int fd) {
    uint64_t expirations;
    ssize_t n = read(fd, &expirations, sizeof(expirations));
    if (n < 0) {
        return errno == EINTR ? 0 : -errno;
    }
    return n == sizeof(expirations) ? (int64_t) expirations : -EIO;
}

int vtloop_timer_close(int fd) {
    return close(fd) < 0 ? -errno : 0;
}
