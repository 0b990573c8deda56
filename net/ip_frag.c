/*
 * ip_frag.c - reassembly of IPv4 fragments (RFC 791 section 3.2, RFC 815's
 * idea of tracking what is still missing).
 *
 * A datagram in reassembly is keyed by (source, destination, protocol,
 * identification). Its fragments wait in a list sorted by offset. Limits
 * keep a flood of fragments from eating memory: at most REASM_MAX datagrams
 * at once, REASM_FRAGS_MAX fragments each, REASM_BYTES_MAX bytes queued in
 * all; past them the oldest datagram is given up. A datagram not complete
 * after REASM_TIMEOUT_NS is dropped, and if its first fragment came, the
 * sender gets an ICMP time exceeded (code 1, RFC 792/1122).
 *
 * Overlapping fragments are a known attack on reassembly (and RFC 5722
 * forbids them for IPv6): a fragment that overlaps another without being
 * its exact duplicate makes the whole datagram be dropped. Exact duplicates
 * (the network duplicated a packet) are ignored.
 */
#include <anyk/errno.h>
#include "kern/time.h"
#include "kern/timer.h"
#include "lib/string.h"
#include "net/icmp.h"
#include "net/ipv4.h"

#define REASM_MAX 16
#define REASM_FRAGS_MAX 64
#define REASM_BYTES_MAX (256 * 1024)
#define REASM_TIMEOUT_NS (30ull * 1000 * 1000 * 1000)

struct reasm {
    bool used;
    uint32_t src, dst;
    uint16_t id;
    uint8_t proto;
    struct list_node frags;     /* payloads (data past the header), by offset in p->seq */
    unsigned nfrags;
    size_t total;               /* payload length, known once the last fragment came; else 0 */
    size_t have;                /* payload bytes queued */
    struct pkt *first;          /* the offset-0 fragment (its header is the datagram's) */
    uint64_t started;
};

static struct {
    struct reasm r[REASM_MAX];
    size_t bytes;
    struct timer timer;
} frag;

static void reasm_free(struct reasm *r)
{
    struct list_node *n;

    while ((n = list_pop_head(&r->frags))) {
        struct pkt *p = list_entry(n, struct pkt, link);
        frag.bytes -= p->len;
        pkt_free(p);
    }
    r->used = false;
    r->first = NULL;
}

static void schedule(void)
{
    uint64_t next = UINT64_MAX;

    for (int i = 0; i < REASM_MAX; i++)
        if (frag.r[i].used && frag.r[i].started + REASM_TIMEOUT_NS < next)
            next = frag.r[i].started + REASM_TIMEOUT_NS;
    if (next == UINT64_MAX)
        timer_cancel(&frag.timer);
    else
        timer_arm(&frag.timer, next, 0);
}

static void reasm_timeout(struct timer *t, void *arg)
{
    uint64_t now = ktime_now();

    (void)t, (void)arg;
    for (int i = 0; i < REASM_MAX; i++) {
        struct reasm *r = &frag.r[i];
        if (!r->used || r->started + REASM_TIMEOUT_NS > now)
            continue;
        ipv4_count_reasm(REASM_TIMEOUT);
        if (r->first)
            icmp_send_error(r->first->l3, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0);
        reasm_free(r);
    }
    schedule();
}

static struct reasm *find_or_start(uint32_t src, uint32_t dst, uint16_t id, uint8_t proto)
{
    struct reasm *freer = NULL, *oldest = NULL;

    for (int i = 0; i < REASM_MAX; i++) {
        struct reasm *r = &frag.r[i];
        if (!r->used) {
            if (!freer)
                freer = r;
            continue;
        }
        if (r->src == src && r->dst == dst && r->id == id && r->proto == proto)
            return r;
        if (!oldest || r->started < oldest->started)
            oldest = r;
    }
    if (!freer) {
        ipv4_count_reasm(REASM_LIMIT);
        reasm_free(oldest);
        freer = oldest;
    }
    memset(freer, 0, sizeof(*freer));
    freer->used = true;
    freer->src = src;
    freer->dst = dst;
    freer->id = id;
    freer->proto = proto;
    freer->started = ktime_now();
    list_init(&freer->frags);
    schedule();
    return freer;
}

/* Put the datagram together: the first fragment's header, then every payload in order. */
static struct pkt *reasm_finish(struct reasm *r)
{
    const uint8_t *fh = r->first->l3;
    size_t hlen = (size_t)(fh[0] & 0xf) * 4;
    struct pkt *whole = pkt_alloc(hlen + r->total, PKT_HEADROOM);
    struct list_node *n;
    uint8_t *h;

    if (!whole) {
        ipv4_count_reasm(REASM_FAILS);
        reasm_free(r);
        schedule();
        return NULL;
    }
    h = whole->data;
    memcpy(h, fh, hlen);
    list_for_each(n, &r->frags) {
        struct pkt *p = list_entry(n, struct pkt, link);
        memcpy(h + hlen + p->seq, p->data, p->len);
    }
    wr16(h + 2, (uint16_t)(hlen + r->total));
    wr16(h + 6, 0);
    wr16(h + 10, 0);
    wr16(h + 10, inet_fold(inet_sum(h, hlen, 0)));
    whole->nif = r->first->nif;
    whole->bcast = r->first->bcast;
    whole->src = r->src;
    whole->dst = r->dst;
    whole->ttl = r->first->ttl;
    ipv4_count_reasm(REASM_OK);
    reasm_free(r);
    schedule();
    return whole;
}

struct pkt *ipv4_reassemble(struct pkt *p)
{
    uint8_t *h = p->data;
    size_t hlen = (size_t)(h[0] & 0xf) * 4;
    uint16_t fl = rd16(h + 6);
    size_t off = (size_t)(fl & IP_OFFMASK) * 8, len = p->len - hlen;
    bool more = fl & IP_FLAG_MF;
    struct reasm *r;
    struct list_node *pos;

    ipv4_count_reasm(REASM_REQD);
    /* Every fragment but the last carries a multiple of 8 bytes; none ends past 64 KiB. */
    if ((more && (len == 0 || len % 8)) || hlen + off + len > IPV4_MAX_LEN) {
        ipv4_count_reasm(REASM_FAILS);
        pkt_free(p);
        return NULL;
    }
    r = find_or_start(p->src, p->dst, rd16(h + 4), h[9]);
    p->l3 = h;
    pkt_pull(p, hlen);
    p->seq = (uint32_t)off;
    if (!more) {
        if (r->total && r->total != off + len)
            goto overlap; /* two different ends */
        r->total = off + len;
        list_for_each(pos, &r->frags) {
            struct pkt *q = list_entry(pos, struct pkt, link);
            if (q->seq + q->len > r->total)
                goto overlap; /* data past the end */
        }
    }
    /* Find the place by offset; refuse overlaps, ignore exact duplicates. */
    list_for_each(pos, &r->frags) {
        struct pkt *q = list_entry(pos, struct pkt, link);
        if (q->seq == off && q->len == len) {
            pkt_free(p);
            return NULL;
        }
        if (off < q->seq + q->len && q->seq < off + len)
            goto overlap;
        if (q->seq > off)
            break;
    }
    if ((r->total && off + len > r->total) || r->nfrags >= REASM_FRAGS_MAX ||
        frag.bytes + len > REASM_BYTES_MAX) {
        ipv4_count_reasm(REASM_LIMIT);
        pkt_free(p);
        reasm_free(r);
        schedule();
        return NULL;
    }
    list_insert_between(&p->link, pos->prev, pos);
    r->nfrags++;
    r->have += len;
    frag.bytes += len;
    if (off == 0)
        r->first = p;
    if (r->total && r->have == r->total && r->first)
        return reasm_finish(r);
    return NULL;
overlap:
    ipv4_count_reasm(REASM_OVERLAP);
    pkt_free(p);
    reasm_free(r);
    schedule();
    return NULL;
}

size_t ipv4_frag_pending(void)
{
    size_t n = 0;

    for (int i = 0; i < REASM_MAX; i++)
        n += frag.r[i].used;
    return n;
}

void ipv4_frag_init(void)
{
    timer_init(&frag.timer, reasm_timeout, NULL);
}
