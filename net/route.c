/*
 * route.c - the IPv4 routing table: a small array searched by longest
 * prefix. Routes through interfaces that are down are skipped, so a
 * destination only reachable through them is unreachable (ENETUNREACH).
 */
#include <anyk/errno.h>
#include "lib/string.h"
#include "net/route.h"

struct route {
    bool used;
    uint32_t dest, mask, gw;
    struct netif *nif;
    uint32_t metric;
    bool connected;             /* made from an interface address */
};

static struct {
    struct route r[ROUTE_MAX];
} routes;

static bool mask_ok(uint32_t m)
{
    return !(~m & (~m + 1)); /* ones, then zeros */
}

static int insert(uint32_t dest, uint32_t mask, uint32_t gw, struct netif *nif, uint32_t metric,
                  bool connected)
{
    struct route *free_slot = NULL;

    for (int i = 0; i < ROUTE_MAX; i++) {
        struct route *r = &routes.r[i];
        if (!r->used) {
            if (!free_slot)
                free_slot = r;
            continue;
        }
        if (r->dest == dest && r->mask == mask && r->metric == metric && r->nif == nif)
            return -EEXIST;
    }
    if (!free_slot)
        return -ENOSPC;
    *free_slot = (struct route){ true, dest, mask, gw, nif, metric, connected };
    return 0;
}

void route_add_connected(struct netif *nif)
{
    insert(nif->addr & nif->netmask, nif->netmask, 0, nif, 0, true);
}

void route_del_connected(struct netif *nif)
{
    for (int i = 0; i < ROUTE_MAX; i++) {
        struct route *r = &routes.r[i];
        if (r->used && r->connected && r->nif == nif)
            r->used = false;
    }
}

int route_add(uint32_t dest, uint32_t mask, uint32_t gw, struct netif *nif, uint32_t metric)
{
    if (!mask_ok(mask) || (dest & ~mask))
        return -EINVAL;
    if (gw && !nif) {
        /* The interface whose own subnet holds the gateway. */
        for (int i = 0; i < ROUTE_MAX && !nif; i++) {
            struct route *r = &routes.r[i];
            if (r->used && !r->gw && (gw & r->mask) == r->dest && r->mask)
                nif = r->nif;
        }
        if (!nif)
            return -ENETUNREACH;
    }
    if (!nif)
        return -EINVAL;
    return insert(dest, mask, gw, nif, metric, false);
}

int route_del(uint32_t dest, uint32_t mask, uint32_t gw)
{
    for (int i = 0; i < ROUTE_MAX; i++) {
        struct route *r = &routes.r[i];
        if (r->used && r->dest == dest && r->mask == mask && (!gw || r->gw == gw)) {
            r->used = false;
            return 0;
        }
    }
    return -ESRCH;
}

struct netif *route_lookup(uint32_t dst, uint32_t *nexthop)
{
    struct route *best = NULL;

    for (int i = 0; i < ROUTE_MAX; i++) {
        struct route *r = &routes.r[i];
        if (!r->used || (dst & r->mask) != r->dest || !(r->nif->flags & ANYK_IFF_UP))
            continue;
        if (!best || r->mask > best->mask || (r->mask == best->mask && r->metric < best->metric))
            best = r;
    }
    if (!best)
        return NULL;
    *nexthop = best->gw ? best->gw : dst;
    return best->nif;
}

size_t route_list(struct anyk_route *out, size_t max)
{
    size_t n = 0;

    for (int i = 0; i < ROUTE_MAX; i++) {
        const struct route *r = &routes.r[i];
        if (!r->used)
            continue;
        if (n < max) {
            struct anyk_route *o = &out[n];
            memset(o, 0, sizeof(*o));
            o->dest = net_htonl(r->dest);
            o->netmask = net_htonl(r->mask);
            o->gateway = net_htonl(r->gw);
            strlcpy(o->ifname, r->nif->name, sizeof(o->ifname));
            o->flags = ANYK_RTF_UP | (r->gw ? ANYK_RTF_GATEWAY : 0) |
                       (r->mask == 0xffffffffu ? ANYK_RTF_HOST : 0);
            o->metric = r->metric;
        }
        n++;
    }
    return n;
}
