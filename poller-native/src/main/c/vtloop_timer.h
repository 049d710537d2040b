/*
 * vtloop wake timer: a one-shot CLOCK_MONOTONIC timerfd that one thread blocks on and any
 * thread arms. Arming costs one timerfd_settime and wakes nobody now, unlike a futex or
 * eventfd wake-up of a thread that sleeps on another (possibly idle, virtual) CPU.
 *
 * Every function returns a non-negative value on success and -errno on failure.
 */
#ifndef VTLOOP_TIMER_H
#define VTLOOP_TIMER_H

#include <stdint.h>

#include "vtloop_poller.h"

/* Creates a disarmed timer (blocking reads, close-on-exec). Returns its fd or -errno. */
VTLOOP_API int vtloop_timer_create(void);

/* Arms the timer to expire once, delay_nanos (>= 1) from now, replacing any earlier expiry. */
VTLOOP_API int vtloop_timer_arm(int fd, int64_t delay_nanos);

/* Blocks until the timer expires. Returns the expirations read (>= 1), 0 on EINTR, or -errno. */
VTLOOP_API int64_t vtloop_timer_wait(int fd);

/* Closes the timer's fd. */
VTLOOP_API int vtloop_timer_close(int fd);

#endif
