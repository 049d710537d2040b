/*
 * burn: the busy neighbour of the harness's shared-core workload. Spins in user mode until
 * killed, or for at most SECONDS (a bound, so it cannot outlive a harness that died).
 *
 *   burn SECONDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    char *end;
    double limit = argc == 2 ? strtod(argv[1], &end) : -1;
    if (argc != 2 || *end || limit <= 0 || limit > 3600) {
        fprintf(stderr, "usage: burn SECONDS (0 < SECONDS <= 3600)\n");
        return 2;
    }
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    volatile unsigned long x = 0;
    for (;;) {
        for (int i = 0; i < 1000000; i++) x += (unsigned long)i;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 >= limit) return 0;
    }
}
