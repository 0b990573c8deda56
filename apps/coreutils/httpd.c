/*
 * httpd - a small static web server.
 *
 *   httpd [-p PORT] [-d DIR] [-n COUNT] [-q]
 *
 * Serves the files under DIR (default: the current directory) on PORT
 * (default 80) with HTTP/1.0 and 1.1: GET and HEAD, index.html or a listing
 * for directories, a Content-Type from the file name, 400, 403, 404, 405,
 * 414 for what it cannot serve. One connection at a time, each answered and
 * closed (Connection: close). -n ends the server after COUNT requests (for
 * tests); -q drops the log line per request on standard error.
 */
#include <dirent.h>
#include <poll.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include "netcommon.h"

#define REQ_MAX 8192

static int quiet;

static const char *mime_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = { { ".html", "text/html" }, { ".htm", "text/html" }, { ".txt", "text/plain" },
                  { ".css", "text/css" }, { ".js", "application/javascript" },
                  { ".json", "application/json" }, { ".png", "image/png" },
                  { ".jpg", "image/jpeg" }, { ".gif", "image/gif" }, { ".svg", "image/svg+xml" } };
    const char *dot = strrchr(path, '.');

    for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
        if (!strcasecmp(dot, types[i].ext))
            return types[i].type;
    return "application/octet-stream";
}

static void http_date(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static void header(int fd, int code, const char *reason, const char *type, long long len)
{
    char h[512], date[64];
    int n;

    http_date(date, sizeof(date));
    n = snprintf(h, sizeof(h),
                 "HTTP/1.1 %d %s\r\nServer: anyk-httpd\r\nDate: %s\r\nContent-Type: %s\r\n"
                 "Content-Length: %lld\r\nConnection: close\r\n\r\n",
                 code, reason, date, type, len);
    write_all(fd, h, (size_t)n);
}

static int error_page(int fd, int code, const char *reason, bool head)
{
    char body[256];
    int n = snprintf(body, sizeof(body),
                     "<html><head><title>%d %s</title></head><body><h1>%d %s</h1></body></html>\n",
                     code, reason, code, reason);

    header(fd, code, reason, "text/html", n);
    if (!head)
        write_all(fd, body, (size_t)n);
    return code;
}

/* %XX escapes; refuses NUL and anything that climbs out of the root. */
static int decode_path(const char *in, char *out, size_t cap)
{
    size_t n = 0;

    for (; *in && *in != '?' && *in != '#'; in++) {
        int c = (unsigned char)*in;
        if (c == '%' && isxdigit((unsigned char)in[1]) && isxdigit((unsigned char)in[2])) {
            char hex[3] = { in[1], in[2], 0 };
            c = (int)strtol(hex, NULL, 16);
            in += 2;
        }
        if (!c || n + 1 >= cap)
            return -1;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    for (char *p = out; (p = strstr(p, "..")); p += 2)
        if ((p == out || p[-1] == '/') && (p[2] == '/' || !p[2]))
            return -1;
    return 0;
}

static int listing(int fd, const char *dir, const char *url, bool head)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char *body = NULL;
    size_t len = 0, cap = 0;

    if (!d)
        return error_page(fd, 403, "Forbidden", head);
    for (int pass = 0; pass < 2; pass++) {
        char line[1024];
        int n = pass == 0 ? snprintf(line, sizeof(line),
                                     "<html><head><title>Index of %s</title></head><body>"
                                     "<h1>Index of %s</h1><ul>\n", url, url)
                          : snprintf(line, sizeof(line), "</ul></body></html>\n");
        if (pass == 1) {
            while ((e = readdir(d))) {
                char item[1024];
                int k;
                if (e->d_name[0] == '.')
                    continue;
                k = snprintf(item, sizeof(item), "<li><a href=\"%s%s%s\">%s</a></li>\n",
                             e->d_name, "", e->d_type == DT_DIR ? "/" : "", e->d_name);
                if (len + (size_t)k + 1 > cap)
                    body = xrealloc(body, cap = (cap + (size_t)k + 1) * 2);
                memcpy(body + len, item, (size_t)k);
                len += (size_t)k;
            }
        }
        if (len + (size_t)n + 1 > cap)
            body = xrealloc(body, cap = (cap + (size_t)n + 1) * 2);
        memcpy(body + len, line, (size_t)n);
        len += (size_t)n;
    }
    closedir(d);
    header(fd, 200, "OK", "text/html", (long long)len);
    if (!head)
        write_all(fd, body, len);
    free(body);
    return 200;
}

static int serve_file(int fd, const char *path, bool head)
{
    struct stat st;
    static char buf[65536];
    int f = open(path, O_RDONLY);
    long n;

    if (f < 0 || fstat(f, &st) < 0) {
        if (f >= 0)
            close(f);
        return errno == EACCES ? error_page(fd, 403, "Forbidden", head)
                               : error_page(fd, 404, "Not Found", head);
    }
    header(fd, 200, "OK", mime_type(path), (long long)st.st_size);
    while (!head && (n = read(f, buf, sizeof(buf))) > 0)
        if (write_all(fd, buf, (size_t)n) < 0)
            break;
    close(f);
    return 200;
}

static int handle(int fd, const char *root)
{
    char req[REQ_MAX + 1], method[16], url[REQ_MAX], path[REQ_MAX], full[REQ_MAX + 256];
    size_t len = 0;
    struct stat st;

    /* The request line and headers, up to the empty line. */
    while (len < REQ_MAX) {
        long n = recv(fd, req + len, REQ_MAX - len, 0);
        if (n <= 0)
            return 0;
        len += (size_t)n;
        req[len] = '\0';
        if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
            break;
    }
    if (len >= REQ_MAX)
        return error_page(fd, 414, "URI Too Long", false);
    if (sscanf(req, "%15s %8191s", method, url) != 2 || url[0] != '/')
        return error_page(fd, 400, "Bad Request", false);
    bool head = !strcmp(method, "HEAD");
    if (!head && strcmp(method, "GET"))
        return error_page(fd, 405, "Method Not Allowed", false);
    if (decode_path(url, path, sizeof(path)) < 0)
        return error_page(fd, 400, "Bad Request", head);
    snprintf(full, sizeof(full), "%s%s", root, path);
    if (stat(full, &st) < 0)
        return error_page(fd, 404, "Not Found", head);
    if (S_ISDIR(st.st_mode)) {
        char index[REQ_MAX + 300];
        snprintf(index, sizeof(index), "%s%sindex.html", full,
                 full[strlen(full) - 1] == '/' ? "" : "/");
        if (stat(index, &st) == 0)
            return serve_file(fd, index, head);
        return listing(fd, full, path, head);
    }
    return serve_file(fd, full, head);
}

int main(int argc, char **argv)
{
    struct sockaddr_in me, peer;
    const char *root = ".";
    long port = 80, count = -1;
    int c, l, one = 1;

    progname = "httpd";
    opterr = 0;
    while ((c = getopt(argc, argv, "p:d:n:q")) != -1) {
        switch (c) {
        case 'p': port = strtol(optarg, NULL, 10); break;
        case 'd': root = optarg; break;
        case 'n': count = strtol(optarg, NULL, 10); break;
        case 'q': quiet = 1; break;
        default:
            fprintf(stderr, "usage: httpd [-p PORT] [-d DIR] [-n COUNT] [-q]\n");
            return 2;
        }
    }
    if (port <= 0 || port > 65535) {
        warnmsg("invalid port");
        return 2;
    }
    if (!strcmp(root, "/"))
        root = "";
    signal(SIGPIPE, SIG_IGN);
    if ((l = socket(AF_INET, SOCK_STREAM, 0)) < 0) {
        warnmsg("socket: %s", strerror(errno));
        return 1;
    }
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&me, 0, sizeof(me));
    me.sin_family = AF_INET;
    me.sin_port = htons((uint16_t)port);
    if (bind(l, (struct sockaddr *)&me, sizeof(me)) < 0 || listen(l, 16) < 0) {
        warnmsg("port %ld: %s", port, strerror(errno));
        return 1;
    }
    if (!quiet)
        fprintf(stderr, "httpd: serving %s on port %ld\n", *root ? root : "/", port);
    while (count < 0 || count-- > 0) {
        socklen_t plen = sizeof(peer);
        int fd = accept(l, (struct sockaddr *)&peer, &plen), code;
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            warnmsg("accept: %s", strerror(errno));
            return 1;
        }
        code = handle(fd, root);
        if (!quiet && code)
            fprintf(stderr, "httpd: %s %d\n", ip_str(ntohl(peer.sin_addr.s_addr)), code);
        shutdown(fd, SHUT_WR);
        /* Let the client's last bytes and FIN arrive so closing does not reset. */
        char sink[512];
        struct pollfd p = { fd, POLLIN, 0 };
        while (poll(&p, 1, 2000) == 1 && recv(fd, sink, sizeof(sink), 0) > 0)
            ;
        close(fd);
    }
    return 0;
}
