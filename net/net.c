/*
 * net.c - bringing the stack up, and what it tells and lets change: the
 * netconf operations of the program API (interfaces, routes, sockets,
 * counters, the ARP cache) and the text of /proc/net.
 */
#include <anyk/errno.h>
#include "fs/procfs/procfs.h"
#include "kern/kmalloc.h"
#include "kern/printk.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "net/arp.h"
#include "net/ether.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/net.h"
#include "net/netif.h"
#include "net/raw.h"
#include "net/route.h"
#include "net/socket.h"
#include "net/tcp.h"
#include "net/udp.h"

typedef void (*counters_fn)(struct net_counters *c);

static void pkt_counters(struct net_counters *c)
{
    static struct {
        uint64_t allocs, frees, failures, in_use;
    } st;
    static const char *const names[] = { "allocs", "frees", "failures", "in_use" };
    struct pkt_stats ps;

    pkt_stats(&ps);
    st.allocs = ps.allocs;
    st.frees = ps.frees;
    st.failures = ps.failures;
    st.in_use = ps.in_use;
    *c = NET_COUNTERS_OF("pkt", names, st);
}

static const counters_fn counter_tables[] = {
    ether_counters, arp_counters, ipv4_counters, icmp_counters,
    udp_counters, raw_counters, tcp_counters, pkt_counters,
};

#define NTABLES (sizeof(counter_tables) / sizeof(counter_tables[0]))

/* ---- netconf ------------------------------------------------------------------------ */

static void if_info(const struct netif *nif, struct anyk_ifinfo *o)
{
    memset(o, 0, sizeof(*o));
    strlcpy(o->name, nif->name, sizeof(o->name));
    o->flags = nif->flags;
    o->mtu = nif->mtu;
    memcpy(o->mac, nif->mac, ETH_ALEN);
    o->index = (uint16_t)nif->index;
    o->addr = net_htonl(nif->addr);
    o->netmask = net_htonl(nif->netmask);
    if (nif->addr && (nif->flags & ANYK_IFF_BROADCAST))
        o->broadcast = net_htonl((nif->addr & nif->netmask) | ~nif->netmask);
    o->rx_packets = nif->stats.rx_packets;
    o->rx_bytes = nif->stats.rx_bytes;
    o->rx_errors = nif->stats.rx_errors;
    o->rx_dropped = nif->stats.rx_dropped;
    o->tx_packets = nif->stats.tx_packets;
    o->tx_bytes = nif->stats.tx_bytes;
    o->tx_errors = nif->stats.tx_errors;
    o->tx_dropped = nif->stats.tx_dropped;
    strlcpy(o->host_name, nif->host_name, sizeof(o->host_name));
}

static int if_set(const struct anyk_ifreq *rq)
{
    char name[NETIF_NAME_MAX];
    struct netif *nif;
    int r;

    memcpy(name, rq->name, sizeof(name));
    name[sizeof(name) - 1] = '\0';
    if (!(nif = netif_by_name(name)))
        return -ENODEV;
    if (rq->set & ~(uint32_t)(ANYK_IFSET_ADDR | ANYK_IFSET_FLAGS | ANYK_IFSET_MTU))
        return -EINVAL;
    if ((rq->set & ANYK_IFSET_MTU) && (r = netif_set_mtu(nif, rq->mtu)) < 0)
        return r;
    if (rq->set & ANYK_IFSET_ADDR) {
        if (nif == netif_loopback())
            return -EPERM; /* lo keeps 127.0.0.1: too much depends on it */
        if ((r = netif_set_addr(nif, net_ntohl(rq->addr), net_ntohl(rq->netmask))) < 0)
            return r;
    }
    if (rq->set & ANYK_IFSET_FLAGS)
        return netif_set_up(nif, rq->flags & ANYK_IFF_UP);
    return 0;
}

static int rt_add(const struct anyk_route *rt)
{
    char name[NETIF_NAME_MAX];
    struct netif *nif = NULL;

    memcpy(name, rt->ifname, sizeof(name));
    name[sizeof(name) - 1] = '\0';
    if (name[0] && !(nif = netif_by_name(name)))
        return -ENODEV;
    if (!rt->gateway && !nif)
        return -EINVAL;
    return route_add(net_ntohl(rt->dest), net_ntohl(rt->netmask), net_ntohl(rt->gateway), nif,
                     rt->metric);
}

struct list_ctx {
    void *out;
    size_t max, n;
};

static void list_if(struct netif *nif, void *arg)
{
    struct list_ctx *c = arg;

    if (c->n < c->max)
        if_info(nif, (struct anyk_ifinfo *)c->out + c->n);
    c->n++;
}

static size_t counters_list(struct anyk_counter *out, size_t max)
{
    size_t n = 0;

    for (size_t t = 0; t < NTABLES; t++) {
        struct net_counters c;
        counter_tables[t](&c);
        for (size_t i = 0; i < c.n; i++, n++) {
            if (n >= max)
                continue;
            memset(&out[n], 0, sizeof(out[n]));
            ksnprintf(out[n].name, sizeof(out[n].name), "%s.%s", c.proto, c.names[i]);
            out[n].value = c.values[i];
        }
    }
    return n;
}

int net_conf(int op, void *arg, size_t len)
{
    switch (op) {
    case ANYK_NET_IFLIST: {
        struct list_ctx c = { arg, len / sizeof(struct anyk_ifinfo), 0 };
        netif_foreach(list_if, &c);
        return (int)c.n;
    }
    case ANYK_NET_IFSET:
        if (len < sizeof(struct anyk_ifreq))
            return -EINVAL;
        return if_set(arg);
    case ANYK_NET_RTLIST:
        return (int)route_list(arg, len / sizeof(struct anyk_route));
    case ANYK_NET_RTADD:
        if (len < sizeof(struct anyk_route))
            return -EINVAL;
        return rt_add(arg);
    case ANYK_NET_RTDEL: {
        const struct anyk_route *rt = arg;
        if (len < sizeof(struct anyk_route))
            return -EINVAL;
        return route_del(net_ntohl(rt->dest), net_ntohl(rt->netmask), net_ntohl(rt->gateway));
    }
    case ANYK_NET_SOCKLIST: {
        size_t max = len / sizeof(struct anyk_sockinfo);
        size_t n = sock_list(arg, max);
        n += tcp_list_orphans(n < max ? (struct anyk_sockinfo *)arg + n : NULL,
                              n < max ? max - n : 0);
        return (int)n;
    }
    case ANYK_NET_COUNTERS:
        return (int)counters_list(arg, len / sizeof(struct anyk_counter));
    case ANYK_NET_ARPLIST:
        return (int)arp_list(arg, len / sizeof(struct anyk_arpinfo));
    default:
        return -EINVAL;
    }
}

/* ---- /proc/net ----------------------------------------------------------------------- */

struct text {
    char *buf;
    size_t cap, len;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (t->len >= t->cap)
        return;
    va_start(ap, fmt);
    n = kvsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n < t->cap - t->len ? (size_t)n : t->cap - t->len - 1;
}

static void text_if(struct netif *nif, void *arg)
{
    struct text *t = arg;
    char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN];

    put(t, "%s %s/%s mtu %u %s%s rx %llu %llu %llu %llu tx %llu %llu %llu %llu\n", nif->name,
        inet_fmt(nif->addr, a), inet_fmt(nif->netmask, m), nif->mtu,
        nif->flags & ANYK_IFF_UP ? "up" : "down", nif->flags & ANYK_IFF_LOOPBACK ? " loopback" : "",
        (unsigned long long)nif->stats.rx_packets, (unsigned long long)nif->stats.rx_bytes,
        (unsigned long long)nif->stats.rx_errors, (unsigned long long)nif->stats.rx_dropped,
        (unsigned long long)nif->stats.tx_packets, (unsigned long long)nif->stats.tx_bytes,
        (unsigned long long)nif->stats.tx_errors, (unsigned long long)nif->stats.tx_dropped);
}

static size_t proc_net(char *buf, size_t cap)
{
    struct text t = { buf, cap, 0 };
    struct anyk_route rt[ROUTE_MAX];
    size_t n;

    put(&t, "# interfaces: name addr/mask mtu state rx packets bytes errors dropped tx ...\n");
    netif_foreach(text_if, &t);
    put(&t, "# routes: destination/mask gateway interface metric\n");
    n = route_list(rt, ROUTE_MAX);
    for (size_t i = 0; i < n && i < ROUTE_MAX; i++) {
        char d[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
        put(&t, "%s/%s %s %s %u\n", inet_fmt(net_ntohl(rt[i].dest), d),
            inet_fmt(net_ntohl(rt[i].netmask), m), inet_fmt(net_ntohl(rt[i].gateway), g),
            rt[i].ifname, rt[i].metric);
    }
    put(&t, "# tcp connections\n");
    t.len += tcp_debug_text(t.buf + t.len, t.cap - t.len);
    put(&t, "# counters\n");
    for (size_t k = 0; k < NTABLES; k++) {
        struct net_counters c;
        counter_tables[k](&c);
        for (size_t i = 0; i < c.n; i++)
            put(&t, "%s.%s %llu\n", c.proto, c.names[i], (unsigned long long)c.values[i]);
    }
    return t.len;
}

void net_init(unsigned nnet)
{
    arp_init();
    ipv4_init();
    tcp_init();
    netif_init(nnet);
    if (procfs_register("net", proc_net) < 0)
        kwarn("net: cannot add /proc/net");
}
