/*
 * loadgen: a single-threaded epoll load generator for the vtloop harness (loopback only).
 *
 * Modes (--mode):
 *   closed  C connections, one request outstanding each, next sent when the previous
 *           completes: maximum throughput.
 *   rate    open loop: requests scheduled at a constant total rate R over C connections
 *           (pipelined per connection when the server lags); latency is measured from each
 *           request's *intended* send time, so a stalled server cannot hide its stall
 *           (no coordinated omission).
 *   churn   C concurrent slots, each: connect, one request, await the response, close.
 * Protocols (--proto): echo (S-byte payload echoed back) or http (GET keep-alive; churn
 * sends "Connection: close").
 *
 * Runs --warmup seconds, then measures --duration seconds, writing "MEASURE_START" and
 * "MEASURE_END" lines to stderr at the window's edges (the harness samples server CPU there),
 * and prints one JSON object on stdout: counts, rate, latency percentiles from a
 * log-bucketed histogram (~1.6% precision), errors, and this process's own CPU time.
 *
 * --verify 1 checks every byte that comes back: echo responses against the bytes sent (a
 * pseudo-random payload, so a shifted or reordered echo cannot pass), HTTP bodies against
 * --body (default "Hello, World!"); each mismatching read counts under errors.mismatch.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

enum mode { M_CLOSED, M_RATE, M_CHURN };
enum proto { P_ECHO, P_HTTP };

/* ---- histogram: exact below 128 ns, then 64 sub-buckets per power of two ---- */
#define H_SUB 64
#define H_BUCKETS (128 + 58 * H_SUB)
static uint64_t hist[H_BUCKETS];
static uint64_t hist_n, hist_max;
static double hist_sum;

static int hist_index(uint64_t v) {
    if (v < 128) return (int)v;
    int msb = 63 - __builtin_clzll(v);
    int shift = msb - 6;
    return 128 + (shift - 1) * H_SUB + (int)((v >> shift) - H_SUB);
}

static uint64_t hist_value(int idx) {
    if (idx < 128) return (uint64_t)idx;
    int shift = (idx - 128) / H_SUB + 1;
    uint64_t lo = (uint64_t)((idx - 128) % H_SUB + H_SUB) << shift;
    return lo + ((1ULL << shift) >> 1); /* bucket midpoint */
}

static void hist_record(uint64_t v) {
    hist[hist_index(v)]++;
    hist_n++;
    hist_sum += (double)v;
    if (v > hist_max) hist_max = v;
}

static double hist_pct_us(double p) {
    if (hist_n == 0) return 0;
    uint64_t want = (uint64_t)(p / 100.0 * (double)hist_n);
    if (want >= hist_n) want = hist_n - 1;
    uint64_t seen = 0;
    for (int i = 0; i < H_BUCKETS; i++) {
        seen += hist[i];
        if (seen > want) {
            uint64_t v = hist_value(i);
            return (double)(v > hist_max ? hist_max : v) / 1e3;
        }
    }
    return (double)hist_max / 1e3;
}

/* ---- configuration and counters ---- */
static enum mode mode = M_CLOSED;
static enum proto proto = P_ECHO;
static const char *host = "127.0.0.1";
static int port = -1, nconns = 10;
static long size = 1024;
static double duration = 5, warmup = 1, rate = 0;
static const char *path = "/plaintext";
static const char *expect_body = "Hello, World!";
static int verify;

static char *req;       /* one request's bytes */
static long reqlen;
static char rbuf[1 << 18];
static struct sockaddr_in addr;
static int ep;

static uint64_t completed, sent_in_window, bytes_in, started_ns, ms_ns, me_ns;
static uint64_t err_connect, err_io, err_eof, err_status, err_mismatch, lost;
static int measuring, draining, stopping;

/* ---- per connection ---- */
struct conn {
    int fd, connected;
    uint32_t gen;               /* bumped per socket: stale epoll events are ignored */
    long wpend, woff;           /* bytes still to write, offset into the cyclic request */
    long echo_rcvd;             /* echo: bytes of the current response received */
    uint64_t *stamps;           /* FIFO of outstanding requests' send (or intended) times */
    int shead, slen, scap;
    /* http response parser */
    int hstate, line_len, clen, status_ok;
    long body_left;
    char line[128];
};
static struct conn *conns;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void usage(const char *msg) {
    fprintf(stderr, "loadgen: %s\nusage: loadgen --port P [--host 127.0.0.1] [--mode closed|rate|churn]"
            " [--proto echo|http] [--conns C] [--size BYTES] [--duration S] [--warmup S]"
            " [--rate REQ_PER_S] [--path /plaintext] [--verify 0|1] [--body EXPECTED_HTTP_BODY]\n", msg);
    exit(2);
}

static void push_stamp(struct conn *c, uint64_t t) {
    if (c->slen == c->scap) {
        int ncap = c->scap ? c->scap * 2 : 4;
        uint64_t *n = malloc(sizeof(uint64_t) * (size_t)ncap);
        if (!n) die("malloc");
        for (int i = 0; i < c->slen; i++) n[i] = c->stamps[(c->shead + i) % c->scap];
        free(c->stamps);
        c->stamps = n; c->scap = ncap; c->shead = 0;
    }
    c->stamps[(c->shead + c->slen) % c->scap] = t;
    c->slen++;
}

static uint64_t pop_stamp(struct conn *c) {
    uint64_t t = c->stamps[c->shead];
    c->shead = (c->shead + 1) % c->scap;
    c->slen--;
    return t;
}

static int conn_open(struct conn *c) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0 && errno != EINPROGRESS) {
        close(fd);
        err_connect++;
        return -1;
    }
    int cap = c->scap;
    uint32_t gen = c->gen + 1;
    uint64_t *keep = c->stamps;
    memset(c, 0, sizeof *c);
    c->stamps = keep; c->scap = cap; c->gen = gen;
    c->fd = fd;
    struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
                              .data.u64 = ((uint64_t)gen << 32) | (uint64_t)(c - conns + 1) };
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
    return 0;
}

static void conn_close(struct conn *c) {
    if (c->fd > 0) close(c->fd); /* close also removes it from the epoll set */
    c->fd = -1;
    lost += (uint64_t)c->slen;
    c->slen = 0; c->shead = 0;
}

/* Writes as much of the pending request bytes as the socket takes. */
static int conn_flush(struct conn *c) {
    while (c->wpend > 0 && c->connected) {
        long chunk = reqlen - c->woff;
        if (chunk > c->wpend) chunk = c->wpend;
        ssize_t n = write(c->fd, req + c->woff, (size_t)chunk);
        if (n < 0) {
            if (errno == EAGAIN) return 0;
            err_io++;
            return -1;
        }
        c->wpend -= n;
        c->woff = (c->woff + n) % reqlen;
    }
    return 0;
}

static int conn_send(struct conn *c, uint64_t stamp) {
    push_stamp(c, stamp);
    c->wpend += reqlen;
    return conn_flush(c);
}

static void on_complete(struct conn *c) {
    uint64_t t = now_ns(); /* not the batch time: the request may have been sent after it */
    uint64_t stamp = pop_stamp(c);
    int counts = (mode == M_RATE) ? (stamp >= ms_ns && stamp < me_ns) : measuring;
    if (counts) {
        completed++;
        hist_record(t - stamp);
    }
}

/* --verify: the n echoed bytes at p must be the request's bytes from offset off (cyclic). */
static void echo_verify(const char *p, long n, long off) {
    while (n > 0) {
        long k = reqlen - off < n ? reqlen - off : n;
        if (memcmp(p, req + off, (size_t)k) != 0) { err_mismatch++; return; }
        p += k; n -= k; off = 0;
    }
}

/* http: consumes response bytes, returns the number of complete responses seen. */
static int http_consume(struct conn *c, const char *p, long n) {
    int done = 0;
    while (n > 0) {
        if (c->hstate == 1) { /* body */
            long k = n < c->body_left ? n : c->body_left;
            if (verify) {
                long at = c->clen - c->body_left, want = (long)strlen(expect_body);
                if (c->clen != want || memcmp(p, expect_body + at, (size_t)k) != 0) err_mismatch++;
            }
            c->body_left -= k; p += k; n -= k;
            if (c->body_left == 0) { c->hstate = 0; done++; }
            continue;
        }
        char ch = *p++; n--;
        if (ch != '\n') {
            if (c->line_len < (int)sizeof c->line - 1) c->line[c->line_len++] = ch;
            continue;
        }
        c->line[c->line_len] = 0;
        if (c->line_len > 0 && c->line[c->line_len - 1] == '\r') c->line[--c->line_len] = 0;
        if (c->hstate == 0) { /* status line */
            c->status_ok = strncmp(c->line, "HTTP/1.1 200", 12) == 0 || strncmp(c->line, "HTTP/1.0 200", 12) == 0;
            if (!c->status_ok) err_status++;
            c->clen = 0; c->hstate = 2;
        } else if (c->line_len == 0) { /* end of headers */
            c->body_left = c->clen;
            if (c->body_left == 0) {
                if (verify && *expect_body) err_mismatch++; /* an empty body where one was expected */
                c->hstate = 0; done++;
            } else c->hstate = 1;
        } else if (strncasecmp(c->line, "content-length:", 15) == 0) {
            c->clen = atoi(c->line + 15);
        }
        c->line_len = 0;
    }
    return done;
}

static void conn_restart(struct conn *c, uint64_t t);

static void on_readable(struct conn *c, uint64_t t) {
    for (;;) {
        ssize_t n = read(c->fd, rbuf, sizeof rbuf);
        if (n < 0) {
            if (errno == EAGAIN) return;
            err_io++;
            conn_restart(c, t);
            return;
        }
        if (n == 0) {
            if (!(mode == M_CHURN && c->slen == 0)) err_eof++;
            conn_restart(c, t);
            return;
        }
        if (measuring) bytes_in += (uint64_t)n;
        int done;
        if (proto == P_ECHO) {
            if (verify) echo_verify(rbuf, n, c->echo_rcvd % reqlen);
            c->echo_rcvd += n;
            done = (int)(c->echo_rcvd / size);
            c->echo_rcvd %= size;
        } else {
            done = http_consume(c, rbuf, n);
        }
        for (int i = 0; i < done; i++) {
            if (c->slen == 0) { err_status++; continue; } /* unsolicited bytes */
            on_complete(c);
            if (mode == M_CHURN) { conn_restart(c, t); return; }
            if (mode == M_CLOSED && !stopping && conn_send(c, now_ns()) < 0) { conn_restart(c, t); return; }
        }
        if (n < (ssize_t)sizeof rbuf) return; /* short read: drained, the next edge will come */
    }
}

/* Closes c and, unless the run is stopping, opens a fresh connection in its place. */
static void conn_restart(struct conn *c, uint64_t t) {
    (void)t;
    conn_close(c);
    if (stopping) return;
    if (conn_open(c) < 0) c->fd = -1; /* retried by the main loop */
}

static void on_writable(struct conn *c, uint64_t t) {
    if (!c->connected) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err == ECONNREFUSED) {
            fprintf(stderr, "loadgen: connection refused by %s:%d: the server is not listening\n", host, port);
            exit(3);
        }
        if (err) { err_connect++; conn_restart(c, t); return; }
        c->connected = 1;
        if (mode != M_RATE && c->slen == 0 && !stopping) { conn_send(c, now_ns()); return; }
    }
    if (conn_flush(c) < 0) conn_restart(c, t);
}

static void parse_args(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) usage("missing value after an option");
        const char *v = argv[++i];
        char *end;
        if (!strcmp(a, "--mode")) {
            if (!strcmp(v, "closed")) mode = M_CLOSED;
            else if (!strcmp(v, "rate")) mode = M_RATE;
            else if (!strcmp(v, "churn")) mode = M_CHURN;
            else usage("--mode must be closed, rate or churn");
        } else if (!strcmp(a, "--proto")) {
            if (!strcmp(v, "echo")) proto = P_ECHO;
            else if (!strcmp(v, "http")) proto = P_HTTP;
            else usage("--proto must be echo or http");
        } else if (!strcmp(a, "--host")) host = v;
        else if (!strcmp(a, "--path")) path = v;
        else if (!strcmp(a, "--body")) expect_body = v;
        else if (!strcmp(a, "--verify")) { if (strcmp(v, "0") && strcmp(v, "1")) usage("--verify must be 0 or 1"); verify = v[0] == '1'; }
        else if (!strcmp(a, "--port")) { port = (int)strtol(v, &end, 10); if (*end || port <= 0 || port > 65535) usage("bad --port"); }
        else if (!strcmp(a, "--conns")) { nconns = (int)strtol(v, &end, 10); if (*end || nconns <= 0 || nconns > 9000) usage("--conns must be 1..9000"); }
        else if (!strcmp(a, "--size")) { size = strtol(v, &end, 10); if (*end || size <= 0 || size > (64L << 20)) usage("--size must be 1..64MiB"); }
        else if (!strcmp(a, "--duration")) { duration = strtod(v, &end); if (*end || duration <= 0 || duration > 3600) usage("--duration must be in (0, 3600]"); }
        else if (!strcmp(a, "--warmup")) { warmup = strtod(v, &end); if (*end || warmup < 0 || warmup > 600) usage("--warmup must be in [0, 600]"); }
        else if (!strcmp(a, "--rate")) { rate = strtod(v, &end); if (*end || rate <= 0 || rate > 1e7) usage("--rate must be in (0, 1e7]"); }
        else usage("unknown option");
    }
    if (port < 0) usage("--port is required");
    if (mode == M_RATE && rate <= 0) usage("--mode rate needs --rate");
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) usage("--host must be an IPv4 address");
    if ((ntohl(addr.sin_addr.s_addr) >> 24) != 127) usage("--host must be a loopback address (127.x.x.x)");
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
}

static void build_request(void) {
    if (proto == P_ECHO) {
        reqlen = size;
        req = malloc((size_t)size);
        if (!req) die("malloc");
        uint64_t x = 0x9e3779b97f4a7c15ULL; /* xorshift64: no short period, so shifts show */
        for (long i = 0; i < size; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            req[i] = (char)(x >> 24);
        }
    } else {
        req = malloc(512);
        if (!req) die("malloc");
        reqlen = snprintf(req, 512, "GET %s HTTP/1.1\r\nHost: %s:%d\r\n%s\r\n", path, host, port,
                          mode == M_CHURN ? "Connection: close\r\n" : "");
    }
}

static double cpu_s(const struct rusage *r) {
    return (double)r->ru_utime.tv_sec + r->ru_utime.tv_usec / 1e6 + (double)r->ru_stime.tv_sec + r->ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv) {
    parse_args(argc, argv);
    build_request();
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    int tfd = -1;
    if (mode == M_RATE) {
        tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (tfd < 0) die("timerfd_create");
        struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0 };
        if (epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev) < 0) die("epoll_ctl");
    }
    conns = calloc((size_t)nconns, sizeof *conns);
    if (!conns) die("calloc");
    for (int i = 0; i < nconns; i++) {
        conns[i].fd = -1;
        conn_open(&conns[i]);
    }

    started_ns = now_ns();
    ms_ns = started_ns + (uint64_t)(warmup * 1e9);
    me_ns = ms_ns + (uint64_t)(duration * 1e9);
    uint64_t drain_end = me_ns + 2000000000ULL;
    double interval = rate > 0 ? 1e9 / rate : 0;
    uint64_t k = 0, next_due = started_ns, rr = 0;
    struct rusage ru0 = {0}, ru1 = {0};
    uint64_t t_end = 0;
    struct epoll_event evs[256];

    for (;;) {
        uint64_t t = now_ns();
        if (!measuring && !stopping && t >= ms_ns) {
            measuring = 1;
            getrusage(RUSAGE_SELF, &ru0);
            fputs("MEASURE_START\n", stderr);
            fflush(stderr);
        }
        if (measuring && t >= me_ns) {
            measuring = 0;
            stopping = 1;
            t_end = t;
            getrusage(RUSAGE_SELF, &ru1);
            fputs("MEASURE_END\n", stderr);
            fflush(stderr);
            if (mode == M_RATE) draining = 1;
        }
        if (stopping) {
            if (!draining) break;
            int outstanding = 0;
            for (int i = 0; i < nconns; i++) outstanding += conns[i].slen;
            if (outstanding == 0 || t >= drain_end) break;
        }
        /* reopen slots whose connect failed outright */
        for (int i = 0; i < nconns && !stopping; i++)
            if (conns[i].fd < 0) conn_open(&conns[i]);
        if (mode == M_RATE && !stopping) {
            while (next_due <= t) {
                struct conn *c = &conns[rr++ % (uint64_t)nconns];
                if (next_due >= ms_ns && next_due < me_ns) sent_in_window++;
                if (c->fd < 0) lost++;
                else if (conn_send(c, next_due) < 0) conn_restart(c, t);
                k++;
                next_due = started_ns + (uint64_t)((double)k * interval);
            }
            struct itimerspec its = {0};
            its.it_value.tv_sec = (time_t)(next_due / 1000000000ULL);
            its.it_value.tv_nsec = (long)(next_due % 1000000000ULL);
            timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
        }
        int timeout = 10;
        int n = epoll_wait(ep, evs, 256, timeout);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        t = now_ns();
        for (int i = 0; i < n; i++) {
            uint64_t tag = evs[i].data.u64;
            if (tag == 0) { uint64_t x; (void)!read(tfd, &x, sizeof x); continue; }
            struct conn *c = &conns[(uint32_t)tag - 1];
            if (c->fd < 0 || c->gen != (uint32_t)(tag >> 32)) continue;
            uint32_t e = evs[i].events;
            if (e & EPOLLOUT) on_writable(c, t);
            if (c->fd >= 0 && c->connected && (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) on_readable(c, t);
            else if (c->fd >= 0 && !c->connected && (e & (EPOLLHUP | EPOLLERR))) { err_connect++; conn_restart(c, t); }
        }
    }
    uint64_t incomplete = 0;
    for (int i = 0; i < nconns; i++) {
        /* open loop: whatever is still outstanding after the drain counts at its age so far */
        if (mode == M_RATE)
            while (conns[i].slen > 0) {
                uint64_t s = pop_stamp(&conns[i]);
                if (s >= ms_ns && s < me_ns) { hist_record(now_ns() - s); incomplete++; }
            }
        if (conns[i].fd >= 0) close(conns[i].fd);
    }

    double wall = (double)(t_end - ms_ns) / 1e9;
    double cpu = cpu_s(&ru1) - cpu_s(&ru0);
    const char *mname = mode == M_CLOSED ? "closed" : mode == M_RATE ? "rate" : "churn";
    printf("{\"mode\":\"%s\",\"proto\":\"%s\",\"conns\":%d,\"size\":%ld,\"duration_s\":%.3f,"
           "\"target_rate\":%.1f,\"sent\":%llu,\"requests\":%llu,\"rps\":%.1f,\"bytes_in\":%llu,"
           "\"latency_us\":{\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f,\"mean\":%.1f,\"samples\":%llu},"
           "\"errors\":{\"connect\":%llu,\"io\":%llu,\"eof\":%llu,\"status\":%llu,\"mismatch\":%llu,\"lost\":%llu,\"incomplete\":%llu},"
           "\"cpu\":{\"user_s\":%.3f,\"sys_s\":%.3f,\"pct\":%.1f}}\n",
           mname, proto == P_ECHO ? "echo" : "http", nconns, proto == P_ECHO ? size : 0L, wall, rate,
           (unsigned long long)sent_in_window, (unsigned long long)completed, completed / wall,
           (unsigned long long)bytes_in,
           hist_pct_us(50), hist_pct_us(90), hist_pct_us(99), hist_pct_us(99.9), hist_max / 1e3,
           hist_n ? hist_sum / (double)hist_n / 1e3 : 0.0, (unsigned long long)hist_n,
           (unsigned long long)err_connect, (unsigned long long)err_io, (unsigned long long)err_eof,
           (unsigned long long)err_status, (unsigned long long)err_mismatch, (unsigned long long)lost, (unsigned long long)incomplete,
           (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) + (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6,
           (double)(ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) + (ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6,
           100.0 * cpu / wall);
    return 0;
}
