/*
 * inet.h - what every protocol file of net/ shares: reading and writing
 * big-endian header fields, the Internet checksum (RFC 1071), printing an
 * address, and the counters each protocol keeps.
 *
 * Inside net/, IPv4 addresses and ports are host-order integers; they are
 * converted where they cross the wire (header fields, read with rd16/rd32)
 * and the program API (sockaddr_in, which holds network order). Headers are
 * read and written through these accessors, never through casts of the
 * frame, so nothing depends on alignment.
 */
#ifndef NET_INET_H
#define NET_INET_H

#include <anyk/types.h>

static inline uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Between host order and the network order of the API's sockaddr_in (x86_64 is little-endian). */
static inline uint16_t net_htons(uint16_t v)
{
    return __builtin_bswap16(v);
}

static inline uint32_t net_htonl(uint32_t v)
{
    return __builtin_bswap32(v);
}

#define net_ntohs net_htons
#define net_ntohl net_htonl

/*
 * The Internet checksum: inet_sum adds len bytes to a running 32-bit sum
 * (an odd length only at the very end), inet_fold folds and complements it.
 * A header with a correct checksum field sums (and folds) to 0.
 */
uint32_t inet_sum(const void *buf, size_t len, uint32_t sum);
uint16_t inet_fold(uint32_t sum);
/* The sum of the IPv4 pseudo-header of UDP and TCP (RFC 768, RFC 9293 3.1). */
uint32_t inet_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);

#define INET_ADDRSTRLEN 16
/* "a.b.c.d" of a host-order address into buf (INET_ADDRSTRLEN bytes); returns buf. */
char *inet_fmt(uint32_t addr, char *buf);

#define INADDR_ANY 0u
#define INADDR_BROADCAST 0xffffffffu
#define INADDR_LOOPBACK 0x7f000001u
static inline bool inet_is_multicast(uint32_t a)
{
    return (a >> 28) == 0xe;
}
static inline bool inet_is_loopback(uint32_t a)
{
    return (a >> 24) == 127;
}

/*
 * Counters: each protocol lists its counters once with an X-macro,
 *     #define UDP_COUNTERS(X) X(in_datagrams) X(no_ports) ...
 *     struct udp_stats { UDP_COUNTERS(NET_COUNTER_FIELD) };
 *     static const char *const names[] = { UDP_COUNTERS(NET_COUNTER_NAME) };
 * and hands them out as a struct net_counters (for /proc/net and netstat -s).
 */
#define NET_COUNTER_FIELD(n) uint64_t n;
#define NET_COUNTER_NAME(n) #n,

struct net_counters {
    const char *proto;              /* "ip", "udp", ... */
    const char *const *names;
    const uint64_t *values;         /* the protocol's stats struct, read as an array */
    size_t n;
};

#define NET_COUNTERS_OF(proto_, names_, stats_)                                               \
    ((struct net_counters){ proto_, names_, (const uint64_t *)(const void *)&(stats_),       \
                            sizeof(stats_) / sizeof(uint64_t) })

#endif
