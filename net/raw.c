/*
 * raw.c - raw IPv4 sockets. Sending: the program's buffer is the payload of
 * one datagram of the socket's protocol (no IP_HDRINCL: the kernel writes
 * the IPv4 header). Receiving: a copy of every datagram of that protocol
 * addressed to this host, IPv4 header included, filtered by the bound and
 * connected addresses if any.
 */
#include <anyk/errno.h>
#include "kern/kmalloc.h"
#include "lib/string.h"
#include "net/ipv4.h"
#include "net/raw.h"

struct raw_pcb {
    struct list_node link;
    struct socket *so;
    uint8_t proto;
    uint32_t laddr, raddr;
};

#define RAW_COUNTERS(X) X(in_delivered) X(in_dropped) X(out_datagrams) X(out_errors)

static struct {
    struct list_node pcbs;
    struct {
        RAW_COUNTERS(NET_COUNTER_FIELD)
    } stats;
} raw = { .pcbs = LIST_INIT(raw.pcbs) };

static const char *const raw_names[] = { RAW_COUNTERS(NET_COUNTER_NAME) };

void raw_counters(struct net_counters *c)
{
    *c = NET_COUNTERS_OF("raw", raw_names, raw.stats);
}

bool raw_has_listener(uint8_t proto)
{
    struct list_node *n;

    list_for_each(n, &raw.pcbs)
        if (list_entry(n, struct raw_pcb, link)->proto == proto)
            return true;
    return false;
}

void raw_input(struct pkt *p, uint8_t proto)
{
    size_t hlen = (size_t)(p->data - p->l3);
    struct list_node *n;

    list_for_each(n, &raw.pcbs) {
        struct raw_pcb *q = list_entry(n, struct raw_pcb, link);
        struct pkt *c;

        if (q->proto != proto || (q->laddr && q->laddr != p->dst) ||
            (q->raddr && q->raddr != p->src))
            continue;
        if (!(c = pkt_alloc(hlen + p->len, 0))) {
            raw.stats.in_dropped++;
            continue;
        }
        memcpy(c->data, p->l3, hlen + p->len);
        c->src = p->src;
        c->dst = p->dst;
        c->sport = 0;
        if (sock_dgram_queue(q->so, c)) {
            raw.stats.in_delivered++;
        } else {
            raw.stats.in_dropped++;
            pkt_free(c);
        }
    }
}

static struct raw_pcb *pcb_of(struct socket *so)
{
    return so->pcb;
}

static int raw_bind(struct socket *so, const struct sock_addr *a)
{
    if (a->addr && !ipv4_is_local(a->addr))
        return -EADDRNOTAVAIL;
    pcb_of(so)->laddr = a->addr;
    return 0;
}

static int raw_connect(struct socket *so, const struct sock_addr *a)
{
    pcb_of(so)->raddr = a ? a->addr : 0;
    return 0;
}

static long raw_send(struct socket *so, const void *buf, size_t n, int flags,
                     const struct sock_addr *to)
{
    struct raw_pcb *pcb = pcb_of(so);
    struct ipv4_out o = { .src = pcb->laddr, .proto = pcb->proto, .ttl = so->ttl,
                          .tos = so->tos, .broadcast_ok = so->broadcast };
    struct pkt *p;
    int r;

    (void)flags;
    if (to)
        o.dst = to->addr;
    else if (pcb->raddr)
        o.dst = pcb->raddr;
    else
        return -EDESTADDRREQ;
    if (n > IPV4_MAX_LEN - IPV4_HLEN)
        return -EMSGSIZE;
    if (!(p = pkt_alloc(n, PKT_HEADROOM)))
        return -ENOBUFS;
    memcpy(p->data, buf, n);
    raw.stats.out_datagrams++;
    r = ipv4_output(p, &o);
    if (r < 0 && r != -ENOBUFS && r != -EIO) {
        raw.stats.out_errors++;
        return r;
    }
    return (long)n;
}

static long raw_recv(struct socket *so, void *buf, size_t n, int flags, struct sock_addr *from)
{
    return sock_dgram_recv(so, buf, n, flags, from);
}

static unsigned raw_poll(struct socket *so)
{
    unsigned ev = ANYK_POLLOUT;

    if (!list_empty(&so->rq))
        ev |= ANYK_POLLIN;
    if (so->error)
        ev |= ANYK_POLLERR;
    return ev;
}

static int raw_getname(struct socket *so, struct sock_addr *a, bool peer)
{
    struct raw_pcb *pcb = pcb_of(so);

    if (peer && !pcb->raddr)
        return -ENOTCONN;
    a->addr = peer ? pcb->raddr : pcb->laddr;
    a->port = 0;
    return 0;
}

static long raw_nread(struct socket *so)
{
    if (list_empty(&so->rq))
        return 0;
    return (long)list_entry(so->rq.next, struct pkt, link)->len;
}

static int raw_shutdown(struct socket *so, int how)
{
    (void)so, (void)how;
    return -ENOTCONN;
}

static void raw_info(struct socket *so, struct anyk_sockinfo *si)
{
    struct raw_pcb *pcb = pcb_of(so);

    si->laddr = net_htonl(pcb->laddr);
    si->raddr = net_htonl(pcb->raddr);
    si->rx_queue = (uint32_t)raw_nread(so);
}

static void raw_close(struct socket *so)
{
    struct raw_pcb *pcb = pcb_of(so);

    list_del(&pcb->link);
    kfree(pcb);
    sock_free(so);
}

static const struct sock_ops raw_ops = {
    .bind = raw_bind,
    .connect = raw_connect,
    .send = raw_send,
    .recv = raw_recv,
    .shutdown = raw_shutdown,
    .poll = raw_poll,
    .getname = raw_getname,
    .nread = raw_nread,
    .info = raw_info,
    .close = raw_close,
};

int raw_attach(struct socket *so, int proto)
{
    struct raw_pcb *pcb;

    if (proto == ANYK_IPPROTO_TCP || proto == ANYK_IPPROTO_UDP)
        return -EPROTONOSUPPORT; /* the kernel owns those */
    if (!(pcb = kzalloc(sizeof(*pcb))))
        return -ENOMEM;
    pcb->so = so;
    pcb->proto = (uint8_t)proto;
    list_add_tail(&raw.pcbs, &pcb->link);
    so->pcb = pcb;
    so->ops = &raw_ops;
    return 0;
}
