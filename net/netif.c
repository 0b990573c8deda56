/*
 * netif.c - interfaces: lo and the host's NICs, their configuration, the
 * NIC driver that drains hyp_net_recv when the idle loop reports a NIC, and
 * the deferred input queue of lo.
 *
 * A NIC is drained a bounded number of frames at a time (RX_BUDGET): if
 * frames remain, a timer due at once continues after the threads that the
 * first batch woke have run, so a flood cannot starve them. The host reports
 * a NIC again only after a read returned -EAGAIN (hyp.h), so the driver
 * keeps draining until it sees that.
 */
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "kern/idle.h"
#include "kern/kmalloc.h"
#include "kern/printk.h"
#include "kern/time.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "net/arp.h"
#include "net/ether.h"
#include "net/ipv4.h"
#include "net/netif.h"
#include "net/route.h"

#define RX_BUDGET 64
#define LO_MTU 16384
#define DEFER_MAX 512           /* lo's queue; beyond it packets are dropped as a full NIC would */

static struct {
    struct netif *nifs[NETIF_MAX];
    unsigned n;
    uint8_t *rxbuf;             /* one frame being received (NIC input is never re-entered) */
    size_t rxcap;
    struct list_node defer;     /* lo's packets waiting for input */
    size_t ndefer;
    struct timer defer_timer;
} netifs = { .defer = LIST_INIT(netifs.defer) };

struct netif *netif_by_index(unsigned index)
{
    return index >= 1 && index <= netifs.n ? netifs.nifs[index - 1] : NULL;
}

struct netif *netif_loopback(void)
{
    return netifs.nifs[0];
}

struct netif *netif_by_name(const char *name)
{
    for (unsigned i = 0; i < netifs.n; i++)
        if (!strcmp(netifs.nifs[i]->name, name))
            return netifs.nifs[i];
    return NULL;
}

void netif_foreach(void (*fn)(struct netif *nif, void *arg), void *arg)
{
    for (unsigned i = 0; i < netifs.n; i++)
        fn(netifs.nifs[i], arg);
}

struct netif *netif_by_addr(uint32_t addr)
{
    for (unsigned i = 0; i < netifs.n; i++)
        if (netifs.nifs[i]->addr && netifs.nifs[i]->addr == addr)
            return netifs.nifs[i];
    /* All of 127/8 is the loopback interface's, as on Linux. */
    if (inet_is_loopback(addr))
        return netifs.nifs[0];
    return NULL;
}

bool netif_is_broadcast(const struct netif *nif, uint32_t addr)
{
    if (addr == INADDR_BROADCAST)
        return true;
    return nif->addr && nif->netmask != 0xffffffffu &&
           addr == ((nif->addr & nif->netmask) | ~nif->netmask);
}

/* ---- transmit ------------------------------------------------------------------ */

int netif_xmit(struct netif *nif, struct pkt *p)
{
    int r;

    if (!(nif->flags & ANYK_IFF_UP)) {
        nif->stats.tx_dropped++;
        pkt_free(p);
        return -ENETDOWN;
    }
    r = hyp_net_send((uint32_t)nif->hyp, p->data, p->len);
    if (r == 0) {
        nif->stats.tx_packets++;
        nif->stats.tx_bytes += p->len;
    } else if (r == -EAGAIN) {
        nif->stats.tx_dropped++;
        r = -ENOBUFS;
    } else {
        nif->stats.tx_errors++;
        r = r == -EMSGSIZE ? -EMSGSIZE : -EIO;
    }
    pkt_free(p);
    return r;
}

/* ---- receive --------------------------------------------------------------------- */

static void nic_drain(struct netif *nif)
{
    for (int budget = RX_BUDGET; budget > 0; budget--) {
        long n = hyp_net_recv((uint32_t)nif->hyp, netifs.rxbuf, netifs.rxcap);
        struct pkt *p;

        if (n == -EAGAIN)
            return;
        if (n == -EMSGSIZE) {       /* longer than any frame of our MTU: dropped by the host */
            nif->stats.rx_errors++;
            continue;
        }
        if (n < 0) {
            nif->stats.rx_errors++;
            return;
        }
        nif->stats.rx_packets++;
        nif->stats.rx_bytes += (uint64_t)n;
        if (!(nif->flags & ANYK_IFF_UP)) {
            nif->stats.rx_dropped++;
            continue;
        }
        /* Copied into a packet of its own size: queued datagrams hold no more than they need. */
        if (!(p = pkt_alloc((size_t)n, PKT_HEADROOM))) {
            nif->stats.rx_dropped++;
            continue;
        }
        memcpy(p->data, netifs.rxbuf, (size_t)n);
        p->nif = nif;
        ether_input(nif, p);
    }
    /* Out of budget: the rest after the threads this batch woke. */
    timer_arm(&nif->repoll, ktime_now(), 0);
}

static void nic_repoll(struct timer *t, void *arg)
{
    (void)t;
    nic_drain(arg);
}

static void nic_event(uint32_t ev)
{
    unsigned i = (unsigned)__builtin_ctz(ev) - (unsigned)__builtin_ctz(HYP_POLL_NET(0));

    /* lo is index 1, NIC i is index i + 2. */
    struct netif *nif = netif_by_index(i + 2);
    if (nif)
        nic_drain(nif);
}

/* ---- loopback ----------------------------------------------------------------------- */

static void defer_run(struct timer *t, void *arg)
{
    struct list_node *n;
    int budget = RX_BUDGET;

    (void)t, (void)arg;
    while (budget-- > 0 && (n = list_pop_head(&netifs.defer))) {
        struct pkt *p = list_entry(n, struct pkt, link);
        netifs.ndefer--;
        ipv4_input(p->nif, p);
    }
    if (!list_empty(&netifs.defer))
        timer_arm(&netifs.defer_timer, ktime_now(), 0);
}

void netif_defer_input(struct netif *nif, struct pkt *p)
{
    if (netifs.ndefer >= DEFER_MAX) {
        nif->stats.rx_dropped++;
        pkt_free(p);
        return;
    }
    p->nif = nif;
    list_add_tail(&netifs.defer, &p->link);
    netifs.ndefer++;
    if (!timer_pending(&netifs.defer_timer))
        timer_arm(&netifs.defer_timer, ktime_now(), 0);
}

static int lo_output(struct netif *nif, struct pkt *p, uint32_t nexthop)
{
    (void)nexthop;
    if (!(nif->flags & ANYK_IFF_UP)) {
        nif->stats.tx_dropped++;
        pkt_free(p);
        return -ENETDOWN;
    }
    nif->stats.tx_packets++;
    nif->stats.tx_bytes += p->len;
    nif->stats.rx_packets++;
    nif->stats.rx_bytes += p->len;
    netif_defer_input(nif, p);
    return 0;
}

static const struct netif_ops lo_ops = { .output = lo_output };

/* ---- configuration -------------------------------------------------------------------- */

int netif_set_addr(struct netif *nif, uint32_t addr, uint32_t netmask)
{
    if (addr && (netmask && (~netmask & (~netmask + 1))))
        return -EINVAL; /* the mask's ones must be contiguous */
    if (addr && (inet_is_multicast(addr) || addr == INADDR_BROADCAST))
        return -EINVAL;
    if (nif->addr)
        route_del_connected(nif);
    nif->addr = addr;
    nif->netmask = addr ? netmask : 0;
    if (addr) {
        route_add_connected(nif);
        if ((nif->flags & ANYK_IFF_UP) && nif->hyp >= 0)
            arp_announce(nif);
    }
    arp_flush(nif);
    return 0;
}

int netif_set_up(struct netif *nif, bool up)
{
    bool was = nif->flags & ANYK_IFF_UP;

    if (up == was)
        return 0;
    if (up) {
        nif->flags |= ANYK_IFF_UP | ANYK_IFF_RUNNING;
        if (nif->addr && nif->hyp >= 0)
            arp_announce(nif);
    } else {
        nif->flags &= ~(uint32_t)(ANYK_IFF_UP | ANYK_IFF_RUNNING);
        arp_flush(nif);
    }
    return 0;
}

int netif_set_mtu(struct netif *nif, uint32_t mtu)
{
    if (mtu < IPV4_MIN_MTU || mtu > nif->mtu_max)
        return -EINVAL;
    nif->mtu = mtu;
    return 0;
}

static struct netif *netif_new(const char *name)
{
    struct netif *nif = kzalloc(sizeof(*nif));

    if (!nif)
        panic("netif: no memory for interface %s", name);
    strlcpy(nif->name, name, sizeof(nif->name));
    nif->index = netifs.n + 1;
    netifs.nifs[netifs.n++] = nif;
    timer_init(&nif->repoll, nic_repoll, nif);
    return nif;
}

void netif_init(unsigned nnet)
{
    struct netif *lo = netif_new("lo");
    size_t maxmtu = 0;

    timer_init(&netifs.defer_timer, defer_run, NULL);
    lo->flags = ANYK_IFF_UP | ANYK_IFF_LOOPBACK | ANYK_IFF_RUNNING;
    lo->mtu = lo->mtu_max = LO_MTU;
    lo->hyp = -1;
    lo->ops = &lo_ops;
    strlcpy(lo->host_name, "loopback", sizeof(lo->host_name));
    netif_set_addr(lo, INADDR_LOOPBACK, 0xff000000u);

    for (unsigned i = 0; i < nnet && netifs.n < NETIF_MAX && i < 30; i++) {
        struct hyp_net_info info;
        char name[NETIF_NAME_MAX];
        struct netif *nif;

        if (hyp_net_info(i, &info) < 0)
            continue;
        ksnprintf(name, sizeof(name), "eth%u", i);
        nif = netif_new(name);
        nif->hyp = (int)i;
        nif->mtu = nif->mtu_max = info.mtu >= IPV4_MIN_MTU ? info.mtu : 1500;
        if (nif->mtu > maxmtu)
            maxmtu = nif->mtu;
        memcpy(nif->mac, info.mac, ETH_ALEN);
        strlcpy(nif->host_name, info.name, sizeof(nif->host_name));
        nif->flags = ANYK_IFF_BROADCAST;
        nif->ops = &ether_ip_ops;
        idle_set_handler(HYP_POLL_NET(i), nic_event);
    }
    if (maxmtu) {
        /* A frame: header, an optional 802.1Q tag, the MTU's payload. */
        netifs.rxcap = ETH_HLEN + 4 + maxmtu;
        if (!(netifs.rxbuf = kmalloc(netifs.rxcap)))
            panic("netif: no memory for the receive buffer");
    }
}
