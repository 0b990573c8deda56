/*
 * arp.c - ARP (RFC 826) for IPv4 over Ethernet.
 *
 * The cache is a fixed table. An entry is INCOMPLETE while its requests are
 * outstanding (packets for it wait on its queue, at most ARP_QUEUE_MAX, the
 * oldest dropped first) and RESOLVED once a reply or a request from the
 * neighbour told us its address; a resolved entry is used for ARP_TTL_NS and
 * then forgotten, so a neighbour that changed its address is asked again.
 * After ARP_TRIES unanswered requests, the waiting packets are dropped and
 * their senders get an ICMP host unreachable (as Linux does), which ping
 * prints and sockets see as EHOSTUNREACH.
 *
 * One timer serves the whole table: it is armed for the earliest retry or
 * expiry, so an idle kernel with a quiet cache is not woken.
 *
 * Input follows RFC 826's merge: an entry for the sender is updated from any
 * valid packet; a new entry is made only when the packet is addressed to us.
 */
#include <anyk/errno.h>
#include "kern/printk.h"
#include "kern/time.h"
#include "kern/timer.h"
#include "lib/string.h"
#include "net/arp.h"
#include "net/ether.h"
#include "net/icmp.h"

#define ARP_HLEN 28
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

enum arp_state { ARP_FREE, ARP_INCOMPLETE, ARP_RESOLVED };

struct arp_entry {
    enum arp_state state;
    struct netif *nif;
    uint32_t ip;
    uint8_t mac[ETH_ALEN];
    uint64_t deadline;          /* INCOMPLETE: next retry; RESOLVED: expiry */
    uint64_t used;              /* last use, for eviction */
    unsigned tries;
    struct list_node queue;     /* packets waiting for the answer */
    unsigned queued;
};

#define ARP_COUNTERS(X) X(in_packets) X(in_malformed) X(in_requests) X(in_replies) \
    X(out_requests) X(out_replies) X(resolved) X(failed) X(queue_drops) X(table_full) \
    X(conflicts) X(expired)

static struct {
    struct arp_entry e[ARP_ENTRIES];
    struct timer timer;
    struct {
        ARP_COUNTERS(NET_COUNTER_FIELD)
    } stats;
} arp;

static const char *const arp_names[] = { ARP_COUNTERS(NET_COUNTER_NAME) };

void arp_counters(struct net_counters *c)
{
    *c = NET_COUNTERS_OF("arp", arp_names, arp.stats);
}

/* Arm the table's timer for the earliest deadline of any entry. */
static void arp_schedule(void)
{
    uint64_t next = UINT64_MAX;

    for (int i = 0; i < ARP_ENTRIES; i++)
        if (arp.e[i].state != ARP_FREE && arp.e[i].deadline < next)
            next = arp.e[i].deadline;
    if (next == UINT64_MAX)
        timer_cancel(&arp.timer);
    else
        timer_arm(&arp.timer, next, 0);
}

static void arp_send(struct netif *nif, uint16_t op, const uint8_t *tha, uint32_t tpa,
                     const uint8_t *dst)
{
    struct pkt *p = pkt_alloc(ARP_HLEN, PKT_HEADROOM);
    uint8_t *h;

    if (!p)
        return;
    h = p->data;
    wr16(h, 1);                 /* hardware: Ethernet */
    wr16(h + 2, ETH_TYPE_IPV4);
    h[4] = ETH_ALEN;
    h[5] = 4;
    wr16(h + 6, op);
    memcpy(h + 8, nif->mac, ETH_ALEN);
    wr32(h + 14, nif->addr);
    memcpy(h + 18, tha, ETH_ALEN);
    wr32(h + 24, tpa);
    if (op == ARP_OP_REQUEST)
        arp.stats.out_requests++;
    else
        arp.stats.out_replies++;
    ether_output(nif, p, dst, ETH_TYPE_ARP);
}

static void arp_request(struct arp_entry *e)
{
    static const uint8_t zero[ETH_ALEN];

    e->tries++;
    e->deadline = ktime_now() + ARP_RETRY_NS;
    arp_send(e->nif, ARP_OP_REQUEST, zero, e->ip, ether_broadcast);
}

static void entry_free(struct arp_entry *e)
{
    pkt_free_queue(&e->queue);
    e->queued = 0;
    e->state = ARP_FREE;
}

static struct arp_entry *arp_find(struct netif *nif, uint32_t ip)
{
    for (int i = 0; i < ARP_ENTRIES; i++)
        if (arp.e[i].state != ARP_FREE && arp.e[i].nif == nif && arp.e[i].ip == ip)
            return &arp.e[i];
    return NULL;
}

/* A free entry, or the least recently used resolved one; NULL if all are being resolved. */
static struct arp_entry *arp_alloc(void)
{
    struct arp_entry *victim = NULL;

    for (int i = 0; i < ARP_ENTRIES; i++) {
        struct arp_entry *e = &arp.e[i];
        if (e->state == ARP_FREE) {
            list_init(&e->queue);
            return e;
        }
        if (e->state == ARP_RESOLVED && (!victim || e->used < victim->used))
            victim = e;
    }
    if (victim)
        entry_free(victim);
    return victim;
}

/* The neighbour answered: send what waited for it. */
static void arp_resolved(struct arp_entry *e, const uint8_t *mac)
{
    struct list_node *n;

    memcpy(e->mac, mac, ETH_ALEN);
    if (e->state == ARP_INCOMPLETE)
        arp.stats.resolved++;
    e->state = ARP_RESOLVED;
    e->deadline = ktime_now() + ARP_TTL_NS;
    e->tries = 0;
    while ((n = list_pop_head(&e->queue))) {
        e->queued--;
        ether_output(e->nif, list_entry(n, struct pkt, link), e->mac, ETH_TYPE_IPV4);
    }
}

static void arp_timeout(struct timer *t, void *arg)
{
    uint64_t now = ktime_now();

    (void)t, (void)arg;
    for (int i = 0; i < ARP_ENTRIES; i++) {
        struct arp_entry *e = &arp.e[i];
        struct list_node *n;

        if (e->state == ARP_FREE || e->deadline > now)
            continue;
        if (e->state == ARP_RESOLVED) {
            arp.stats.expired++;
            entry_free(e);
        } else if (e->tries < ARP_TRIES) {
            arp_request(e);
        } else {
            /* No answer: each waiting packet's sender learns that the host is unreachable. */
            arp.stats.failed++;
            while ((n = list_pop_head(&e->queue))) {
                struct pkt *p = list_entry(n, struct pkt, link);
                e->queued--;
                icmp_send_error(p->data, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
                pkt_free(p);
            }
            entry_free(e);
        }
    }
    arp_schedule();
}

int arp_output(struct netif *nif, struct pkt *p, uint32_t nexthop)
{
    struct arp_entry *e = arp_find(nif, nexthop);

    if (e && e->state == ARP_RESOLVED) {
        e->used = ktime_now();
        return ether_output(nif, p, e->mac, ETH_TYPE_IPV4);
    }
    if (!e) {
        if (!(e = arp_alloc())) {
            arp.stats.table_full++;
            nif->stats.tx_dropped++;
            pkt_free(p);
            return -ENOBUFS;
        }
        e->state = ARP_INCOMPLETE;
        e->nif = nif;
        e->ip = nexthop;
        e->tries = 0;
        e->used = ktime_now();
        arp_request(e);
        arp_schedule();
    }
    if (e->queued >= ARP_QUEUE_MAX) {
        struct list_node *old = list_pop_head(&e->queue);
        pkt_free(list_entry(old, struct pkt, link));
        e->queued--;
        arp.stats.queue_drops++;
        nif->stats.tx_dropped++;
    }
    list_add_tail(&e->queue, &p->link);
    e->queued++;
    return 0;
}

/* Validate an ARP packet for IPv4 over Ethernet (the only kind we speak). */
static bool arp_valid(const struct pkt *p)
{
    const uint8_t *h = p->data;

    if (p->len < ARP_HLEN)
        return false;
    if (rd16(h) != 1 || rd16(h + 2) != ETH_TYPE_IPV4 || h[4] != ETH_ALEN || h[5] != 4)
        return false;
    if (rd16(h + 6) != ARP_OP_REQUEST && rd16(h + 6) != ARP_OP_REPLY)
        return false;
    /* A sender claiming a broadcast or multicast hardware address is bogus. */
    return !(h[8] & 1);
}

void arp_input(struct netif *nif, struct pkt *p)
{
    const uint8_t *h = p->data;
    uint16_t op;
    uint32_t spa, tpa;
    uint8_t sha[ETH_ALEN];
    struct arp_entry *e;
    bool to_us;

    arp.stats.in_packets++;
    if (!arp_valid(p)) {
        arp.stats.in_malformed++;
        nif->stats.rx_errors++;
        pkt_free(p);
        return;
    }
    op = rd16(h + 6);
    memcpy(sha, h + 8, ETH_ALEN);
    spa = rd32(h + 14);
    tpa = rd32(h + 24);
    pkt_free(p);
    if (op == ARP_OP_REQUEST)
        arp.stats.in_requests++;
    else
        arp.stats.in_replies++;
    if (!nif->addr)
        return;
    if (spa == nif->addr) {
        if (memcmp(sha, nif->mac, ETH_ALEN)) {
            char a[INET_ADDRSTRLEN];
            arp.stats.conflicts++;
            kwarn("%s: address %s is also used by %02x:%02x:%02x:%02x:%02x:%02x", nif->name,
                  inet_fmt(spa, a), sha[0], sha[1], sha[2], sha[3], sha[4], sha[5]);
        }
        return;
    }
    to_us = tpa == nif->addr;
    /* Probes (sender 0.0.0.0) and broadcast senders are never cached. */
    if (spa && !netif_is_broadcast(nif, spa) && !inet_is_multicast(spa)) {
        e = arp_find(nif, spa);
        if (!e && to_us && (e = arp_alloc())) {
            e->state = ARP_INCOMPLETE;
            e->nif = nif;
            e->ip = spa;
            e->used = ktime_now();
        }
        if (e) {
            arp_resolved(e, sha);
            arp_schedule();
        }
    }
    if (to_us && op == ARP_OP_REQUEST)
        arp_send(nif, ARP_OP_REPLY, sha, spa, sha);
}

void arp_announce(struct netif *nif)
{
    static const uint8_t zero[ETH_ALEN];

    arp_send(nif, ARP_OP_REQUEST, zero, nif->addr, ether_broadcast);
}

void arp_flush(struct netif *nif)
{
    for (int i = 0; i < ARP_ENTRIES; i++)
        if (arp.e[i].state != ARP_FREE && arp.e[i].nif == nif)
            entry_free(&arp.e[i]);
    arp_schedule();
}

size_t arp_list(struct anyk_arpinfo *out, size_t max)
{
    uint64_t now = ktime_now();
    size_t n = 0;

    for (int i = 0; i < ARP_ENTRIES; i++) {
        const struct arp_entry *e = &arp.e[i];
        if (e->state == ARP_FREE)
            continue;
        if (n < max) {
            struct anyk_arpinfo *a = &out[n];
            memset(a, 0, sizeof(*a));
            a->addr = net_htonl(e->ip);
            memcpy(a->mac, e->mac, ETH_ALEN);
            a->state = e->state == ARP_RESOLVED ? 1 : 2;
            strlcpy(a->ifname, e->nif->name, sizeof(a->ifname));
            a->expires_ms = e->deadline > now ? (uint32_t)((e->deadline - now) / 1000000) : 0;
        }
        n++;
    }
    return n;
}

void arp_init(void)
{
    timer_init(&arp.timer, arp_timeout, NULL);
    for (int i = 0; i < ARP_ENTRIES; i++)
        list_init(&arp.e[i].queue);
}
