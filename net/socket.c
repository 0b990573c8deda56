/*
 * socket.c - the socket layer: creating sockets, sockets as files, the
 * options every protocol shares, waiting, and the datagram receive queue.
 */
#include <anyk/errno.h>
#include "kern/kmalloc.h"
#include "kern/time.h"
#include "lib/string.h"
#include "net/raw.h"
#include "net/socket.h"
#include "net/tcp.h"
#include "net/udp.h"

static struct {
    struct list_node all;
    size_t count;
} socks = { LIST_INIT(socks.all), 0 };

/* ---- creation and files ---------------------------------------------------------- */

int sock_create(int domain, int type, int protocol, struct socket **out)
{
    struct socket *so;
    int r;

    if (domain != ANYK_AF_INET)
        return -EAFNOSUPPORT;
    if (type != ANYK_SOCK_STREAM && type != ANYK_SOCK_DGRAM && type != ANYK_SOCK_RAW)
        return -ESOCKTNOSUPPORT;
    if (protocol < 0 || protocol > 255)
        return -EPROTONOSUPPORT;
    if ((type == ANYK_SOCK_STREAM && protocol && protocol != ANYK_IPPROTO_TCP) ||
        (type == ANYK_SOCK_DGRAM && protocol && protocol != ANYK_IPPROTO_UDP) ||
        (type == ANYK_SOCK_RAW && (protocol == 0 || protocol == 255)))
        return -EPROTONOSUPPORT;
    if (!(so = kzalloc(sizeof(*so))))
        return -ENOMEM;
    so->type = type;
    so->protocol = protocol ? protocol
                   : type == ANYK_SOCK_STREAM ? ANYK_IPPROTO_TCP : ANYK_IPPROTO_UDP;
    so->rcvbuf = SOCK_RCVBUF_DEFAULT;
    so->sndbuf = SOCK_SNDBUF_DEFAULT;
    waitq_init(&so->wq);
    list_init(&so->rq);
    if (type == ANYK_SOCK_STREAM)
        r = tcp_attach(so);
    else if (type == ANYK_SOCK_DGRAM)
        r = udp_attach(so);
    else
        r = raw_attach(so, protocol);
    if (r < 0) {
        kfree(so);
        return r;
    }
    list_add_tail(&socks.all, &so->link);
    socks.count++;
    *out = so;
    return 0;
}

struct socket *sock_new_child(const struct socket *l)
{
    struct socket *so = kzalloc(sizeof(*so));

    if (!so)
        return NULL;
    so->type = l->type;
    so->protocol = l->protocol;
    so->ops = l->ops;
    so->rcvtimeo = l->rcvtimeo;
    so->sndtimeo = l->sndtimeo;
    so->rcvbuf = l->rcvbuf;
    so->sndbuf = l->sndbuf;
    so->reuseaddr = l->reuseaddr;
    so->keepalive = l->keepalive;
    so->linger = l->linger;
    so->ttl = l->ttl;
    so->tos = l->tos;
    waitq_init(&so->wq);
    list_init(&so->rq);
    list_add_tail(&socks.all, &so->link);
    socks.count++;
    return so;
}

void sock_free(struct socket *so)
{
    sock_dgram_flush(so);
    list_del(&so->link);
    socks.count--;
    kfree(so);
}

static long sf_read(struct file *f, void *buf, size_t n)
{
    struct socket *so = f->priv;
    return so->ops->recv(so, buf, n, 0, NULL);
}

static long sf_write(struct file *f, const void *buf, size_t n)
{
    struct socket *so = f->priv;
    return so->ops->send(so, buf, n, 0, NULL);
}

static unsigned sf_poll(struct file *f, struct waitq **wq)
{
    struct socket *so = f->priv;

    if (wq)
        *wq = &so->wq;
    return so->ops->poll(so);
}

static int sf_ioctl(struct file *f, unsigned long req, void *arg)
{
    struct socket *so = f->priv;

    switch (req) {
    case ANYK_FIONREAD: {
        long n = so->ops->nread(so);
        if (n < 0)
            return (int)n;
        *(int *)arg = n > INT_MAX ? INT_MAX : (int)n;
        return 0;
    }
    case ANYK_FIONBIO:
        if (*(const int *)arg)
            f->flags |= ANYK_O_NONBLOCK;
        else
            f->flags &= ~ANYK_O_NONBLOCK;
        return 0;
    default:
        return -ENOTTY;
    }
}

static void sf_close(struct file *f)
{
    struct socket *so = f->priv;

    so->file = NULL;
    sock_wake(so);
    so->ops->close(so);
}

static const struct file_ops sock_file_ops = {
    .read = sf_read,
    .write = sf_write,
    .poll = sf_poll,
    .ioctl = sf_ioctl,
    .close = sf_close,
};

int sock_file(struct socket *so, int flags, struct file **out)
{
    struct file *f = file_alloc();

    if (!f)
        return -ENFILE;
    f->ops = &sock_file_ops;
    f->priv = so;
    f->flags = ANYK_O_RDWR | (flags & ANYK_O_NONBLOCK);
    so->file = f;
    *out = f;
    return 0;
}

struct socket *sock_of_file(struct file *f)
{
    return f && f->ops == &sock_file_ops ? f->priv : NULL;
}

/* ---- waiting ------------------------------------------------------------------------ */

bool sock_nonblock(const struct socket *so, int flags)
{
    if (flags & ANYK_MSG_DONTWAIT)
        return true;
    return so->file ? (so->file->flags & ANYK_O_NONBLOCK) != 0 : so->nonblock;
}

uint64_t sock_deadline(uint64_t timeo)
{
    return timeo ? ktime_now() + timeo : UINT64_MAX;
}

int sock_wait(struct socket *so, uint64_t deadline)
{
    int r = waitq_wait_intr(&so->wq, deadline);

    if (r == -ETIMEDOUT)
        return -EAGAIN;
    return r;
}

void sock_wake(struct socket *so)
{
    waitq_wake_all(&so->wq);
}

int sock_take_error(struct socket *so)
{
    int e = so->error;

    so->error = 0;
    return e;
}

/* ---- the datagram queue ---------------------------------------------------------------- */

/* What a queued datagram costs against SO_RCVBUF: its bytes and its bookkeeping. */
static size_t dgram_cost(const struct pkt *p)
{
    return p->len + sizeof(struct pkt);
}

bool sock_dgram_queue(struct socket *so, struct pkt *p)
{
    if (so->shut_rd || so->rq_bytes + dgram_cost(p) > so->rcvbuf)
        return false;
    list_add_tail(&so->rq, &p->link);
    so->rq_bytes += dgram_cost(p);
    sock_wake(so);
    return true;
}

void sock_dgram_flush(struct socket *so)
{
    pkt_free_queue(&so->rq);
    so->rq_bytes = 0;
}

long sock_dgram_recv(struct socket *so, void *buf, size_t n, int flags, struct sock_addr *from)
{
    uint64_t deadline = sock_deadline(so->rcvtimeo);
    struct pkt *p;
    size_t k, len;
    int r;

    while (list_empty(&so->rq)) {
        if ((r = sock_take_error(so)) < 0)
            return r;
        if (so->shut_rd)
            return 0;
        if (sock_nonblock(so, flags))
            return -EAGAIN;
        if ((r = sock_wait(so, deadline)) < 0)
            return r;
    }
    p = list_entry(so->rq.next, struct pkt, link);
    len = p->len;
    k = n < len ? n : len;
    memcpy(buf, p->data, k);
    if (from) {
        from->addr = p->src;
        from->port = p->sport;
    }
    if (!(flags & ANYK_MSG_PEEK)) {
        list_del(&p->link);
        so->rq_bytes -= dgram_cost(p);
        pkt_free(p);
    }
    return (long)(flags & ANYK_MSG_TRUNC ? len : k);
}

/* ---- options ---------------------------------------------------------------------------- */

static int get_int(const void *val, uint32_t len, int *out)
{
    if (len < sizeof(int))
        return -EINVAL;
    memcpy(out, val, sizeof(int));
    return 0;
}

static int put_int(void *val, uint32_t *len, int v)
{
    uint32_t n = *len < sizeof(int) ? *len : (uint32_t)sizeof(int);

    memcpy(val, &v, n);
    *len = n;
    return 0;
}

static int get_timeo(const void *val, uint32_t len, uint64_t *out)
{
    struct anyk_timeval tv;

    if (len < sizeof(tv))
        return -EINVAL;
    memcpy(&tv, val, sizeof(tv));
    if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
        return -EDOM;
    /* A negative or absurdly long timeout means none, as zero does. */
    if (tv.tv_sec < 0 || (uint64_t)tv.tv_sec > UINT64_MAX / 1000000000ull / 4)
        *out = 0;
    else
        *out = (uint64_t)tv.tv_sec * 1000000000ull + (uint64_t)tv.tv_usec * 1000ull;
    return 0;
}

static int put_timeo(void *val, uint32_t *len, uint64_t ns)
{
    struct anyk_timeval tv = { (int64_t)(ns / 1000000000ull),
                               (int64_t)(ns % 1000000000ull / 1000ull) };
    uint32_t n = *len < sizeof(tv) ? *len : (uint32_t)sizeof(tv);

    memcpy(val, &tv, n);
    *len = n;
    return 0;
}

static uint32_t clamp_buf(int v)
{
    if (v < SOCK_BUF_MIN)
        return SOCK_BUF_MIN;
    return v > SOCK_BUF_MAX ? SOCK_BUF_MAX : (uint32_t)v;
}

int sock_setopt(struct socket *so, int level, int name, const void *val, uint32_t len)
{
    int v = 0, r;

    if (level == ANYK_SOL_SOCKET) {
        switch (name) {
        case ANYK_SO_RCVTIMEO:
            return get_timeo(val, len, &so->rcvtimeo);
        case ANYK_SO_SNDTIMEO:
            return get_timeo(val, len, &so->sndtimeo);
        case ANYK_SO_LINGER:
            if (len < sizeof(so->linger))
                return -EINVAL;
            memcpy(&so->linger, val, sizeof(so->linger));
            return 0;
        case ANYK_SO_TYPE:
        case ANYK_SO_ERROR:
        case ANYK_SO_ACCEPTCONN:
            return -ENOPROTOOPT;
        }
        if ((r = get_int(val, len, &v)) < 0)
            return r;
        switch (name) {
        case ANYK_SO_REUSEADDR: so->reuseaddr = v != 0; return 0;
        case ANYK_SO_BROADCAST: so->broadcast = v != 0; return 0;
        case ANYK_SO_KEEPALIVE:
            so->keepalive = v != 0;
            /* TCP arms or stops its keepalive timer. */
            if (so->ops->setopt)
                so->ops->setopt(so, level, name, val, len);
            return 0;
        case ANYK_SO_RCVBUF: so->rcvbuf = clamp_buf(v); return 0;
        case ANYK_SO_SNDBUF: so->sndbuf = clamp_buf(v); return 0;
        default: return -ENOPROTOOPT;
        }
    }
    if (level == ANYK_IPPROTO_IP) {
        if ((r = get_int(val, len, &v)) < 0)
            return r;
        switch (name) {
        case ANYK_IP_TTL:
            if (v == -1)
                v = 0;
            else if (v < 1 || v > 255)
                return -EINVAL;
            so->ttl = (uint8_t)v;
            return 0;
        case ANYK_IP_TOS:
            so->tos = (uint8_t)v;
            return 0;
        default:
            return -ENOPROTOOPT;
        }
    }
    if (so->ops->setopt)
        return so->ops->setopt(so, level, name, val, len);
    return -ENOPROTOOPT;
}

int sock_getopt(struct socket *so, int level, int name, void *val, uint32_t *len)
{
    if (level == ANYK_SOL_SOCKET) {
        switch (name) {
        case ANYK_SO_RCVTIMEO: return put_timeo(val, len, so->rcvtimeo);
        case ANYK_SO_SNDTIMEO: return put_timeo(val, len, so->sndtimeo);
        case ANYK_SO_LINGER: {
            uint32_t n = *len < sizeof(so->linger) ? *len : (uint32_t)sizeof(so->linger);
            memcpy(val, &so->linger, n);
            *len = n;
            return 0;
        }
        case ANYK_SO_TYPE: return put_int(val, len, so->type);
        case ANYK_SO_ERROR: return put_int(val, len, -sock_take_error(so));
        case ANYK_SO_REUSEADDR: return put_int(val, len, so->reuseaddr);
        case ANYK_SO_BROADCAST: return put_int(val, len, so->broadcast);
        case ANYK_SO_KEEPALIVE: return put_int(val, len, so->keepalive);
        case ANYK_SO_RCVBUF: return put_int(val, len, (int)so->rcvbuf);
        case ANYK_SO_SNDBUF: return put_int(val, len, (int)so->sndbuf);
        case ANYK_SO_ACCEPTCONN:
            if (so->ops->getopt)
                return so->ops->getopt(so, level, name, val, len);
            return put_int(val, len, 0);
        default: return -ENOPROTOOPT;
        }
    }
    if (level == ANYK_IPPROTO_IP) {
        switch (name) {
        case ANYK_IP_TTL: return put_int(val, len, so->ttl ? so->ttl : 64);
        case ANYK_IP_TOS: return put_int(val, len, so->tos);
        default: return -ENOPROTOOPT;
        }
    }
    if (so->ops->getopt)
        return so->ops->getopt(so, level, name, val, len);
    return -ENOPROTOOPT;
}

/* ---- listing ------------------------------------------------------------------------------ */

void sock_foreach(void (*fn)(struct socket *so, void *arg), void *arg)
{
    struct list_node *n;

    list_for_each(n, &socks.all)
        fn(list_entry(n, struct socket, link), arg);
}

size_t sock_list(struct anyk_sockinfo *out, size_t max)
{
    struct list_node *n;
    size_t i = 0;

    list_for_each(n, &socks.all) {
        struct socket *so = list_entry(n, struct socket, link);
        if (i < max) {
            memset(&out[i], 0, sizeof(out[i]));
            out[i].type = so->type;
            out[i].protocol = so->protocol;
            so->ops->info(so, &out[i]);
        }
        i++;
    }
    return i;
}
