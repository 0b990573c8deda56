/*
 * nc - read and write across the network (as OpenBSD netcat).
 *
 *   nc [-u] [-v] [-N] [-n] [-s ADDR] [-p PORT] [-w SECS] [-q SECS] [-e PROG] HOST PORT
 *   nc -l [-u] [-k] [-v] [-N] [-s ADDR] [-w SECS] [-q SECS] [-e PROG] [-p] PORT
 *
 * Client: connect to HOST PORT (TCP, or UDP with -u). Server (-l): wait for
 * one TCP connection on PORT, or for the first UDP datagram, whose sender
 * becomes the peer. Then standard input goes to the peer and what the peer
 * sends goes to standard output, until the peer closes (TCP) or a timeout:
 *   -w SECS   give up after SECS without any traffic (and on connect)
 *   -q SECS   after end of input, quit SECS later (0: at once)
 *   -N        after end of input, shut down the sending side (TCP)
 *   -e PROG   run PROG with the connection as its standard input and output
 *   -k        (with -l and TCP) accept connections again after each one ends
 * Each read of standard input is one datagram in UDP mode.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>

#include "netcommon.h"

static struct {
    int udp, listen, keep, verbose, shut_wr;
    long wait_s, quit_s;        /* -1: not given */
    const char *exec;
    const char *src_addr;
    long src_port;
} opt = { .wait_s = -1, .quit_s = -1, .src_port = -1 };

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int usage(void)
{
    fprintf(stderr, "usage: nc [-klNnuv] [-e prog] [-p source_port] [-q seconds] [-s sourceaddr]\n"
                    "          [-w timeout] [destination] [port]\n");
    return 1;
}

static long parse_port(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (*end || end == s || v < 0 || v > 65535) {
        warnmsg("port number invalid: %s", s);
        exit(1);
    }
    return v;
}

static void set_addr(struct sockaddr_in *sin, uint32_t addr, long port)
{
    memset(sin, 0, sizeof(*sin));
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(addr);
    sin->sin_port = htons((uint16_t)port);
}

/* Connect with the -w timeout (a non-blocking connect waited for with poll). */
static int timed_connect(int fd, const struct sockaddr_in *to)
{
    int flags = fcntl(fd, F_GETFL), err = 0;
    socklen_t len = sizeof(err);
    struct pollfd p = { fd, POLLOUT, 0 };

    if (opt.wait_s < 0 || opt.udp)
        return connect(fd, (const struct sockaddr *)to, sizeof(*to));
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    if (connect(fd, (const struct sockaddr *)to, sizeof(*to)) == 0)
        goto done;
    if (errno != EINPROGRESS)
        return -1;
    if (poll(&p, 1, (int)(opt.wait_s * 1000)) == 0) {
        errno = ETIMEDOUT;
        return -1;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        return -1;
    if (err) {
        errno = err;
        return -1;
    }
done:
    fcntl(fd, F_SETFL, flags);
    return 0;
}

static int run_prog(int fd)
{
    posix_spawn_file_actions_t fa;
    char *argv[] = { (char *)opt.exec, NULL };
    pid_t pid;
    int st, r;

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd, 0);
    posix_spawn_file_actions_adddup2(&fa, fd, 1);
    posix_spawn_file_actions_addclose(&fa, fd);
    r = posix_spawnp(&pid, opt.exec, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (r) {
        warnmsg("%s: %s", opt.exec, strerror(r));
        return 1;
    }
    close(fd);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

/* Move data both ways until the peer closes or a timeout says stop. */
static int relay(int fd)
{
    static char buf[65536];
    int in_open = 1;
    long long last = now_ms(), eof_at = 0;

    for (;;) {
        struct pollfd p[2] = { { fd, POLLIN, 0 }, { 0, POLLIN, 0 } };
        long long t = now_ms(), deadline = -1;
        int timeout = -1, n;

        if (opt.wait_s >= 0)
            deadline = last + opt.wait_s * 1000;
        if (!in_open && opt.quit_s >= 0 &&
            (deadline < 0 || eof_at + opt.quit_s * 1000 < deadline))
            deadline = eof_at + opt.quit_s * 1000;
        if (deadline >= 0) {
            if (t >= deadline)
                return 0;
            timeout = (int)(deadline - t);
        }
        n = poll(p, in_open ? 2 : 1, timeout);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            warnmsg("poll: %s", strerror(errno));
            return 1;
        }
        if (n == 0)
            continue;
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t k = recv(fd, buf, sizeof(buf), 0);
            if (k < 0) {
                if (errno == EAGAIN || errno == EINTR)
                    continue;
                if (opt.verbose || errno != ECONNREFUSED)
                    warnmsg("read: %s", strerror(errno));
                return 1;
            }
            if (k == 0 && !opt.udp)
                return 0;
            if (write_all(1, buf, (size_t)k) < 0)
                return 1;
            last = now_ms();
        }
        if (in_open && (p[1].revents & (POLLIN | POLLHUP))) {
            ssize_t k = read(0, buf, sizeof(buf));
            if (k <= 0) {
                in_open = 0;
                eof_at = now_ms();
                if (opt.shut_wr && !opt.udp)
                    shutdown(fd, SHUT_WR);
                continue;
            }
            for (ssize_t off = 0; off < k;) {
                ssize_t w = send(fd, buf + off, (size_t)(k - off), MSG_NOSIGNAL);
                if (w < 0) {
                    if (errno == EINTR)
                        continue;
                    if (errno == ECONNREFUSED && opt.udp)
                        break; /* the peer is not there yet; like OpenBSD nc, go on */
                    warnmsg("write: %s", strerror(errno));
                    return 1;
                }
                off += w;
            }
            last = now_ms();
        }
    }
}

static int serve(void)
{
    struct sockaddr_in me, peer;
    socklen_t plen = sizeof(peer);
    uint32_t addr = 0;
    int fd, one = 1;

    if (opt.src_addr && resolve(opt.src_addr, &addr) < 0) {
        warnmsg("%s: Name or service not known", opt.src_addr);
        return 1;
    }
    if ((fd = socket(AF_INET, opt.udp ? SOCK_DGRAM : SOCK_STREAM, 0)) < 0) {
        warnmsg("socket: %s", strerror(errno));
        return 1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    set_addr(&me, addr, opt.src_port);
    if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
        warnmsg("bind: %s", strerror(errno));
        return 1;
    }
    if (opt.udp) {
        char c;
        /* The first datagram's sender becomes the peer; the datagram stays queued. */
        if (recvfrom(fd, &c, 1, MSG_PEEK, (struct sockaddr *)&peer, &plen) < 0) {
            warnmsg("recvfrom: %s", strerror(errno));
            return 1;
        }
        if (connect(fd, (struct sockaddr *)&peer, sizeof(peer)) < 0) {
            warnmsg("connect: %s", strerror(errno));
            return 1;
        }
        if (opt.verbose)
            fprintf(stderr, "Connection received on %s %u\n", ip_str(ntohl(peer.sin_addr.s_addr)),
                    ntohs(peer.sin_port));
        return opt.exec ? run_prog(fd) : relay(fd);
    }
    if (listen(fd, 5) < 0) {
        warnmsg("listen: %s", strerror(errno));
        return 1;
    }
    for (;;) {
        int c = accept(fd, (struct sockaddr *)&peer, &plen), r;
        if (c < 0) {
            if (errno == EINTR)
                continue;
            warnmsg("accept: %s", strerror(errno));
            return 1;
        }
        if (opt.verbose)
            fprintf(stderr, "Connection received on %s %u\n", ip_str(ntohl(peer.sin_addr.s_addr)),
                    ntohs(peer.sin_port));
        r = opt.exec ? run_prog(c) : relay(c);
        if (!opt.exec)
            close(c);
        if (!opt.keep)
            return r;
    }
}

static int client(const char *host, long port)
{
    struct sockaddr_in to, me;
    uint32_t addr, src = 0;
    int fd;

    if (resolve(host, &addr) < 0) {
        warnmsg("getaddrinfo for host \"%s\" port %ld: Name or service not known", host, port);
        return 1;
    }
    if ((fd = socket(AF_INET, opt.udp ? SOCK_DGRAM : SOCK_STREAM, 0)) < 0) {
        warnmsg("socket: %s", strerror(errno));
        return 1;
    }
    if (opt.src_addr || opt.src_port >= 0) {
        if (opt.src_addr && resolve(opt.src_addr, &src) < 0) {
            warnmsg("%s: Name or service not known", opt.src_addr);
            return 1;
        }
        set_addr(&me, src, opt.src_port < 0 ? 0 : opt.src_port);
        if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
            warnmsg("bind failed: %s", strerror(errno));
            return 1;
        }
    }
    set_addr(&to, addr, port);
    if (timed_connect(fd, &to) < 0) {
        warnmsg("connect to %s port %ld (%s) failed: %s", host, port, opt.udp ? "udp" : "tcp",
                strerror(errno));
        return 1;
    }
    if (opt.verbose)
        fprintf(stderr, "Connection to %s %ld port [%s/*] succeeded!\n", host, port,
                opt.udp ? "udp" : "tcp");
    return opt.exec ? run_prog(fd) : relay(fd);
}

int main(int argc, char **argv)
{
    char *pos[3];
    int c, npos = 0;

    progname = "nc";
    opterr = 0;
    /* Options may follow the operands (nc -u -l 7000 -e cat), as GNU getopt allows. */
    for (;;) {
        if (optind < argc && argv[optind][0] != '-') {
            if (npos == 3)
                return usage();
            pos[npos++] = argv[optind++];
            continue;
        }
        if ((c = getopt(argc, argv, "e:klNnp:q:s:uvw:")) == -1) {
            while (optind < argc && npos < 3)
                pos[npos++] = argv[optind++];
            if (optind < argc)
                return usage();
            break;
        }
        switch (c) {
        case 'e': opt.exec = optarg; break;
        case 'k': opt.keep = 1; break;
        case 'l': opt.listen = 1; break;
        case 'N': opt.shut_wr = 1; break;
        case 'n': break;
        case 'p': opt.src_port = parse_port(optarg); break;
        case 'q': opt.quit_s = strtol(optarg, NULL, 10); break;
        case 's': opt.src_addr = optarg; break;
        case 'u': opt.udp = 1; break;
        case 'v': opt.verbose = 1; break;
        case 'w': opt.wait_s = strtol(optarg, NULL, 10); break;
        default: return usage();
        }
    }
    signal(SIGPIPE, SIG_IGN);
    if (opt.listen) {
        if (npos == 1)
            opt.src_port = parse_port(pos[0]);
        if (opt.src_port < 0 || npos > 1)
            return usage();
        return serve();
    }
    if (npos != 2)
        return usage();
    return client(pos[0], parse_port(pos[1]));
}
