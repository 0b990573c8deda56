/*
 * socket.c - sockets over the API table (version 2), and vectored I/O.
 * struct sockaddr_in has the kernel's layout (struct anyk_sockaddr_in), so
 * addresses pass through unchanged.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "libc_impl.h"

_Static_assert(sizeof(struct sockaddr_in) == sizeof(struct anyk_sockaddr_in), "sockaddr_in");

/* A kernel older than sockets has a shorter table. */
static int have_sockets(void)
{
    if (__anyk->size < offsetof(struct anyk_api, netconf) + sizeof(void *)) {
        errno = ENOSYS;
        return 0;
    }
    return 1;
}

int socket(int domain, int type, int protocol)
{
    if (!have_sockets())
        return -1;
    return (int)__sysret(__anyk->socket(domain, type, protocol));
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    return (int)__sysret(__anyk->bind(fd, addr, len));
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    return (int)__sysret(__anyk->connect(fd, addr, len));
}

int listen(int fd, int backlog)
{
    return (int)__sysret(__anyk->listen(fd, backlog));
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    return (int)__sysret(__anyk->accept(fd, addr, len, flags));
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    return accept4(fd, addr, len, 0);
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *addr,
               socklen_t len)
{
    return __sysret(__anyk->sendto(fd, buf, n, flags, addr, len));
}

ssize_t send(int fd, const void *buf, size_t n, int flags)
{
    return sendto(fd, buf, n, flags, NULL, 0);
}

ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr, socklen_t *len)
{
    return __sysret(__anyk->recvfrom(fd, buf, n, flags, addr, len));
}

ssize_t recv(int fd, void *buf, size_t n, int flags)
{
    return recvfrom(fd, buf, n, flags, NULL, NULL);
}

int shutdown(int fd, int how)
{
    return (int)__sysret(__anyk->shutdown(fd, how));
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
    return (int)__sysret(__anyk->getsockname(fd, addr, len));
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
    return (int)__sysret(__anyk->getpeername(fd, addr, len));
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    return (int)__sysret(__anyk->setsockopt(fd, level, name, val, len));
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
    return (int)__sysret(__anyk->getsockopt(fd, level, name, val, len));
}

/* sendmsg/recvmsg: one datagram through a bounce buffer (no control messages). */
static size_t iov_total(const struct iovec *iov, size_t n)
{
    size_t t = 0;

    for (size_t i = 0; i < n; i++)
        t += iov[i].iov_len;
    return t;
}

ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
    size_t total = iov_total(m->msg_iov, m->msg_iovlen), off = 0;
    char *buf;
    ssize_t r;

    if (m->msg_iovlen == 1)
        return sendto(fd, m->msg_iov[0].iov_base, total, flags, m->msg_name, m->msg_namelen);
    if (!(buf = malloc(total ? total : 1)))
        return -1;
    for (size_t i = 0; i < m->msg_iovlen; i++) {
        memcpy(buf + off, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len);
        off += m->msg_iov[i].iov_len;
    }
    r = sendto(fd, buf, total, flags, m->msg_name, m->msg_namelen);
    free(buf);
    return r;
}

ssize_t recvmsg(int fd, struct msghdr *m, int flags)
{
    size_t total = iov_total(m->msg_iov, m->msg_iovlen), off = 0;
    socklen_t *lenp = m->msg_name ? &m->msg_namelen : NULL;
    char *buf;
    ssize_t r;

    m->msg_flags = 0;
    m->msg_controllen = 0;
    if (m->msg_iovlen == 1)
        return recvfrom(fd, m->msg_iov[0].iov_base, total, flags, m->msg_name, lenp);
    if (!(buf = malloc(total ? total : 1)))
        return -1;
    r = recvfrom(fd, buf, total, flags, m->msg_name, lenp);
    for (size_t i = 0; r > 0 && i < m->msg_iovlen && off < (size_t)r; i++) {
        size_t k = (size_t)r - off < m->msg_iov[i].iov_len ? (size_t)r - off
                                                            : m->msg_iov[i].iov_len;
        memcpy(m->msg_iov[i].iov_base, buf + off, k);
        off += k;
    }
    free(buf);
    return r;
}

ssize_t readv(int fd, const struct iovec *iov, int n)
{
    ssize_t total = 0;

    for (int i = 0; i < n; i++) {
        ssize_t r = read(fd, iov[i].iov_base, iov[i].iov_len);
        if (r < 0)
            return total ? total : -1;
        total += r;
        if ((size_t)r < iov[i].iov_len)
            break;
    }
    return total;
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
    ssize_t total = 0;

    for (int i = 0; i < n; i++) {
        ssize_t r = write(fd, iov[i].iov_base, iov[i].iov_len);
        if (r < 0)
            return total ? total : -1;
        total += r;
        if ((size_t)r < iov[i].iov_len)
            break;
    }
    return total;
}
