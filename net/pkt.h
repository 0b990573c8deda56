/*
 * pkt.h - packet buffers: one contiguous block per packet, with room in
 * front for the headers each layer below prepends.
 *
 * A packet's bytes are data[0 .. len). Input peels headers off the front
 * (pkt_pull); output starts from the payload and pushes headers in front of
 * it (pkt_push), so no layer copies the data of another. Packets wait on
 * queues (ARP resolution, socket receive queues, reassembly) through `link`;
 * a packet is on at most one queue and has exactly one owner.
 */
#ifndef NET_PKT_H
#define NET_PKT_H

#include <anyk/types.h>
#include "lib/list.h"

/* Room for Ethernet + the largest IPv4 and TCP headers, in front of any payload. */
#define PKT_HEADROOM 160

struct netif;

struct pkt {
    struct list_node link;
    uint8_t *data;          /* the current layer's first byte */
    size_t len;             /* bytes from data on */
    size_t cap;             /* bytes in buf[] */
    struct netif *nif;      /* input: the interface it came in on */
    uint32_t src, dst;      /* input: IPv4 addresses, host order (set by ipv4) */
    uint16_t sport;         /* input: source port of UDP (for receive queues) */
    uint8_t ttl;            /* input: the IPv4 TTL */
    bool bcast;             /* input: sent to a broadcast or multicast address */
    uint8_t *l3;            /* input: the IPv4 header, when data has moved past it */
    uint32_t seq;           /* the owner's: reassembly's fragment offset, TCP's sequence number */
    uint8_t tcpflags;       /* TCP: the segment's flags (a FIN waiting out of order) */
    uint8_t buf[];
};

/*
 * A packet with `size` bytes of data after `headroom` bytes of room; the
 * data is not cleared. NULL when memory is short (counted, never a panic).
 */
struct pkt *pkt_alloc(size_t size, size_t headroom);
void pkt_free(struct pkt *p);
/* Free every packet on a queue. */
void pkt_free_queue(struct list_node *q);
/* A copy of p's data with fresh headroom (loopback, broadcast to several sockets). */
struct pkt *pkt_clone(const struct pkt *p, size_t headroom);

/* Prepend n bytes (a header) and return where they start; panics without room (a kernel bug). */
void *pkt_push(struct pkt *p, size_t n);
/* Remove n bytes from the front; the caller has checked that len >= n. */
void *pkt_pull(struct pkt *p, size_t n);
/* Keep only the first n bytes (n <= len): drops padding after a datagram. */
void pkt_trim(struct pkt *p, size_t n);
size_t pkt_headroom(const struct pkt *p);

struct pkt_stats {
    uint64_t allocs, frees, failures;
    size_t in_use;
};
void pkt_stats(struct pkt_stats *st);

#endif
