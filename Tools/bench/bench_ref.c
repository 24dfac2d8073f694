/* bench_ref.c - the C reference side of Tools/bench/bench.py.
 *
 * Each workload makes the same system calls, in the same order, as the
 * Python workload of the same name in bench.py, and prints one line
 * "RESULT <seconds per operation>" (for "asr", the median one-way latency
 * in seconds).  bench.py compiles this file with the system cc into
 * Tools/bench/build/ and runs it as
 *
 *     bench_ref WORKLOAD N
 *
 * N is the number of timed operations (bytes for the bulk workloads, lines
 * for readline, samples for asr); with N = 0 only the fixed warm-up runs,
 * which is what the instruction-count baseline needs.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WARM 200
#define BLOCK 65536

static volatile unsigned long sink;

static void
die(const char *what)
{
    perror(what);
    exit(2);
}

/* CLOCK_MONOTONIC, as Python 3's perf_counter(): one clock for all
 * processes (the latency peers stamp it too), whose small values a double
 * holds to the nanosecond. */
static double
now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void
result(double t0, double t1, long n)
{
    printf("RESULT %.9e\n", n > 0 ? (t1 - t0) / (double)n : 0.0);
}

static ssize_t
xsend(int fd, const void *buf, size_t len)
{
    ssize_t r;
    do {
        r = send(fd, buf, len, 0);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        die("send");
    return r;
}

static ssize_t
xrecv(int fd, void *buf, size_t len)
{
    ssize_t r;
    do {
        r = recv(fd, buf, len, 0);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        die("recv");
    return r;
}

static void
sendall(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t r = xsend(fd, buf, len);
        buf += r;
        len -= (size_t)r;
    }
}

static void
recv_exact(int fd, char *buf, size_t len)
{
    while (len > 0) {
        ssize_t r = xrecv(fd, buf, len);
        if (r == 0) {
            fprintf(stderr, "unexpected EOF\n");
            exit(2);
        }
        buf += r;
        len -= (size_t)r;
    }
}

static void
set_nodelay(int fd)
{
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
        die("setsockopt");
}

static int
tcp_listener(struct sockaddr_in *addr, int backlog)
{
    socklen_t len = sizeof *addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)addr, sizeof *addr) < 0)
        die("bind");
    if (listen(fd, backlog) < 0)
        die("listen");
    if (getsockname(fd, (struct sockaddr *)addr, &len) < 0)
        die("getsockname");
    return fd;
}

/* A connected TCP pair on loopback: *client and *server. */
static void
tcp_pair(int *client, int *server, int nodelay)
{
    struct sockaddr_in addr;
    int l = tcp_listener(&addr, 1);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    int s;
    if (c < 0)
        die("socket");
    if (connect(c, (struct sockaddr *)&addr, sizeof addr) < 0)
        die("connect");
    s = accept(l, NULL, NULL);
    if (s < 0)
        die("accept");
    close(l);
    if (nodelay) {
        set_nodelay(c);
        set_nodelay(s);
    }
    *client = c;
    *server = s;
}

/* Echo one byte at a time until EOF; the forked peer of the ping-pongs.
 * With timeout, each call is preceded by a poll() the way a socket with
 * settimeout() waits. */
static void
echo(int fd, int timeout)
{
    char c;
    struct pollfd p;
    p.fd = fd;
    for (;;) {
        ssize_t r;
        if (timeout) {
            p.events = POLLIN;
            if (poll(&p, 1, 1000) < 0)
                die("poll");
        }
        r = xrecv(fd, &c, 1);
        if (r == 0)
            break;
        if (timeout) {
            p.events = POLLOUT;
            if (poll(&p, 1, 1000) < 0)
                die("poll");
        }
        xsend(fd, &c, 1);
    }
    _exit(0);
}

static void
pingpong(int mine, int theirs, long n, int timeout)
{
    char c = 'x';
    long i;
    double t0, t1;
    pid_t pid;
    struct pollfd p;
    if (timeout) {
        fcntl(mine, F_SETFL, fcntl(mine, F_GETFL) | O_NONBLOCK);
        fcntl(theirs, F_SETFL, fcntl(theirs, F_GETFL) | O_NONBLOCK);
    }
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        close(mine);
        echo(theirs, timeout);
    }
    close(theirs);
    p.fd = mine;
    t0 = 0.0;
    for (i = -WARM; i < n; i++) {
        if (i == 0)
            t0 = now_mono();
        if (timeout) {
            p.events = POLLOUT;
            if (poll(&p, 1, 1000) < 0)
                die("poll");
        }
        xsend(mine, &c, 1);
        if (timeout) {
            p.events = POLLIN;
            if (poll(&p, 1, 1000) < 0)
                die("poll");
        }
        if (xrecv(mine, &c, 1) != 1) {
            fprintf(stderr, "echo peer went away\n");
            exit(2);
        }
    }
    t1 = now_mono();
    close(mine);
    waitpid(pid, NULL, 0);
    result(t0, t1, n);
}

static void
w_socketpair(long n, int timeout)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        die("socketpair");
    pingpong(sv[0], sv[1], n, timeout);
}

static void
w_tcp(long n)
{
    int c, s;
    tcp_pair(&c, &s, 1);
    pingpong(c, s, n, 0);
}

/* n bytes from a forked sender (send() of 64 KiB blocks) to this process
 * (recv() into a 64 KiB buffer); the time per 64 KiB block. */
static void
w_bulk(long n)
{
    int c, s;
    long blocks = n / BLOCK, i;
    long long got = 0, total = (long long)blocks * BLOCK;
    static char buf[BLOCK];
    double t0, t1;
    pid_t pid;
    tcp_pair(&c, &s, 0);
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        close(c);
        recv_exact(s, buf, 1);
        memset(buf, 0, sizeof buf);
        for (i = 0; i < blocks; i++)
            sendall(s, buf, BLOCK);
        close(s);
        _exit(0);
    }
    close(s);
    t0 = now_mono();
    sendall(c, "g", 1);
    while (got < total) {
        ssize_t r = xrecv(c, buf, BLOCK);
        if (r == 0)
            break;
        got += r;
    }
    t1 = now_mono();
    close(c);
    waitpid(pid, NULL, 0);
    if (got != total) {
        fprintf(stderr, "bulk: got %lld of %lld bytes\n", got, total);
        exit(2);
    }
    result(t0, t1, blocks);
}

static void
w_udp(long n)
{
    struct sockaddr_in to, from;
    socklen_t len;
    char data[512], buf[512];
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    long i;
    double t0 = 0.0, t1;
    if (a < 0 || b < 0)
        die("socket");
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(a, (struct sockaddr *)&to, sizeof to) < 0
        || bind(b, (struct sockaddr *)&to, sizeof to) < 0)
        die("bind");
    len = sizeof to;
    if (getsockname(b, (struct sockaddr *)&to, &len) < 0)
        die("getsockname");
    memset(data, 'x', sizeof data);
    for (i = -WARM; i < n; i++) {
        if (i == 0)
            t0 = now_mono();
        if (sendto(a, data, sizeof data, 0, (struct sockaddr *)&to,
                   sizeof to) < 0)
            die("sendto");
        len = sizeof from;
        if (recvfrom(b, buf, sizeof buf, 0, (struct sockaddr *)&from,
                     &len) < 0)
            die("recvfrom");
        sink += (unsigned long)from.sin_port;
    }
    t1 = now_mono();
    close(a);
    close(b);
    result(t0, t1, n);
}

static void
w_churn(long n)
{
    struct sockaddr_in addr;
    int l = tcp_listener(&addr, 128);
    long i;
    double t0 = 0.0, t1;
    for (i = -WARM; i < n; i++) {
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        int c, s;
        if (i == 0)
            t0 = now_mono();
        c = socket(AF_INET, SOCK_STREAM, 0);
        if (c < 0)
            die("socket");
        if (connect(c, (struct sockaddr *)&addr, sizeof addr) < 0)
            die("connect");
        s = accept(l, (struct sockaddr *)&peer, &len);
        if (s < 0)
            die("accept");
        close(c);
        close(s);
    }
    t1 = now_mono();
    close(l);
    result(t0, t1, n);
}

static void
w_socket(long n)
{
    long i;
    double t0 = 0.0, t1;
    for (i = -WARM; i < n; i++) {
        int fd;
        if (i == 0)
            t0 = now_mono();
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            die("socket");
        close(fd);
    }
    t1 = now_mono();
    result(t0, t1, n);
}

static void
w_getaddrinfo(long n)
{
    long i;
    double t0 = 0.0, t1;
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    for (i = -WARM; i < n; i++) {
        struct addrinfo *res;
        int err;
        if (i == 0)
            t0 = now_mono();
        err = getaddrinfo("127.0.0.1", "80", &hints, &res);
        if (err != 0) {
            fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(err));
            exit(2);
        }
        sink += (unsigned long)res->ai_family;
        freeaddrinfo(res);
    }
    t1 = now_mono();
    result(t0, t1, n);
}

static void
w_inet(long n)
{
    long i;
    double t0 = 0.0, t1;
    for (i = -WARM; i < n; i++) {
        struct in_addr a;
        const char *text;
        if (i == 0)
            t0 = now_mono();
        if (!inet_aton("127.0.0.1", &a))
            die("inet_aton");
        text = inet_ntoa(a);
        sink += (unsigned long)(unsigned char)text[0];
        sink += htons((unsigned short)(i & 0xffff));
    }
    t1 = now_mono();
    result(t0, t1, n);
}

/* n lines from a forked writer over a socketpair, read with stdio's
 * fgets() on fdopen(): C's makefile().readline(). */
static void
w_readline(long n)
{
    int sv[2];
    long i;
    double t0, t1;
    pid_t pid;
    char line[256];
    FILE *f;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        die("socketpair");
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        size_t size = (size_t)(n + WARM) * 48 + 1, used = 0;
        char *blob = malloc(size);
        close(sv[0]);
        if (blob == NULL)
            die("malloc");
        for (i = 0; i < n + WARM; i++)
            used += (size_t)snprintf(blob + used, size - used,
                                     "%06ld abcdefghijklmnopqrstuvwxyz0123456789\n",
                                     i % 1000000);
        recv_exact(sv[1], line, 1);
        sendall(sv[1], blob, used);
        close(sv[1]);
        free(blob);
        _exit(0);
    }
    close(sv[1]);
    f = fdopen(sv[0], "r");
    if (f == NULL)
        die("fdopen");
    sendall(sv[0], "g", 1);
    t0 = 0.0;
    for (i = -WARM; i < n; i++) {
        if (i == 0)
            t0 = now_mono();
        if (fgets(line, sizeof line, f) == NULL) {
            fprintf(stderr, "readline: early EOF\n");
            exit(2);
        }
    }
    t1 = now_mono();
    fclose(f);
    waitpid(pid, NULL, 0);
    result(t0, t1, n);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One-way latency: a forked peer stamps CLOCK_MONOTONIC into 8 bytes and
 * sends them; this process, blocked in recv(), stamps the time it returns.
 * The median over n samples (after the warm-up). */
static void
w_asr(long n)
{
    int c, s;
    long i, total = n + 20;
    double *lat;
    pid_t pid;
    char ack = 'a';
    tcp_pair(&c, &s, 1);
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        close(s);
        recv_exact(c, &ack, 1);
        for (i = 0; i < total; i++) {
            double t = now_mono();
            sendall(c, (const char *)&t, sizeof t);
            recv_exact(c, &ack, 1);
        }
        close(c);
        _exit(0);
    }
    close(c);
    lat = malloc(sizeof(double) * (size_t)total);
    if (lat == NULL)
        die("malloc");
    sendall(s, "g", 1);
    for (i = 0; i < total; i++) {
        double sent, got;
        recv_exact(s, (char *)&sent, sizeof sent);
        got = now_mono();
        lat[i] = got - sent;
        sendall(s, &ack, 1);
    }
    close(s);
    waitpid(pid, NULL, 0);
    if (n > 0) {
        qsort(lat + 20, (size_t)n, sizeof(double), cmp_double);
        printf("RESULT %.9e\n", lat[20 + n / 2]);
    }
    else
        printf("RESULT 0\n");
    free(lat);
}

int
main(int argc, char **argv)
{
    const char *w;
    long n;
    if (argc != 3) {
        fprintf(stderr, "usage: bench_ref WORKLOAD N\n");
        return 2;
    }
    w = argv[1];
    n = strtol(argv[2], NULL, 10);
    if (strcmp(w, "socketpair") == 0)
        w_socketpair(n, 0);
    else if (strcmp(w, "timeout") == 0)
        w_socketpair(n, 1);
    else if (strcmp(w, "tcp") == 0)
        w_tcp(n);
    else if (strcmp(w, "bulk") == 0)
        w_bulk(n);
    else if (strcmp(w, "udp") == 0)
        w_udp(n);
    else if (strcmp(w, "churn") == 0)
        w_churn(n);
    else if (strcmp(w, "socket") == 0)
        w_socket(n);
    else if (strcmp(w, "getaddrinfo") == 0)
        w_getaddrinfo(n);
    else if (strcmp(w, "inet") == 0)
        w_inet(n);
    else if (strcmp(w, "readline") == 0)
        w_readline(n);
    else if (strcmp(w, "asr") == 0)
        w_asr(n);
    else {
        fprintf(stderr, "bench_ref: unknown workload %s\n", w);
        return 2;
    }
    return 0;
}
