/*
 * netif.h - network interfaces: the NICs the host offers (eth0, eth1, ...)
 * and the loopback interface lo, with their addresses and counters.
 *
 * An interface moves IPv4 packets: ops->output gets a packet whose data
 * starts at the IPv4 header and the next hop to hand it to; an Ethernet NIC
 * resolves that with ARP and frames it, lo queues it back to its own input.
 * Received frames enter from the idle loop: the host reports the NIC
 * (HYP_POLL_NET), netif drains hyp_net_recv and passes each frame to
 * ether_input, which validates and dispatches it. That all runs in idle
 * (callback) context: nothing on the input path may block; it wakes the
 * threads waiting on sockets instead.
 */
#ifndef NET_NETIF_H
#define NET_NETIF_H

#include <anyk/api.h>
#include <anyk/types.h>
#include "kern/timer.h"
#include "lib/list.h"
#include "net/inet.h"
#include "net/pkt.h"

#define NETIF_MAX 9 /* lo and eight NICs */
#define NETIF_NAME_MAX ANYK_IFNAMSIZ
#define ETH_ALEN 6

#define NETIF_COUNTERS(X) X(rx_packets) X(rx_bytes) X(rx_errors) X(rx_dropped) \
    X(tx_packets) X(tx_bytes) X(tx_errors) X(tx_dropped)

struct netif_stats {
    NETIF_COUNTERS(NET_COUNTER_FIELD)
};

struct netif;

struct netif_ops {
    /*
     * Send the IPv4 packet p (data at its header) to the neighbour nexthop
     * (host order). Takes p in every case. Returns 0 (sent or queued for ARP)
     * or -errno (the packet was dropped and counted).
     */
    int (*output)(struct netif *nif, struct pkt *p, uint32_t nexthop);
};

struct netif {
    char name[NETIF_NAME_MAX];  /* "lo", "eth0" */
    unsigned index;             /* 1 for lo, then the NICs */
    uint32_t flags;             /* ANYK_IFF_* */
    uint32_t mtu;               /* largest IPv4 datagram it carries */
    uint32_t mtu_max;           /* what the device can frame */
    uint8_t mac[ETH_ALEN];
    uint32_t addr, netmask;     /* host order; addr 0: none */
    int hyp;                    /* the host's NIC number, -1 for lo */
    char host_name[32];
    const struct netif_ops *ops;
    struct netif_stats stats;
    struct timer repoll;        /* more frames may wait after a drain ran out of budget */
};

/* Bring up lo and one interface per host NIC; register their drivers with the idle loop. */
void netif_init(unsigned nnet);

struct netif *netif_by_name(const char *name);
struct netif *netif_by_index(unsigned index);
struct netif *netif_loopback(void);
/* Call fn for each interface in index order. */
void netif_foreach(void (*fn)(struct netif *nif, void *arg), void *arg);
/* The interface that owns this address (one of ours), or NULL. */
struct netif *netif_by_addr(uint32_t addr);
/* Is addr the directed broadcast of nif's subnet (or 255.255.255.255)? */
bool netif_is_broadcast(const struct netif *nif, uint32_t addr);

/* Configure: address and mask (0: remove), up or down, MTU. Return 0 or -errno. */
int netif_set_addr(struct netif *nif, uint32_t addr, uint32_t netmask);
int netif_set_up(struct netif *nif, bool up);
int netif_set_mtu(struct netif *nif, uint32_t mtu);

/* Hand a whole Ethernet frame to the host; counts it. Takes p. */
int netif_xmit(struct netif *nif, struct pkt *p);

/*
 * Deferred input: lo's packets are queued and handled from a timer callback,
 * never from inside the sender's call (which may be halfway through
 * updating a socket).
 */
void netif_defer_input(struct netif *nif, struct pkt *p);

#endif
