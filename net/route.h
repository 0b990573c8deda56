/*
 * route.h - the IPv4 routing table: which interface and next hop reach a
 * destination. Connected routes come and go with interface addresses;
 * others (the default gateway) are added by the administrator (route(8)).
 */
#ifndef NET_ROUTE_H
#define NET_ROUTE_H

#include <anyk/api.h>
#include "net/netif.h"

#define ROUTE_MAX 32

void route_add_connected(struct netif *nif);
void route_del_connected(struct netif *nif);
/*
 * Add a route. nif may be NULL: the interface whose connected route reaches
 * gw is used. Returns 0, -EINVAL (dest has bits outside netmask, a bad mask),
 * -ENETUNREACH (no interface reaches gw), -EEXIST, -ENOSPC.
 */
int route_add(uint32_t dest, uint32_t netmask, uint32_t gw, struct netif *nif, uint32_t metric);
/* Remove the route to dest/netmask (and through gw, if gw != 0). -ESRCH if none. */
int route_del(uint32_t dest, uint32_t netmask, uint32_t gw);
/*
 * The interface for dst and the neighbour to hand the packet to (dst itself
 * or a gateway): longest prefix, then lowest metric, among interfaces that
 * are up. NULL if none.
 */
struct netif *route_lookup(uint32_t dst, uint32_t *nexthop);
size_t route_list(struct anyk_route *out, size_t max);

#endif
