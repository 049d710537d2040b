/*
 * epoll_server: the practical limit for the harness. Edge-triggered epoll, one thread per
 * worker, each with its own SO_REUSEPORT listening socket; per request one read() and one
 * write() (a short read means the socket was drained, so the next edge will come).
 *
 *   epoll_server echo|http PORT [WORKERS [BUFFER]]
 *
 * echo: writes back what it read (stops reading while a write is pending); each read asks for
 * BUFFER bytes (default 65536; the harness gives every contestant the same read size).
 * http: answers every complete request in the read buffer with the plaintext response
 * (pipelined requests get one write); requests are only framed, not validated.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF 65536             /* http's request buffer, and echo's default read size */
#define MAX_BUFFER (16 << 20)

struct conn {
    int fd;
    int rlen;            /* http: unparsed request bytes kept in rbuf */
    int wlen, woff;      /* pending output in wbuf */
    char *wbuf;
    char rbuf[];         /* rbuf_size bytes */
};

static int http_mode, port, rbuf_size = BUF;
static char response[256];
static int response_len;
static time_t response_sec;
static pthread_mutex_t date_lock = PTHREAD_MUTEX_INITIALIZER;

static void die(const char *what) {
    fprintf(stderr, "epoll_server: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Re-renders the response when the second changes (Date header). */
static void es_refresh_response(void) {
    time_t now = time(NULL);
    if (__atomic_load_n(&response_sec, __ATOMIC_ACQUIRE) == now) return;
    pthread_mutex_lock(&date_lock);
    if (response_sec != now) {
        char date[64];
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        response_len = snprintf(response, sizeof response,
            "HTTP/1.1 200 OK\r\nServer: c-epoll\r\nDate: %s\r\nContent-Type: text/plain\r\n"
            "Content-Length: 13\r\n\r\nHello, World!", date);
        __atomic_store_n(&response_sec, now, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&date_lock);
}

static int es_listen(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
    if (listen(fd, 4096) < 0) die("listen");
    if (port == 0) {
        socklen_t len = sizeof a;
        getsockname(fd, (struct sockaddr *)&a, &len);
        port = ntohs(a.sin_port);
    }
    return fd;
}

static void es_close(struct conn *c) {
    close(c->fd);
    free(c->wbuf);
    free(c);
}

/* Writes pending output; returns -1 on error, 0 when done, 1 when the socket is full. */
static int es_flush(struct conn *c) {
    while (c->woff < c->wlen) {
        ssize_t n = write(c->fd, c->wbuf + c->woff, (size_t)(c->wlen - c->woff));
        if (n < 0) return errno == EAGAIN ? 1 : -1;
        c->woff += (int)n;
    }
    c->woff = c->wlen = 0;
    return 0;
}

/* Queues len bytes and writes them; copies to wbuf only what the socket did not take. */
static int es_write(struct conn *c, const char *p, int len) {
    ssize_t n = write(c->fd, p, (size_t)len);
    if (n < 0) {
        if (errno != EAGAIN) return -1;
        n = 0;
    }
    if (n == len) return 0;
    c->wbuf = realloc(c->wbuf, (size_t)(len - n));
    if (!c->wbuf) die("realloc");
    memcpy(c->wbuf, p + n, (size_t)(len - n));
    c->wlen = (int)(len - n);
    c->woff = 0;
    return 1;
}

/* http: answers each complete request in rbuf; keeps the tail. */
static int es_http(struct conn *c) {
    static __thread char out[BUF / 16 * 256];
    int off = 0, outlen = 0;
    es_refresh_response();
    for (;;) {
        char *end = memmem(c->rbuf + off, (size_t)(c->rlen - off), "\r\n\r\n", 4);
        if (!end) break;
        off = (int)(end - c->rbuf) + 4;
        if (outlen + response_len > (int)sizeof out) return -1;
        memcpy(out + outlen, response, (size_t)response_len);
        outlen += response_len;
    }
    if (off == 0 && c->rlen == rbuf_size) return -1; /* header section larger than the buffer */
    memmove(c->rbuf, c->rbuf + off, (size_t)(c->rlen - off));
    c->rlen -= off;
    return outlen ? es_write(c, out, outlen) : 0;
}

/* Reads until a short read (drained) or a pending write; returns -1 to close. */
static int es_readable(struct conn *c) {
    while (c->wlen == 0) {
        int room = http_mode ? rbuf_size - c->rlen : rbuf_size;
        ssize_t n = read(c->fd, c->rbuf + (http_mode ? c->rlen : 0), (size_t)room);
        if (n == 0) return -1;
        if (n < 0) return errno == EAGAIN ? 0 : -1;
        int r;
        if (http_mode) {
            c->rlen += (int)n;
            r = es_http(c);
        } else {
            r = es_write(c, c->rbuf, (int)n);
        }
        if (r < 0) return -1;
        if (n < room) return 0;
    }
    return 0;
}

static void *es_worker(void *arg) {
    int lfd = (int)(intptr_t)arg;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.ptr = NULL };
    if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0) die("epoll_ctl");
    struct epoll_event evs[512];
    for (;;) {
        int n = epoll_wait(ep, evs, 512, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (!c) {
                int fd;
                while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    int one = 1;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct conn *nc = calloc(1, sizeof *nc + (size_t)rbuf_size);
                    if (!nc) die("calloc");
                    nc->fd = fd;
                    struct epoll_event cev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = nc };
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev) < 0) die("epoll_ctl");
                }
                continue;
            }
            uint32_t e = evs[i].events;
            int r = 0;
            if ((e & EPOLLOUT) && c->wlen) {
                r = es_flush(c);
                if (r == 0) r = es_readable(c); /* reading was paused behind the write */
            }
            if (r >= 0 && (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) r = es_readable(c);
            if (r < 0) es_close(c);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 5 || (strcmp(argv[1], "echo") && strcmp(argv[1], "http"))) {
        fprintf(stderr, "usage: epoll_server echo|http PORT [WORKERS [BUFFER]]\n");
        return 2;
    }
    http_mode = !strcmp(argv[1], "http");
    char *end;
    port = (int)strtol(argv[2], &end, 10);
    if (*end || port < 0 || port > 65535) { fprintf(stderr, "epoll_server: bad PORT '%s'\n", argv[2]); return 2; }
    int workers = argc >= 4 ? (int)strtol(argv[3], &end, 10) : 1;
    if (argc >= 4 && (*end || workers < 1 || workers > 256)) { fprintf(stderr, "epoll_server: WORKERS must be 1..256\n"); return 2; }
    if (argc == 5) {
        long b = strtol(argv[4], &end, 10);
        if (*end || b < 1 || b > MAX_BUFFER) { fprintf(stderr, "epoll_server: BUFFER must be 1..%d bytes\n", MAX_BUFFER); return 2; }
        if (!http_mode) rbuf_size = (int)b; /* http keeps its 64 KiB request buffer */
    }
    signal(SIGPIPE, SIG_IGN); /* a peer gone mid-write is an EPIPE, not the end of the server */
    es_refresh_response();
    int lfds[256];
    for (int i = 0; i < workers; i++) lfds[i] = es_listen(); /* all bound before "listening" */
    pthread_t t;
    for (int i = 1; i < workers; i++)
        if (pthread_create(&t, NULL, es_worker, (void *)(intptr_t)lfds[i])) die("pthread_create");
    printf("listening on %d\n", port);
    fflush(stdout);
    es_worker((void *)(intptr_t)lfds[0]); /* the main thread is worker 0 */
    return 0;
}
