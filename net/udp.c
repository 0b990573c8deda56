/*
 * udp.c - UDP (RFC 768, RFC 1122 4.1): datagram sockets.
 *
 * Input checks the length field against the datagram and the checksum
 * (when the sender computed one: 0 means none in IPv4), then finds the
 * socket: a connected one that matches both ends, else one bound to the
 * destination address, else a wildcard one. Broadcasts go to every socket
 * bound to the port. Nobody listening: ICMP port unreachable (that is what
 * makes a Linux `nc -u` see "connection refused").
 *
 * A socket's received datagrams wait in the socket layer's queue, bounded by
 * SO_RCVBUF; one that does not fit is dropped and counted, as UDP may.
 * Sending never waits: the datagram goes straight to IPv4.
 */
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "kern/kmalloc.h"
#include "lib/string.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/udp.h"

struct udp_pcb {
    struct list_node link;
    struct socket *so;
    uint32_t laddr, raddr;
    uint16_t lport, rport;
    bool bound_addr;            /* laddr was bound explicitly (connect must not change it) */
    bool bound_port;            /* lport was bound explicitly (not 0): kept on disconnect */
};

#define UDP_COUNTERS(X) X(in_datagrams) X(in_errors) X(in_bad_length) X(in_bad_checksum) \
    X(no_ports) X(rcvbuf_errors) X(out_datagrams) X(out_errors)

static struct {
    struct list_node pcbs;
    uint16_t next_port;
    struct {
        UDP_COUNTERS(NET_COUNTER_FIELD)
    } stats;
} udp = { .pcbs = LIST_INIT(udp.pcbs) };

static const char *const udp_names[] = { UDP_COUNTERS(NET_COUNTER_NAME) };

void udp_counters(struct net_counters *c)
{
    *c = NET_COUNTERS_OF("udp", udp_names, udp.stats);
}

static struct udp_pcb *pcb_of(struct socket *so)
{
    return so->pcb;
}

/* ---- ports --------------------------------------------------------------------------- */

/* Would binding (addr, port) clash with another socket? SO_REUSEADDR on both lets them share. */
static bool port_in_use(const struct udp_pcb *self, uint32_t addr, uint16_t port)
{
    struct list_node *n;

    list_for_each(n, &udp.pcbs) {
        struct udp_pcb *q = list_entry(n, struct udp_pcb, link);
        if (q == self || q->lport != port)
            continue;
        if (q->laddr && addr && q->laddr != addr)
            continue;
        if (self->so->reuseaddr && q->so->reuseaddr)
            continue;
        return true;
    }
    return false;
}

static int pick_port(struct udp_pcb *pcb, uint32_t addr)
{
    unsigned span = PORT_EPH_HI - PORT_EPH_LO + 1;

    if (!udp.next_port) {
        uint16_t r;
        hyp_random(&r, sizeof(r));
        udp.next_port = (uint16_t)(PORT_EPH_LO + r % span);
    }
    for (unsigned i = 0; i < span; i++) {
        uint16_t port = udp.next_port;
        udp.next_port = port == PORT_EPH_HI ? PORT_EPH_LO : (uint16_t)(port + 1);
        if (!port_in_use(pcb, addr, port)) {
            pcb->lport = port;
            return 0;
        }
    }
    return -EADDRINUSE;
}

/* ---- socket operations ------------------------------------------------------------------ */

static int udp_bind(struct socket *so, const struct sock_addr *a)
{
    struct udp_pcb *pcb = pcb_of(so);

    if (pcb->lport)
        return -EINVAL;
    if (a->addr && !ipv4_is_local(a->addr) && a->addr != INADDR_BROADCAST)
        return -EADDRNOTAVAIL;
    if (a->port) {
        if (port_in_use(pcb, a->addr, a->port))
            return -EADDRINUSE;
        pcb->lport = a->port;
        pcb->bound_port = true;
    } else {
        int r = pick_port(pcb, a->addr);
        if (r < 0)
            return r;
    }
    pcb->laddr = a->addr;
    pcb->bound_addr = a->addr != 0;
    return 0;
}

static int udp_connect(struct socket *so, const struct sock_addr *a)
{
    struct udp_pcb *pcb = pcb_of(so);
    uint32_t src;
    int r;

    if (!a) {
        /* As Linux: what connect or an automatic bind chose is forgotten. */
        pcb->raddr = 0;
        pcb->rport = 0;
        if (!pcb->bound_addr)
            pcb->laddr = 0;
        if (!pcb->bound_port)
            pcb->lport = 0;
        return 0;
    }
    if ((r = ipv4_route(a->addr, &src, NULL)) < 0)
        return r;
    if (!pcb->lport && (r = pick_port(pcb, 0)) < 0)
        return r;
    if (!pcb->bound_addr)
        pcb->laddr = src;
    pcb->raddr = a->addr;
    pcb->rport = a->port;
    so->error = 0;
    return 0;
}

static long udp_send(struct socket *so, const void *buf, size_t n, int flags,
                     const struct sock_addr *to)
{
    struct udp_pcb *pcb = pcb_of(so);
    struct ipv4_out o = { .proto = IP_PROTO_UDP, .ttl = so->ttl, .tos = so->tos,
                          .broadcast_ok = so->broadcast };
    uint32_t src;
    uint16_t dport;
    struct pkt *p;
    uint8_t *h;
    uint16_t sum;
    int r;

    (void)flags;
    if (so->shut_wr)
        return -EPIPE;
    if (to) {
        o.dst = to->addr;
        dport = to->port;
    } else if (pcb->rport) {
        o.dst = pcb->raddr;
        dport = pcb->rport;
    } else {
        return -EDESTADDRREQ;
    }
    if (!dport)
        return -EINVAL;
    if (n > UDP_MAX_PAYLOAD)
        return -EMSGSIZE;
    if (!pcb->lport && (r = pick_port(pcb, 0)) < 0)
        return r;
    src = pcb->laddr;
    if ((!src || src == INADDR_BROADCAST) && (r = ipv4_route(o.dst, &src, NULL)) < 0)
        return r;
    if (!(p = pkt_alloc(UDP_HLEN + n, PKT_HEADROOM)))
        return -ENOBUFS;
    h = p->data;
    wr16(h, pcb->lport);
    wr16(h + 2, dport);
    wr16(h + 4, (uint16_t)(UDP_HLEN + n));
    wr16(h + 6, 0);
    memcpy(h + UDP_HLEN, buf, n);
    sum = inet_fold(inet_sum(h, UDP_HLEN + n,
                             inet_pseudo_sum(src, o.dst, IP_PROTO_UDP, (uint16_t)(UDP_HLEN + n))));
    wr16(h + 6, sum ? sum : 0xffff); /* 0 would mean "no checksum" */
    o.src = src;
    udp.stats.out_datagrams++;
    r = ipv4_output(p, &o);
    /* A datagram lost below IP (full NIC, device error) is lost as the wire would lose it. */
    if (r < 0 && r != -ENOBUFS && r != -EIO) {
        udp.stats.out_errors++;
        return r;
    }
    return (long)n;
}

static long udp_recv(struct socket *so, void *buf, size_t n, int flags, struct sock_addr *from)
{
    return sock_dgram_recv(so, buf, n, flags, from);
}

static int udp_shutdown(struct socket *so, int how)
{
    if (!pcb_of(so)->rport)
        return -ENOTCONN;
    if (how == ANYK_SHUT_RD || how == ANYK_SHUT_RDWR)
        so->shut_rd = true;
    if (how == ANYK_SHUT_WR || how == ANYK_SHUT_RDWR)
        so->shut_wr = true;
    sock_wake(so);
    return 0;
}

static unsigned udp_poll(struct socket *so)
{
    unsigned ev = ANYK_POLLOUT;

    if (!list_empty(&so->rq) || so->shut_rd)
        ev |= ANYK_POLLIN;
    if (so->error)
        ev |= ANYK_POLLERR;
    if (so->shut_rd && so->shut_wr)
        ev |= ANYK_POLLHUP;
    return ev;
}

static int udp_getname(struct socket *so, struct sock_addr *a, bool peer)
{
    struct udp_pcb *pcb = pcb_of(so);

    if (peer) {
        if (!pcb->rport)
            return -ENOTCONN;
        a->addr = pcb->raddr;
        a->port = pcb->rport;
    } else {
        a->addr = pcb->laddr;
        a->port = pcb->lport;
    }
    return 0;
}

static long udp_nread(struct socket *so)
{
    if (list_empty(&so->rq))
        return 0;
    return (long)list_entry(so->rq.next, struct pkt, link)->len;
}

static void udp_info(struct socket *so, struct anyk_sockinfo *si)
{
    struct udp_pcb *pcb = pcb_of(so);
    struct list_node *n;

    si->laddr = net_htonl(pcb->laddr);
    si->lport = net_htons(pcb->lport);
    si->raddr = net_htonl(pcb->raddr);
    si->rport = net_htons(pcb->rport);
    list_for_each(n, &so->rq)
        si->rx_queue += (uint32_t)list_entry(n, struct pkt, link)->len;
}

static void udp_close(struct socket *so)
{
    struct udp_pcb *pcb = pcb_of(so);

    list_del(&pcb->link);
    kfree(pcb);
    sock_free(so);
}

static const struct sock_ops udp_ops = {
    .bind = udp_bind,
    .connect = udp_connect,
    .send = udp_send,
    .recv = udp_recv,
    .shutdown = udp_shutdown,
    .poll = udp_poll,
    .getname = udp_getname,
    .nread = udp_nread,
    .info = udp_info,
    .close = udp_close,
};

int udp_attach(struct socket *so)
{
    struct udp_pcb *pcb = kzalloc(sizeof(*pcb));

    if (!pcb)
        return -ENOMEM;
    pcb->so = so;
    list_add_tail(&udp.pcbs, &pcb->link);
    so->pcb = pcb;
    so->ops = &udp_ops;
    return 0;
}

/* ---- input ---------------------------------------------------------------------------------- */

static void deliver(struct udp_pcb *pcb, struct pkt *p)
{
    if (!sock_dgram_queue(pcb->so, p)) {
        udp.stats.rcvbuf_errors++;
        pkt_free(p);
    }
}

void udp_input(struct pkt *p)
{
    uint8_t *h = p->data;
    uint16_t sport, dport, ulen;
    struct udp_pcb *best = NULL;
    int best_score = -1;
    struct list_node *n;

    udp.stats.in_datagrams++;
    if (p->len < UDP_HLEN) {
        udp.stats.in_bad_length++;
        goto err;
    }
    ulen = rd16(h + 4);
    if (ulen < UDP_HLEN || ulen > p->len) {
        udp.stats.in_bad_length++;
        goto err;
    }
    pkt_trim(p, ulen);
    if (rd16(h + 6) &&
        inet_fold(inet_sum(h, ulen, inet_pseudo_sum(p->src, p->dst, IP_PROTO_UDP, ulen))) != 0) {
        udp.stats.in_bad_checksum++;
        goto err;
    }
    sport = rd16(h);
    dport = rd16(h + 2);
    p->sport = sport;
    if (!dport) {
        udp.stats.in_bad_length++;
        goto err;
    }
    pkt_pull(p, UDP_HLEN);

    if (p->bcast) {
        /* Every socket on the port that is not bound or connected elsewhere gets a copy. */
        struct udp_pcb *last = NULL;
        list_for_each(n, &udp.pcbs) {
            struct udp_pcb *q = list_entry(n, struct udp_pcb, link);
            if (q->lport != dport || (q->rport && (q->raddr != p->src || q->rport != sport)))
                continue;
            if (q->laddr && q->laddr != p->dst && q->laddr != INADDR_BROADCAST)
                continue;
            if (last) {
                struct pkt *c = pkt_clone(p, 0);
                if (c)
                    deliver(last, c);
            }
            last = q;
        }
        if (!last) {
            udp.stats.no_ports++;
            pkt_free(p);
            return;
        }
        deliver(last, p);
        return;
    }

    list_for_each(n, &udp.pcbs) {
        struct udp_pcb *q = list_entry(n, struct udp_pcb, link);
        int score = 0;
        if (q->lport != dport)
            continue;
        if (q->laddr) {
            if (q->laddr != p->dst)
                continue;
            score += 2;
        }
        if (q->rport) {
            if (q->raddr != p->src || q->rport != sport)
                continue;
            score += 4;
        }
        if (score > best_score) {
            best = q;
            best_score = score;
        }
    }
    if (!best) {
        udp.stats.no_ports++;
        icmp_send_error(p->l3, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
        pkt_free(p);
        return;
    }
    deliver(best, p);
    return;
err:
    udp.stats.in_errors++;
    pkt_free(p);
}

void udp_icmp_error(uint32_t src, uint32_t dst, const uint8_t *hdr, uint8_t type, uint8_t code)
{
    uint16_t sport = rd16(hdr), dport = rd16(hdr + 2);
    struct list_node *n;
    int err;

    if (type == ICMP_DEST_UNREACH) {
        switch (code) {
        case ICMP_PORT_UNREACH: err = -ECONNREFUSED; break;
        case ICMP_PROT_UNREACH: err = -ECONNREFUSED; break;
        case ICMP_NET_UNREACH: err = -ENETUNREACH; break;
        case ICMP_FRAG_NEEDED: err = -EMSGSIZE; break;
        default: err = -EHOSTUNREACH; break;
        }
    } else if (type == ICMP_TIME_EXCEEDED) {
        err = -EHOSTUNREACH;
    } else {
        return;
    }
    /* Only a connected socket hears of it (RFC 1122 4.1.3.3 leaves it to the application). */
    list_for_each(n, &udp.pcbs) {
        struct udp_pcb *q = list_entry(n, struct udp_pcb, link);
        if (q->lport == sport && q->rport == dport && q->raddr == dst &&
            (!q->laddr || q->laddr == src)) {
            q->so->error = err;
            sock_wake(q->so);
        }
    }
}
