/*
 * pkt.c - packet buffers (see pkt.h). Every packet is one kmalloc block; the
 * counters show leaks at a glance (/proc/net: pkt.in_use).
 */
#include "kern/kmalloc.h"
#include "kern/printk.h"
#include "lib/string.h"
#include "net/pkt.h"

static struct pkt_stats stats;

struct pkt *pkt_alloc(size_t size, size_t headroom)
{
    struct pkt *p;

    if (size > 1u << 20 || headroom > 1u << 12) {
        stats.failures++;
        return NULL;
    }
    p = kmalloc(sizeof(*p) + headroom + size);
    if (!p) {
        stats.failures++;
        return NULL;
    }
    memset(p, 0, sizeof(*p));
    list_init(&p->link);
    p->cap = headroom + size;
    p->data = p->buf + headroom;
    p->len = size;
    stats.allocs++;
    stats.in_use++;
    return p;
}

void pkt_free(struct pkt *p)
{
    if (!p)
        return;
    if (list_linked(&p->link))
        panic("pkt_free: packet %p is still on a queue", (void *)p);
    stats.frees++;
    stats.in_use--;
    kfree(p);
}

void pkt_free_queue(struct list_node *q)
{
    struct list_node *n;

    while ((n = list_pop_head(q)))
        pkt_free(list_entry(n, struct pkt, link));
}

struct pkt *pkt_clone(const struct pkt *p, size_t headroom)
{
    struct pkt *c = pkt_alloc(p->len, headroom);

    if (!c)
        return NULL;
    memcpy(c->data, p->data, p->len);
    c->nif = p->nif;
    c->src = p->src;
    c->dst = p->dst;
    c->sport = p->sport;
    c->ttl = p->ttl;
    c->bcast = p->bcast;
    return c;
}

size_t pkt_headroom(const struct pkt *p)
{
    return (size_t)(p->data - p->buf);
}

void *pkt_push(struct pkt *p, size_t n)
{
    if (pkt_headroom(p) < n)
        panic("pkt_push: %zu bytes of header but %zu of headroom", n, pkt_headroom(p));
    p->data -= n;
    p->len += n;
    return p->data;
}

void *pkt_pull(struct pkt *p, size_t n)
{
    KASSERT(n <= p->len);
    p->data += n;
    p->len -= n;
    return p->data;
}

void pkt_trim(struct pkt *p, size_t n)
{
    KASSERT(n <= p->len);
    p->len = n;
}

void pkt_stats(struct pkt_stats *st)
{
    *st = stats;
}
