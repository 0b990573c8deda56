/*
 * ipv4.c - IPv4 input and output (RFC 791, RFC 1122 3.2.1).
 *
 * Input checks every header field a receiver depends on before anything
 * else reads the datagram: version, header length, total length against
 * the frame, header checksum, and martian source addresses; then it
 * accepts only datagrams for this host (an address of ours, weak host
 * model as on Linux; a broadcast; 224.0.0.1), reassembles fragments,
 * offers a copy to raw sockets and hands the payload to ICMP, UDP or TCP.
 *
 * Output routes, picks the source address, fragments what exceeds the
 * interface's MTU (unless the sender said don't fragment) and passes the
 * datagram to the interface with the next hop.
 */
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "lib/string.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/raw.h"
#include "net/route.h"
#include "net/tcp.h"
#include "net/udp.h"

#define IPV4_COUNTERS(X) X(in_receives) X(in_hdr_errors) X(in_bad_checksum) X(in_truncated) \
    X(in_martians) X(in_addr_errors) X(in_unknown_protos) X(in_delivers) X(out_requests)     \
    X(out_no_routes) X(out_discards) X(frag_oks) X(frag_fails) X(frag_creates)              \
    X(reasm_reqds) X(reasm_oks) X(reasm_fails) X(reasm_timeouts) X(reasm_overlaps)           \
    X(reasm_limit_drops)

static struct {
    uint16_t next_id;
    struct {
        IPV4_COUNTERS(NET_COUNTER_FIELD)
    } stats;
} ip;

static const char *const ip_names[] = { IPV4_COUNTERS(NET_COUNTER_NAME) };

void ipv4_counters(struct net_counters *c)
{
    *c = NET_COUNTERS_OF("ip", ip_names, ip.stats);
}

void ipv4_count_reasm(int what)
{
    switch (what) {
    case REASM_REQD: ip.stats.reasm_reqds++; break;
    case REASM_OK: ip.stats.reasm_oks++; break;
    case REASM_FAILS: ip.stats.reasm_fails++; break;
    case REASM_TIMEOUT: ip.stats.reasm_timeouts++; ip.stats.reasm_fails++; break;
    case REASM_OVERLAP: ip.stats.reasm_overlaps++; ip.stats.reasm_fails++; break;
    case REASM_LIMIT: ip.stats.reasm_limit_drops++; ip.stats.reasm_fails++; break;
    }
}

void ipv4_init(void)
{
    uint16_t id;

    /* Identification starts somewhere unpredictable (RFC 6864 asks for no pattern). */
    hyp_random(&id, sizeof(id));
    ip.next_id = id;
    ipv4_frag_init();
}

bool ipv4_is_local(uint32_t addr)
{
    return netif_by_addr(addr) != NULL;
}

/* Is the datagram addressed to this host, as received on nif? */
static bool for_us(struct netif *nif, uint32_t dst, bool *bcast)
{
    *bcast = false;
    if (netif_is_broadcast(nif, dst) || dst == 0xe0000001u) {
        *bcast = true;
        return true;
    }
    if (inet_is_loopback(dst))
        return nif->flags & ANYK_IFF_LOOPBACK;
    return netif_by_addr(dst) != NULL;
}

/* A source address no host may have: broadcast, multicast, or loopback from outside. */
static bool martian_source(struct netif *nif, uint32_t src)
{
    if (inet_is_multicast(src) || src == INADDR_BROADCAST || netif_is_broadcast(nif, src))
        return true;
    return inet_is_loopback(src) && !(nif->flags & ANYK_IFF_LOOPBACK);
}

void ipv4_input(struct netif *nif, struct pkt *p)
{
    uint8_t *h = p->data;
    size_t hlen, tot;
    uint16_t frag;
    bool bcast;

    ip.stats.in_receives++;
    if (p->len < IPV4_HLEN || (h[0] >> 4) != 4 || (h[0] & 0xf) < 5) {
        ip.stats.in_hdr_errors++;
        goto drop_err;
    }
    hlen = (size_t)(h[0] & 0xf) * 4;
    tot = rd16(h + 2);
    if (hlen > p->len || tot > p->len) {
        ip.stats.in_truncated++;
        goto drop_err;
    }
    if (tot < hlen) {
        ip.stats.in_hdr_errors++;
        goto drop_err;
    }
    if (inet_fold(inet_sum(h, hlen, 0)) != 0) {
        ip.stats.in_bad_checksum++;
        goto drop_err;
    }
    pkt_trim(p, tot); /* Ethernet padding after the datagram */
    p->src = rd32(h + 12);
    p->dst = rd32(h + 16);
    p->ttl = h[8];
    if (martian_source(nif, p->src)) {
        ip.stats.in_martians++;
        goto drop;
    }
    if (!for_us(nif, p->dst, &bcast)) {
        ip.stats.in_addr_errors++; /* not ours, and we do not forward */
        goto drop;
    }
    p->bcast = p->bcast || bcast;
    frag = rd16(h + 6);
    if (frag & (IP_FLAG_MF | IP_OFFMASK)) {
        if (!(p = ipv4_reassemble(p)))
            return;
        h = p->data;
        hlen = (size_t)(h[0] & 0xf) * 4;
    }
    p->l3 = h;
    p->nif = nif;
    pkt_pull(p, hlen);
    raw_input(p, h[9]);
    ip.stats.in_delivers++;
    switch (h[9]) {
    case IP_PROTO_ICMP:
        icmp_input(p);
        return;
    case IP_PROTO_UDP:
        udp_input(p);
        return;
    case IP_PROTO_TCP:
        tcp_input(p);
        return;
    default:
        if (!raw_has_listener(h[9])) {
            ip.stats.in_unknown_protos++;
            if (!p->bcast)
                icmp_send_error(p->l3, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
        }
        pkt_free(p);
        return;
    }
drop_err:
    nif->stats.rx_errors++;
drop:
    pkt_free(p);
}

/* ---- output ------------------------------------------------------------------------- */

/* The interface and next hop for dst: our own addresses go through lo. */
static struct netif *ipv4_route_nif(uint32_t dst, uint32_t *nexthop)
{
    if (ipv4_is_local(dst) && !(dst == INADDR_BROADCAST)) {
        *nexthop = dst;
        return netif_loopback();
    }
    return route_lookup(dst, nexthop);
}

int ipv4_route(uint32_t dst, uint32_t *src, uint32_t *mtu)
{
    uint32_t nexthop;
    struct netif *nif = ipv4_route_nif(dst, &nexthop);

    if (!nif)
        return -ENETUNREACH;
    if (src) {
        /* To one of our own addresses, that address is the source too (Linux does so). */
        *src = nif == netif_loopback() && !inet_is_loopback(dst) ? dst : nif->addr;
        if (nif == netif_loopback() && inet_is_loopback(dst))
            *src = INADDR_LOOPBACK;
    }
    if (mtu)
        *mtu = nif->mtu;
    return 0;
}

static void put_header(uint8_t *h, size_t tot, uint16_t id, uint16_t frag,
                       const struct ipv4_out *o, uint32_t src)
{
    h[0] = 0x45;
    h[1] = o->tos;
    wr16(h + 2, (uint16_t)tot);
    wr16(h + 4, id);
    wr16(h + 6, frag);
    h[8] = o->ttl ? o->ttl : IPV4_DEFAULT_TTL;
    h[9] = o->proto;
    wr16(h + 10, 0);
    wr32(h + 12, src);
    wr32(h + 16, o->dst);
    wr16(h + 10, inet_fold(inet_sum(h, IPV4_HLEN, 0)));
}

/* Send p's payload in pieces that fit nif's MTU; offsets in 8-byte units (RFC 791). */
static int fragment(struct netif *nif, struct pkt *p, const struct ipv4_out *o, uint32_t src,
                    uint16_t id, uint32_t nexthop)
{
    size_t chunk = (nif->mtu - IPV4_HLEN) & ~(size_t)7, off = 0;
    int r = 0;

    while (off < p->len) {
        size_t n = p->len - off < chunk ? p->len - off : chunk;
        bool more = off + n < p->len;
        struct pkt *f = pkt_alloc(n, PKT_HEADROOM);

        if (!f) {
            ip.stats.frag_fails++;
            r = -ENOBUFS;
            break;
        }
        memcpy(f->data, p->data + off, n);
        put_header(pkt_push(f, IPV4_HLEN), IPV4_HLEN + n, id,
                   (uint16_t)((more ? IP_FLAG_MF : 0) | (off / 8)), o, src);
        ip.stats.frag_creates++;
        if ((r = nif->ops->output(nif, f, nexthop)) < 0)
            break;
        off += n;
    }
    if (r == 0)
        ip.stats.frag_oks++;
    pkt_free(p);
    return r;
}

int ipv4_output(struct pkt *p, const struct ipv4_out *o)
{
    uint32_t nexthop, src = o->src;
    struct netif *nif;
    uint16_t id;

    ip.stats.out_requests++;
    if (p->len > IPV4_MAX_LEN - IPV4_HLEN) {
        ip.stats.out_discards++;
        pkt_free(p);
        return -EMSGSIZE;
    }
    if (!(nif = ipv4_route_nif(o->dst, &nexthop))) {
        ip.stats.out_no_routes++;
        pkt_free(p);
        return -ENETUNREACH;
    }
    if (netif_is_broadcast(nif, o->dst) && !o->broadcast_ok) {
        ip.stats.out_discards++;
        pkt_free(p);
        return -EACCES;
    }
    if (!src && ipv4_route(o->dst, &src, NULL) < 0) {
        pkt_free(p);
        return -ENETUNREACH;
    }
    id = ip.next_id++;
    if (p->len + IPV4_HLEN > nif->mtu) {
        if (o->df) {
            ip.stats.frag_fails++;
            pkt_free(p);
            return -EMSGSIZE;
        }
        return fragment(nif, p, o, src, id, nexthop);
    }
    size_t tot = p->len + IPV4_HLEN;
    put_header(pkt_push(p, IPV4_HLEN), tot, id, o->df ? IP_FLAG_DF : 0, o, src);
    return nif->ops->output(nif, p, nexthop);
}
