/*
 * socket_test.c - the socket API over the loopback interface, checked the
 * same way on anyk (as /usr/libexec/anyk/socket_test) and on Linux (linked
 * with the shim, tests/apps/README.md): every result must be what Linux
 * gives, so Linux is the oracle for what anyk answers. Prints TAP.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int count, failed;

static void ok(int cond, const char *what)
{
    count++;
    if (!cond)
        failed++;
    printf("%sok %d - %s\n", cond ? "" : "not ", count, what);
}

/* A call that must fail with errno want. */
static void fails(long r, int want, const char *what)
{
    int e = errno;

    count++;
    if (r != -1 || e != want)
        failed++;
    printf("%sok %d - %s", r == -1 && e == want ? "" : "not ", count, what);
    if (r != -1 || e != want)
        printf(" (got %ld, errno %d %s; want %d %s)", r, e, strerror(e), want, strerror(want));
    printf("\n");
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct sockaddr_in lo(int port)
{
    struct sockaddr_in a;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

#define SA(x) ((struct sockaddr *)(x))

static int udp_bound(struct sockaddr_in *out)
{
    struct sockaddr_in a = lo(0);
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    if (fd < 0 || bind(fd, SA(&a), sizeof(a)) < 0 || getsockname(fd, SA(out), &len) < 0)
        return -1;
    return fd;
}

static void udp_tests(void)
{
    struct sockaddr_in a, b, from, bad;
    socklen_t len;
    char buf[64];
    int fa, fb, fc, v;
    long long t0;

    fa = udp_bound(&a);
    ok(fa >= 0, "udp: socket and bind to 127.0.0.1:0");
    ok(ntohs(a.sin_port) != 0 && a.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
       "udp: getsockname gives 127.0.0.1 and a port");
    fb = udp_bound(&b);

    struct pollfd p = { fa, POLLIN, 0 };
    ok(poll(&p, 1, 0) == 0, "udp: poll: nothing to read yet");
    ok(sendto(fb, "hello", 5, 0, SA(&a), sizeof(a)) == 5, "udp: sendto");
    ok(poll(&p, 1, 1000) == 1 && (p.revents & POLLIN), "udp: poll says readable");
    ok(ioctl(fa, FIONREAD, &v) == 0 && v == 5, "udp: FIONREAD is the datagram's size");
    ok(recv(fa, buf, sizeof(buf), MSG_PEEK) == 5, "udp: MSG_PEEK");
    len = sizeof(from);
    memset(&from, 0, sizeof(from));
    ok(recvfrom(fa, buf, 2, MSG_TRUNC, SA(&from), &len) == 5 && !memcmp(buf, "he", 2),
       "udp: a short buffer gets the start, MSG_TRUNC the real length");
    ok(len == sizeof(from) && from.sin_port == b.sin_port &&
       from.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
       "udp: recvfrom gives the sender's address");
    fails(recv(fa, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN,
          "udp: the datagram was consumed whole; MSG_DONTWAIT -> EAGAIN");

    struct timeval tv = { 0, 200000 };
    ok(setsockopt(fa, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0, "udp: SO_RCVTIMEO 0.2 s");
    t0 = now_ms();
    fails(recv(fa, buf, sizeof(buf), 0), EAGAIN, "udp: recv times out with EAGAIN");
    ok(now_ms() - t0 >= 150 && now_ms() - t0 < 3000, "udp: after about the timeout");
    struct timeval tv2;
    len = sizeof(tv2);
    ok(getsockopt(fa, SOL_SOCKET, SO_RCVTIMEO, &tv2, &len) == 0 && tv2.tv_sec == 0 &&
       tv2.tv_usec == 200000, "udp: SO_RCVTIMEO reads back");
    tv.tv_usec = 2000000;
    fails(setsockopt(fa, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), EDOM,
          "udp: SO_RCVTIMEO with usec out of range -> EDOM");
    tv.tv_sec = tv.tv_usec = 0;
    setsockopt(fa, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

    fc = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    fails(recv(fc, buf, sizeof(buf), 0), EAGAIN, "udp: SOCK_NONBLOCK recv -> EAGAIN");
    ok((fcntl(fc, F_GETFL) & O_NONBLOCK) != 0, "udp: SOCK_NONBLOCK shows in F_GETFL");
    fails(send(fc, "x", 1, 0), EDESTADDRREQ, "udp: send unconnected -> EDESTADDRREQ");

    /* Connected: only the peer's datagrams arrive; write/read work on the descriptor. */
    ok(connect(fb, SA(&a), sizeof(a)) == 0, "udp: connect");
    len = sizeof(from);
    ok(getpeername(fb, SA(&from), &len) == 0 && from.sin_port == a.sin_port,
       "udp: getpeername after connect");
    ok(connect(fa, SA(&b), sizeof(b)) == 0, "udp: connect the other way");
    ok(sendto(fc, "intruder", 8, 0, SA(&a), sizeof(a)) == 8, "udp: a third socket sends to a");
    ok(write(fb, "via write", 9) == 9, "udp: write(2) on a connected socket");
    ok(read(fa, buf, sizeof(buf)) == 9 && !memcmp(buf, "via write", 9),
       "udp: read(2) gets the peer's datagram, not the third socket's");
    fails(recv(fa, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN,
          "udp: the third socket's datagram was filtered");

    struct sockaddr_in unspec;
    memset(&unspec, 0, sizeof(unspec));
    unspec.sin_family = AF_UNSPEC;
    ok(connect(fb, SA(&unspec), sizeof(unspec)) == 0, "udp: connect(AF_UNSPEC) dissolves");
    len = sizeof(from);
    fails(getpeername(fb, SA(&from), &len), ENOTCONN, "udp: then getpeername -> ENOTCONN");

    /* A connected socket hears of a refused port. */
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int closed_fd = udp_bound(&bad);
    close(closed_fd); /* its port is now closed */
    ok(connect(fd, SA(&bad), sizeof(bad)) == 0, "udp: connect to a closed port");
    ok(send(fd, "x", 1, 0) == 1, "udp: send to it");
    struct pollfd pe = { fd, POLLIN, 0 };
    poll(&pe, 1, 1000);
    fails(recv(fd, buf, sizeof(buf), 0), ECONNREFUSED, "udp: then recv -> ECONNREFUSED");
    close(fd);

    /* Ports in use. */
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in same = a;
    fails(bind(fd, SA(&same), sizeof(same)), EADDRINUSE, "udp: bind to a port in use");
    close(fd);
    fails(bind(fa, SA(&same), sizeof(same)), EINVAL, "udp: bind twice -> EINVAL");

    /* Options. */
    len = sizeof(v);
    ok(getsockopt(fa, SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_DGRAM, "SO_TYPE");
    len = sizeof(v);
    ok(getsockopt(fa, SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == 0, "SO_ERROR is 0");
    v = 1;
    ok(setsockopt(fa, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)) == 0, "SO_REUSEADDR set");
    len = sizeof(v);
    v = 0;
    ok(getsockopt(fa, SOL_SOCKET, SO_REUSEADDR, &v, &len) == 0 && v == 1, "SO_REUSEADDR reads back");
    len = sizeof(v);
    ok(getsockopt(fa, IPPROTO_IP, IP_TTL, &v, &len) == 0 && v == 64, "IP_TTL defaults to 64");
    v = 0;
    fails(setsockopt(fa, IPPROTO_IP, IP_TTL, &v, sizeof(v)), EINVAL, "IP_TTL 0 -> EINVAL");
    fails(setsockopt(fa, SOL_SOCKET, 9999, &v, sizeof(v)), ENOPROTOOPT, "unknown option");

    /* A big datagram (several fragments over anyk's lo). */
    static char big[30000], got[30000];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)(i * 7);
    struct sockaddr_in d;
    int fd2 = udp_bound(&d);
    ok(sendto(fc, big, sizeof(big), 0, SA(&d), sizeof(d)) == (long)sizeof(big),
       "udp: send 30000 bytes");
    p.fd = fd2;
    ok(poll(&p, 1, 1000) == 1 && recv(fd2, got, sizeof(got), 0) == (long)sizeof(got) &&
       !memcmp(big, got, sizeof(got)), "udp: 30000 bytes arrive whole");
    close(fd2);
    close(fa);
    close(fb);
    close(fc);
}

static void edge_tests(void)
{
    struct sockaddr_in a = lo(0);
    int fds[2], fd;

    fails(socket(AF_INET6 + 1000, SOCK_DGRAM, 0), EAFNOSUPPORT, "socket: unknown family");
    fails(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT,
          "socket: SOCK_DGRAM with TCP -> EPROTONOSUPPORT");
    pipe(fds);
    fails(bind(fds[0], SA(&a), sizeof(a)), ENOTSOCK, "bind on a pipe -> ENOTSOCK");
    fails(bind(-1, SA(&a), sizeof(a)), EBADF, "bind on -1 -> EBADF");
    close(fds[0]);
    close(fds[1]);
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    fails(bind(fd, SA(&a), 8), EINVAL, "bind with a short address -> EINVAL");
    a.sin_family = 10;
    fails(bind(fd, SA(&a), sizeof(a)), EAFNOSUPPORT, "bind with AF_INET6 -> EAFNOSUPPORT");
    a = lo(0);
    a.sin_addr.s_addr = inet_addr("192.0.2.77");
    fails(bind(fd, SA(&a), sizeof(a)), EADDRNOTAVAIL, "bind to an address not ours");
    fails(listen(fd, 1), EOPNOTSUPP, "listen on UDP -> EOPNOTSUPP");
    fails(shutdown(fd, 7), EINVAL, "shutdown with a bad how");
    close(fd);
}

static uint16_t cksum(const unsigned char *p, size_t n)
{
    uint32_t s = 0;

    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static void raw_tests(void)
{
    unsigned char req[16] = { 8, 0, 0, 0, 0x12, 0x34, 0, 1, 'a', 'n', 'y', 'k', 1, 2, 3, 4 };
    unsigned char buf[256];
    struct sockaddr_in a = lo(0);
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);

    if (fd < 0 && (errno == EPERM || errno == EACCES)) {
        printf("ok %d - # SKIP raw sockets need privileges here\n", ++count);
        return;
    }
    ok(fd >= 0, "raw: an ICMP socket");
    uint16_t s = cksum(req, sizeof(req));
    req[2] = (unsigned char)(s >> 8);
    req[3] = (unsigned char)s;
    ok(sendto(fd, req, sizeof(req), 0, SA(&a), sizeof(a)) == sizeof(req), "raw: echo request");
    for (int i = 0; i < 4; i++) {
        struct pollfd p = { fd, POLLIN, 0 };
        long n;
        if (poll(&p, 1, 1000) != 1)
            break;
        n = recv(fd, buf, sizeof(buf), 0);
        /* Our own request comes back too (raw sockets see every ICMP message). */
        if (n >= 20 + 16 && buf[20] == 0) {
            ok((buf[0] >> 4) == 4 && buf[9] == 1, "raw: reply comes with its IPv4 header");
            ok(n == 36 && !memcmp(buf + 24, req + 4, 12), "raw: id, sequence and data echoed");
            close(fd);
            return;
        }
    }
    ok(0, "raw: an echo reply came");
    close(fd);
}

/* A listening socket on 127.0.0.1 and its address. */
static int tcp_listener(struct sockaddr_in *out, int backlog)
{
    struct sockaddr_in a = lo(0);
    socklen_t len = sizeof(*out);
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (fd < 0 || bind(fd, SA(&a), sizeof(a)) < 0 || listen(fd, backlog) < 0 ||
        getsockname(fd, SA(out), &len) < 0)
        return -1;
    return fd;
}

static void set_nonblock(int fd, int on)
{
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* Move n bytes from a to b and back through nonblocking sockets in one thread. */
static int pump(int a, int b, const char *data, size_t n, char *back)
{
    size_t sent = 0, got = 0;
    long long deadline = now_ms() + 20000;

    set_nonblock(a, 1);
    set_nonblock(b, 1);
    while (got < n && now_ms() < deadline) {
        struct pollfd p[2] = { { a, sent < n ? POLLOUT : 0, 0 }, { b, POLLIN, 0 } };
        poll(p, 2, 100);
        if (sent < n && (p[0].revents & POLLOUT)) {
            long k = send(a, data + sent, n - sent, 0);
            if (k > 0)
                sent += (size_t)k;
        }
        if (p[1].revents & POLLIN) {
            long k = recv(b, back + got, n - got, 0);
            if (k > 0)
                got += (size_t)k;
            else if (k == 0)
                break;
        }
    }
    set_nonblock(a, 0);
    set_nonblock(b, 0);
    return got == n && !memcmp(data, back, n);
}

static void tcp_tests(void)
{
    struct sockaddr_in la, ca, peer, tmp;
    socklen_t len;
    char buf[256];
    int l, c, s, v, r;

    l = tcp_listener(&la, 8);
    ok(l >= 0, "tcp: socket, bind, listen on 127.0.0.1");
    len = sizeof(v);
    ok(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v == 1, "tcp: SO_ACCEPTCONN");
    set_nonblock(l, 1);
    fails(accept(l, NULL, NULL), EAGAIN, "tcp: accept with nothing pending -> EAGAIN");
    set_nonblock(l, 0);
    c = socket(AF_INET, SOCK_STREAM, 0);
    fails(recv(c, buf, 1, 0), ENOTCONN, "tcp: recv before connect -> ENOTCONN");
    len = sizeof(tmp);
    fails(getpeername(c, SA(&tmp), &len), ENOTCONN, "tcp: getpeername before connect");
    ok(connect(c, SA(&la), sizeof(la)) == 0, "tcp: connect (blocking)");
    fails(connect(c, SA(&la), sizeof(la)), EISCONN, "tcp: connect again -> EISCONN");
    len = sizeof(peer);
    s = accept(l, SA(&peer), &len);
    ok(s >= 0, "tcp: accept");
    len = sizeof(ca);
    getsockname(c, SA(&ca), &len);
    ok(peer.sin_port == ca.sin_port && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
       "tcp: accept gives the client's address");
    len = sizeof(tmp);
    ok(getpeername(c, SA(&tmp), &len) == 0 && tmp.sin_port == la.sin_port,
       "tcp: getpeername is the listener's port");
    ok(send(c, "hello", 5, 0) == 5, "tcp: send");
    ok(recv(s, buf, sizeof(buf), MSG_PEEK) == 5, "tcp: MSG_PEEK");
    ok(ioctl(s, FIONREAD, &v) == 0 && v == 5, "tcp: FIONREAD");
    ok(read(s, buf, sizeof(buf)) == 5 && !memcmp(buf, "hello", 5), "tcp: read(2) the bytes");
    ok(write(s, "0123456789", 10) == 10, "tcp: write(2) the other way");
    ok(recv(c, buf, 10, MSG_WAITALL) == 10 && !memcmp(buf, "0123456789", 10), "tcp: MSG_WAITALL");
    v = 1;
    ok(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)) == 0, "tcp: TCP_NODELAY set");
    len = sizeof(v);
    v = 0;
    ok(getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v != 0, "tcp: TCP_NODELAY reads back");
    len = sizeof(v);
    ok(getsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &v, &len) == 0 && v >= 536, "tcp: TCP_MAXSEG");
    v = 1;
    ok(setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)) == 0, "tcp: SO_KEEPALIVE");
    len = sizeof(v);
    ok(getsockopt(c, SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_STREAM, "tcp: SO_TYPE");

    /* A megabyte each way at once. */
    static char big[1 << 20], back[1 << 20];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)(i * 31 + (i >> 12));
    ok(pump(c, s, big, sizeof(big), back), "tcp: 1 MiB client to server, in order");
    ok(pump(s, c, big, sizeof(big), back), "tcp: 1 MiB server to client, in order");

    /* Half close: the server sees EOF and can still answer. */
    ok(shutdown(c, SHUT_WR) == 0, "tcp: shutdown(SHUT_WR)");
    ok(recv(s, buf, sizeof(buf), 0) == 0, "tcp: the peer reads end of file");
    ok(send(s, "bye", 3, 0) == 3, "tcp: and still sends");
    ok(recv(c, buf, sizeof(buf), 0) == 3, "tcp: which the half-closed side receives");
    fails(send(c, "x", 1, MSG_NOSIGNAL), EPIPE, "tcp: send after SHUT_WR -> EPIPE");
    close(s);
    ok(recv(c, buf, sizeof(buf), 0) == 0, "tcp: EOF after the peer closes");
    close(c);

    /* Closing with unread data resets the connection (RFC 2525, Linux). */
    c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, SA(&la), sizeof(la));
    s = accept(l, NULL, NULL);
    send(c, "unread", 6, 0);
    struct pollfd pw = { s, POLLIN, 0 };
    poll(&pw, 1, 1000);
    close(s);
    pw.fd = c;
    poll(&pw, 1, 1000);
    fails(recv(c, buf, sizeof(buf), 0), ECONNRESET, "tcp: close with unread data -> peer ECONNRESET");
    close(c);

    /* Non-blocking connect. */
    c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    r = connect(c, SA(&la), sizeof(la));
    ok(r == 0 || errno == EINPROGRESS, "tcp: non-blocking connect -> EINPROGRESS (or done)");
    struct pollfd pc = { c, POLLOUT, 0 };
    ok(poll(&pc, 1, 2000) == 1 && (pc.revents & POLLOUT), "tcp: poll says writable when connected");
    len = sizeof(v);
    ok(getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == 0, "tcp: SO_ERROR is 0");
    s = accept(l, NULL, NULL);
    close(s);
    close(c);

    /* Refused. */
    struct sockaddr_in closed;
    int tmpl = tcp_listener(&closed, 1);
    close(tmpl);
    c = socket(AF_INET, SOCK_STREAM, 0);
    fails(connect(c, SA(&closed), sizeof(closed)), ECONNREFUSED, "tcp: connect to a closed port");
    close(c);
    c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    r = connect(c, SA(&closed), sizeof(closed));
    if (r < 0 && errno == EINPROGRESS) {
        pc.fd = c;
        poll(&pc, 1, 2000);
        len = sizeof(v);
        getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &len);
        ok(v == ECONNREFUSED && (pc.revents & POLLERR),
           "tcp: non-blocking connect refused: POLLERR, SO_ERROR ECONNREFUSED");
    } else {
        ok(r < 0 && errno == ECONNREFUSED, "tcp: non-blocking connect refused at once");
    }
    close(c);

    /* Ports. */
    c = socket(AF_INET, SOCK_STREAM, 0);
    tmp = la;
    fails(bind(c, SA(&tmp), sizeof(tmp)), EADDRINUSE, "tcp: bind to a listening port");
    close(c);
    fails(listen(socket(AF_INET, SOCK_DGRAM, 0), 1), EOPNOTSUPP, "tcp: listen on UDP");
    close(l);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    udp_tests();
    edge_tests();
    raw_tests();
    tcp_tests();
    printf("1..%d\n", count);
    return failed != 0;
}
