/*
 * uv_server: an idiomatic libuv peer for the harness: uv_read_start / uv_write callbacks,
 * one uv_loop per worker thread, each with its own SO_REUSEPORT listening socket (libuv
 * 1.44 has no UV_TCP_REUSEPORT, so the socket is made by hand and given to uv_tcp_open).
 *
 *   uv_server echo|http PORT [WORKERS [BUFFER]]
 *
 * BUFFER (echo only, default 65536): the size of each read (the alloc callback's buffer).
 * echo: writes back each chunk read (uv_try_write, then uv_write of a copy of any rest). http: answers every complete request (framed by the
 * blank line, not validated) with the plaintext response, one uv_write per read.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#define BUF 65536             /* http's request buffer, and echo's default read size */
#define MAX_BUFFER (16 << 20)

struct conn {
    uv_tcp_t tcp;
    int rlen;           /* http: unparsed request bytes */
    char rbuf[];        /* rbuf_size bytes */
};

static int rbuf_size = BUF;

struct wreq {
    uv_write_t req;
    char *data;         /* freed after the write completes */
};

static int http_mode, port;

static void die(const char *what, int err) {
    fprintf(stderr, "uv_server: %s: %s\n", what, err ? uv_strerror(err) : strerror(errno));
    exit(1);
}

static void us_on_close(uv_handle_t *h) { free(h->data); }

static void us_on_write(uv_write_t *req, int status) {
    struct wreq *w = (struct wreq *)req;
    if (status < 0 && !uv_is_closing((uv_handle_t *)req->handle)) uv_close((uv_handle_t *)req->handle, us_on_close);
    free(w->data);
    free(w);
}

/* Writes len bytes: uv_try_write first, and a uv_write of a copy of whatever is left. */
static void us_send(struct conn *c, const char *data, size_t len) {
    uv_buf_t b = uv_buf_init((char *)data, (unsigned)len);
    int n = uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
    if (n == (int)len) return;
    if (n < 0 && n != UV_EAGAIN) {
        if (!uv_is_closing((uv_handle_t *)&c->tcp)) uv_close((uv_handle_t *)&c->tcp, us_on_close);
        return;
    }
    if (n < 0) n = 0;
    struct wreq *w = malloc(sizeof *w);
    if (!w) die("malloc", 0);
    w->data = malloc(len - (size_t)n);
    if (!w->data) die("malloc", 0);
    memcpy(w->data, data + n, len - (size_t)n);
    b = uv_buf_init(w->data, (unsigned)(len - (size_t)n));
    int r = uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, us_on_write);
    if (r < 0) {
        free(w->data);
        free(w);
        if (!uv_is_closing((uv_handle_t *)&c->tcp)) uv_close((uv_handle_t *)&c->tcp, us_on_close);
    }
}

/* The plaintext response, re-rendered per worker when the second changes (Date). */
static __thread char response[256];
static __thread int response_len;
static __thread time_t response_sec;

static void us_refresh_response(void) {
    time_t now = time(NULL);
    if (now == response_sec) return;
    char date[64];
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    response_len = snprintf(response, sizeof response,
        "HTTP/1.1 200 OK\r\nServer: libuv\r\nDate: %s\r\nContent-Type: text/plain\r\n"
        "Content-Length: 13\r\n\r\nHello, World!", date);
    response_sec = now;
}

static void us_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
    (void)suggested;
    struct conn *c = h->data; /* reads land in the connection's buffer (echo: from its start) */
    *buf = uv_buf_init(c->rbuf + c->rlen, (unsigned)(rbuf_size - c->rlen));
}

static void us_http(struct conn *c, ssize_t n) {
    c->rlen += (int)n;
    int off = 0, count = 0;
    char *end;
    while ((end = memmem(c->rbuf + off, (size_t)(c->rlen - off), "\r\n\r\n", 4))) {
        off = (int)(end - c->rbuf) + 4;
        count++;
    }
    if (off == 0 && c->rlen == rbuf_size) { uv_close((uv_handle_t *)&c->tcp, us_on_close); return; }
    memmove(c->rbuf, c->rbuf + off, (size_t)(c->rlen - off));
    c->rlen -= off;
    if (count == 0) return;
    us_refresh_response();
    static __thread char out[BUF / 16 * 256];
    if ((size_t)count * (size_t)response_len > sizeof out) { uv_close((uv_handle_t *)&c->tcp, us_on_close); return; }
    for (int i = 0; i < count; i++) memcpy(out + i * response_len, response, (size_t)response_len);
    us_send(c, out, (size_t)response_len * (size_t)count);
}

static void us_on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
    struct conn *c = s->data;
    (void)buf;
    if (n < 0) {
        if (!uv_is_closing((uv_handle_t *)s)) uv_close((uv_handle_t *)s, us_on_close);
        return;
    }
    if (http_mode) {
        if (n > 0) us_http(c, n);
    } else if (n > 0) {
        us_send(c, c->rbuf, (size_t)n);
    }
}

static void us_on_connection(uv_stream_t *server, int status) {
    if (status < 0) return;
    struct conn *c = malloc(sizeof *c + (size_t)rbuf_size);
    if (!c) die("malloc", 0);
    c->rlen = 0;
    uv_tcp_init(server->loop, &c->tcp);
    c->tcp.data = c;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0) {
        uv_close((uv_handle_t *)&c->tcp, us_on_close);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    uv_read_start((uv_stream_t *)&c->tcp, us_alloc, us_on_read);
}

static int us_listen_fd(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket", 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind", 0);
    if (port == 0) {
        socklen_t len = sizeof a;
        getsockname(fd, (struct sockaddr *)&a, &len);
        port = ntohs(a.sin_port);
    }
    return fd;
}

static void us_worker(void *arg) {
    uv_loop_t loop;
    uv_tcp_t server;
    uv_loop_init(&loop);
    uv_tcp_init(&loop, &server);
    int r = uv_tcp_open(&server, (uv_os_sock_t)(intptr_t)arg);
    if (r < 0) die("uv_tcp_open", r);
    if ((r = uv_listen((uv_stream_t *)&server, 4096, us_on_connection)) < 0) die("uv_listen", r);
    uv_run(&loop, UV_RUN_DEFAULT);
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 5 || (strcmp(argv[1], "echo") && strcmp(argv[1], "http"))) {
        fprintf(stderr, "usage: uv_server echo|http PORT [WORKERS [BUFFER]]\n");
        return 2;
    }
    http_mode = !strcmp(argv[1], "http");
    char *end;
    port = (int)strtol(argv[2], &end, 10);
    if (*end || port < 0 || port > 65535) { fprintf(stderr, "uv_server: bad PORT '%s'\n", argv[2]); return 2; }
    int workers = argc >= 4 ? (int)strtol(argv[3], &end, 10) : 1;
    if (argc >= 4 && (*end || workers < 1 || workers > 256)) { fprintf(stderr, "uv_server: WORKERS must be 1..256\n"); return 2; }
    if (argc == 5) {
        long b = strtol(argv[4], &end, 10);
        if (*end || b < 1 || b > MAX_BUFFER) { fprintf(stderr, "uv_server: BUFFER must be 1..%d bytes\n", MAX_BUFFER); return 2; }
        if (!http_mode) rbuf_size = (int)b; /* http keeps its 64 KiB request buffer */
    }
    signal(SIGPIPE, SIG_IGN); /* libuv leaves SIGPIPE alone: a peer gone mid-write must not kill us */
    int fds[256];
    for (int i = 0; i < workers; i++) fds[i] = us_listen_fd();
    /* listen(2) before announcing, so connects succeed at once; uv_listen repeats it harmlessly */
    for (int i = 0; i < workers; i++) if (listen(fds[i], 4096) < 0) die("listen", 0);
    uv_thread_t t;
    for (int i = 1; i < workers; i++) uv_thread_create(&t, us_worker, (void *)(intptr_t)fds[i]);
    printf("listening on %d\n", port);
    fflush(stdout);
    us_worker((void *)(intptr_t)fds[0]);
    return 0;
}
