/*
 * wget - fetch a URL over HTTP (as GNU wget, for plain http:// URLs).
 *
 *   wget [-q] [-O FILE] [-T SECONDS] URL
 *
 * Saves the body in FILE ("-": standard output), by default the last part
 * of the URL's path (index.html for a directory). Follows up to 5
 * redirects; understands Content-Length, chunked transfer encoding and
 * bodies that end with the connection. Exit status as GNU wget: 0 success,
 * 4 network failure, 8 an error response from the server, 1 otherwise.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/time.h>

#include "netcommon.h"

static int quiet;
static long timeout_s = 30;

struct conn {
    int fd;
    char buf[16384];
    size_t len, off;
};

static long fill(struct conn *c)
{
    struct pollfd p = { c->fd, POLLIN, 0 };
    long n;

    if (c->off == c->len)
        c->off = c->len = 0;
    if (poll(&p, 1, (int)(timeout_s * 1000)) == 0) {
        errno = ETIMEDOUT;
        return -1;
    }
    n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
    if (n > 0)
        c->len += (size_t)n;
    return n;
}

/* One line without its CR LF; -1 at end or error. */
static int get_line(struct conn *c, char *out, size_t cap)
{
    size_t n = 0;

    for (;;) {
        while (c->off < c->len) {
            char ch = c->buf[c->off++];
            if (ch == '\n') {
                if (n && out[n - 1] == '\r')
                    n--;
                out[n] = '\0';
                return (int)n;
            }
            if (n + 1 < cap)
                out[n++] = ch;
        }
        if (fill(c) <= 0)
            return -1;
    }
}

/* Copy up to n bytes of body (n < 0: until the end) to out; returns bytes or -1. */
static long long copy_body(struct conn *c, int out, long long n)
{
    long long done = 0;

    while (n < 0 || done < n) {
        if (c->off == c->len) {
            long r = fill(c);
            if (r < 0)
                return -1;
            if (r == 0)
                return n < 0 ? done : -1;
        }
        size_t k = c->len - c->off;
        if (n >= 0 && (long long)k > n - done)
            k = (size_t)(n - done);
        if (write_all(out, c->buf + c->off, k) < 0)
            return -1;
        c->off += k;
        done += (long long)k;
    }
    return done;
}

struct url {
    char host[256], path[4096];
    long port;
};

static int parse_url(const char *s, struct url *u)
{
    const char *p = s, *slash, *colon;
    size_t hl;

    if (!strncmp(p, "http://", 7))
        p += 7;
    else if (strstr(p, "://"))
        return -1;
    slash = strchr(p, '/');
    hl = slash ? (size_t)(slash - p) : strlen(p);
    if (hl == 0 || hl >= sizeof(u->host))
        return -1;
    memcpy(u->host, p, hl);
    u->host[hl] = '\0';
    u->port = 80;
    if ((colon = strchr(u->host, ':'))) {
        u->port = strtol(colon + 1, NULL, 10);
        u->host[colon - u->host] = '\0';
        if (u->port <= 0 || u->port > 65535)
            return -1;
    }
    snprintf(u->path, sizeof(u->path), "%s", slash ? slash : "/");
    return 0;
}

static int fetch(const char *urlstr, const char *outname, int depth)
{
    struct url u;
    struct sockaddr_in to;
    struct conn *c;
    char line[8192], location[4096] = "";
    long long length = -1, got;
    int code, chunked = 0, out, st = 0;
    uint32_t addr;

    if (parse_url(urlstr, &u) < 0) {
        warnmsg("%s: Unsupported scheme or invalid URL", urlstr);
        return 1;
    }
    if (resolve(u.host, &addr) < 0) {
        warnmsg("unable to resolve host address '%s'", u.host);
        return 4;
    }
    if (!quiet)
        fprintf(stderr, "Connecting to %s (%s)|%s|:%ld... ", u.host, u.host, ip_str(addr), u.port);
    c = xmalloc(sizeof(*c));
    c->len = c->off = 0;
    if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0) {
        warnmsg("socket: %s", strerror(errno));
        return 4;
    }
    struct timeval tv = { timeout_s, 0 };
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    memset(&to, 0, sizeof(to));
    to.sin_family = AF_INET;
    to.sin_port = htons((uint16_t)u.port);
    to.sin_addr.s_addr = htonl(addr);
    if (connect(c->fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
        if (!quiet)
            fprintf(stderr, "failed: %s.\n", strerror(errno));
        else
            warnmsg("connect to %s port %ld: %s", u.host, u.port, strerror(errno));
        return 4;
    }
    if (!quiet)
        fprintf(stderr, "connected.\nHTTP request sent, awaiting response... ");
    int n = snprintf(line, sizeof(line),
                     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: anyk-wget\r\nAccept: */*\r\n"
                     "Connection: close\r\n\r\n",
                     u.path, u.host);
    if (write_all(c->fd, line, (size_t)n) < 0 || get_line(c, line, sizeof(line)) < 0 ||
        sscanf(line, "HTTP/%*d.%*d %d", &code) != 1) {
        if (!quiet)
            fprintf(stderr, "\n");
        warnmsg("no valid HTTP response from %s", u.host);
        return 4;
    }
    if (!quiet)
        fprintf(stderr, "%s\n", line + 9);
    while (get_line(c, line, sizeof(line)) > 0) {
        if (!strncasecmp(line, "Content-Length:", 15))
            length = strtoll(line + 15, NULL, 10);
        else if (!strncasecmp(line, "Transfer-Encoding:", 18) && strstr(line, "chunked"))
            chunked = 1;
        else if (!strncasecmp(line, "Location:", 9))
            snprintf(location, sizeof(location), "%s", line + 9 + strspn(line + 9, " \t"));
    }
    if (code >= 300 && code < 400 && location[0] && depth < 5) {
        close(c->fd);
        free(c);
        if (location[0] == '/') {
            char abs[4400];
            snprintf(abs, sizeof(abs), "http://%s:%ld%s", u.host, u.port, location);
            return fetch(abs, outname, depth + 1);
        }
        return fetch(location, outname, depth + 1);
    }
    if (code >= 400) {
        warnmsg("server said %d for %s", code, urlstr);
        close(c->fd);
        return 8;
    }
    if (!outname) {
        const char *b = strrchr(u.path, '/');
        outname = b && b[1] ? b + 1 : "index.html";
    }
    out = strcmp(outname, "-") ? open(outname, O_WRONLY | O_CREAT | O_TRUNC, 0644) : 1;
    if (out < 0) {
        warnmsg("%s: %s", outname, strerror(errno));
        return 1;
    }
    if (chunked) {
        got = 0;
        for (;;) {
            long long size;
            if (get_line(c, line, sizeof(line)) < 0) {
                st = 4;
                break;
            }
            size = strtoll(line, NULL, 16);
            if (size <= 0)
                break;
            if (copy_body(c, out, size) != size || get_line(c, line, sizeof(line)) < 0) {
                st = 4;
                break;
            }
            got += size;
        }
    } else {
        got = copy_body(c, out, length);
        if (got < 0 || (length >= 0 && got != length))
            st = 4;
    }
    if (out != 1)
        close(out);
    close(c->fd);
    free(c);
    if (st)
        warnmsg("read error: the connection ended early");
    else if (!quiet)
        fprintf(stderr, "Saved '%s' [%lld bytes]\n", outname, got);
    return st;
}

int main(int argc, char **argv)
{
    const char *out = NULL;
    int c;

    progname = "wget";
    opterr = 0;
    while ((c = getopt(argc, argv, "qO:T:")) != -1) {
        switch (c) {
        case 'q': quiet = 1; break;
        case 'O': out = optarg; break;
        case 'T': timeout_s = strtol(optarg, NULL, 10); break;
        default:
            fprintf(stderr, "usage: wget [-q] [-O FILE] [-T SECONDS] URL\n");
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "usage: wget [-q] [-O FILE] [-T SECONDS] URL\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    return fetch(argv[optind], out, 0);
}
