/*
 * syscall_net.c - the program API's sockets and network configuration
 * (include/anyk/api.h, version 2). As in kern/syscall.c, every entry is the
 * kernel's edge: pointers are checked, socket addresses are copied in and
 * validated (length, family), descriptors must be sockets (ENOTSOCK), and
 * the socket layer (net/socket.c) only ever sees kernel copies and checked
 * buffers.
 */
#include <anyk/errno.h>
#include "kern/syscall.h"
#include "kern/syscall_net.h"
#include "kern/task.h"
#include "kern/thread.h"
#include "lib/string.h"
#include "net/inet.h"
#include "net/net.h"
#include "net/socket.h"

#define NETCONF_MAX (1u << 20)
#define SOCKOPT_MAX 256

#define ENTER()                                                                                \
    struct task *self = task_current();                                                        \
    sched_preempt_point()

#define leave(r) syscall_leave(r)

/* The socket behind descriptor fd, or return ENOTSOCK/EBADF. */
#define SOCK(var, fd)                                                                          \
    struct socket *var;                                                                        \
    do {                                                                                       \
        struct file *f_ = task_fd(self, fd);                                                   \
        if (!f_)                                                                               \
            return leave(-EBADF);                                                              \
        if (!(var = sock_of_file(f_)))                                                         \
            return leave(-ENOTSOCK);                                                           \
    } while (0)

/* Copy in and check a program's sockaddr_in. */
static int addr_in(const void *uaddr, uint32_t len, struct sock_addr *out)
{
    struct anyk_sockaddr_in sin;

    if (!uaddr || !syscall_uok(uaddr, len))
        return -EFAULT;
    if (len < sizeof(sin))
        return -EINVAL;
    memcpy(&sin, uaddr, sizeof(sin));
    if (sin.sin_family != ANYK_AF_INET)
        return -EAFNOSUPPORT;
    out->addr = net_ntohl(sin.sin_addr);
    out->port = net_ntohs(sin.sin_port);
    return 0;
}

/* Copy an address out: as much as *ulen allows; *ulen becomes the full size (POSIX). */
static int addr_out(void *uaddr, uint32_t *ulen, const struct sock_addr *a)
{
    struct anyk_sockaddr_in sin;
    uint32_t n;

    if (!uaddr)
        return 0;
    if (!ulen || !syscall_uok(ulen, sizeof(*ulen)))
        return -EFAULT;
    n = *ulen;
    if (n > INT_MAX)
        return -EINVAL;
    if (n > sizeof(sin))
        n = sizeof(sin);
    if (!syscall_uok(uaddr, n))
        return -EFAULT;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = ANYK_AF_INET;
    sin.sin_port = net_htons(a->port);
    sin.sin_addr = net_htonl(a->addr);
    memcpy(uaddr, &sin, n);
    *ulen = sizeof(sin);
    return 0;
}

/* Give a new socket a file and a descriptor; on failure the socket is closed. */
static int install(struct task *self, struct socket *so, int flags)
{
    struct file *f;
    int r;

    if ((r = sock_file(so, flags, &f)) < 0) {
        so->ops->close(so);
        return r;
    }
    if ((r = task_fd_install(self, f, 0, flags & ANYK_SOCK_CLOEXEC)) < 0)
        file_put(f);
    return r;
}

int api_socket(int domain, int type, int protocol)
{
    int flags = type & (ANYK_SOCK_NONBLOCK | ANYK_SOCK_CLOEXEC);
    struct socket *so;
    int r;

    ENTER();
    if ((r = sock_create(domain, type & ~flags, protocol, &so)) < 0)
        return (int)leave(r);
    return (int)leave(install(self, so, flags));
}

int api_bind(int fd, const void *uaddr, uint32_t len)
{
    struct sock_addr a;
    int r;

    ENTER();
    SOCK(so, fd);
    if ((r = addr_in(uaddr, len, &a)) < 0)
        return (int)leave(r);
    return (int)leave(so->ops->bind(so, &a));
}

int api_connect(int fd, const void *uaddr, uint32_t len)
{
    struct sock_addr a;
    int r;

    ENTER();
    SOCK(so, fd);
    /* AF_UNSPEC dissolves a datagram socket's association. */
    if (uaddr && len >= 2 && syscall_uok(uaddr, 2) &&
        *(const uint16_t *)uaddr == ANYK_AF_UNSPEC)
        return (int)leave(so->ops->connect(so, NULL));
    if ((r = addr_in(uaddr, len, &a)) < 0)
        return (int)leave(r);
    return (int)leave(so->ops->connect(so, &a));
}

int api_listen(int fd, int backlog)
{
    ENTER();
    SOCK(so, fd);
    if (!so->ops->listen)
        return (int)leave(-EOPNOTSUPP);
    return (int)leave(so->ops->listen(so, backlog));
}

int api_accept(int fd, void *uaddr, uint32_t *ulen, int flags)
{
    struct socket *nso;
    struct sock_addr peer;
    int r;

    ENTER();
    SOCK(so, fd);
    if (flags & ~(ANYK_SOCK_NONBLOCK | ANYK_SOCK_CLOEXEC))
        return (int)leave(-EINVAL);
    if (uaddr && (!ulen || !syscall_uok(ulen, sizeof(*ulen))))
        return (int)leave(-EFAULT);
    if (!so->ops->accept)
        return (int)leave(-EOPNOTSUPP);
    if ((r = so->ops->accept(so, &nso)) < 0)
        return (int)leave(r);
    if (uaddr && nso->ops->getname(nso, &peer, true) == 0 && (r = addr_out(uaddr, ulen, &peer)) < 0) {
        nso->ops->close(nso);
        return (int)leave(r);
    }
    return (int)leave(install(self, nso, flags));
}

long api_sendto(int fd, const void *buf, size_t n, int flags, const void *uaddr, uint32_t len)
{
    struct sock_addr a;
    long r;

    ENTER();
    SOCK(so, fd);
    if (!syscall_uok(buf, n))
        return leave(-EFAULT);
    if (uaddr) {
        if ((r = addr_in(uaddr, len, &a)) < 0)
            return leave(r);
    }
    r = so->ops->send(so, buf, n, flags, uaddr ? &a : NULL);
    if (r == -EPIPE && !(flags & ANYK_MSG_NOSIGNAL))
        task_signal(self->pid, ANYK_SIGPIPE);
    return leave(r);
}

long api_recvfrom(int fd, void *buf, size_t n, int flags, void *uaddr, uint32_t *ulen)
{
    struct sock_addr from = { 0, 0 };
    long r;
    int e = 0;

    ENTER();
    SOCK(so, fd);
    if (!syscall_uok(buf, n))
        return leave(-EFAULT);
    if (uaddr && (!ulen || !syscall_uok(ulen, sizeof(*ulen))))
        return leave(-EFAULT);
    r = so->ops->recv(so, buf, n, flags, &from);
    if (r >= 0 && uaddr) {
        if (so->type == ANYK_SOCK_STREAM)
            e = so->ops->getname(so, &from, true);
        if (so->type != ANYK_SOCK_STREAM || e == 0)
            if ((e = addr_out(uaddr, ulen, &from)) < 0)
                return leave(e);
    }
    return leave(r);
}

int api_shutdown(int fd, int how)
{
    ENTER();
    SOCK(so, fd);
    if (how < ANYK_SHUT_RD || how > ANYK_SHUT_RDWR)
        return (int)leave(-EINVAL);
    return (int)leave(so->ops->shutdown(so, how));
}

static int name_common(int fd, void *uaddr, uint32_t *ulen, bool peer)
{
    struct sock_addr a;
    int r;

    ENTER();
    SOCK(so, fd);
    if (!uaddr || !ulen)
        return (int)leave(-EFAULT);
    if ((r = so->ops->getname(so, &a, peer)) < 0)
        return (int)leave(r);
    return (int)leave(addr_out(uaddr, ulen, &a));
}

int api_getsockname(int fd, void *uaddr, uint32_t *ulen)
{
    return name_common(fd, uaddr, ulen, false);
}

int api_getpeername(int fd, void *uaddr, uint32_t *ulen)
{
    return name_common(fd, uaddr, ulen, true);
}

int api_setsockopt(int fd, int level, int name, const void *val, uint32_t len)
{
    char opt[SOCKOPT_MAX];

    ENTER();
    SOCK(so, fd);
    if (len > SOCKOPT_MAX)
        return (int)leave(-EINVAL);
    if (!val || !syscall_uok(val, len))
        return (int)leave(-EFAULT);
    memcpy(opt, val, len);
    return (int)leave(sock_setopt(so, level, name, opt, len));
}

int api_getsockopt(int fd, int level, int name, void *val, uint32_t *ulen)
{
    char opt[SOCKOPT_MAX];
    uint32_t len;
    int r;

    ENTER();
    SOCK(so, fd);
    if (!ulen || !syscall_uok(ulen, sizeof(*ulen)))
        return (int)leave(-EFAULT);
    len = *ulen;
    if (len > INT_MAX)
        return (int)leave(-EINVAL);
    if (len > SOCKOPT_MAX)
        len = SOCKOPT_MAX;
    if (!val || !syscall_uok(val, len))
        return (int)leave(-EFAULT);
    if ((r = sock_getopt(so, level, name, opt, &len)) < 0)
        return (int)leave(r);
    memcpy(val, opt, len);
    *ulen = len;
    return (int)leave(0);
}

int api_netconf(int op, void *arg, size_t len)
{
    ENTER();
    (void)self;
    if (len > NETCONF_MAX)
        return (int)leave(-EINVAL);
    if (!arg ? len != 0 : !syscall_uok(arg, len))
        return (int)leave(-EFAULT);
    return (int)leave(net_conf(op, arg, len));
}
