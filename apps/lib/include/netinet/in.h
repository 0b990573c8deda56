/* netinet/in.h - IPv4 addresses and ports, with Linux's layouts. */
#ifndef _NETINET_IN_H
#define _NETINET_IN_H

#include <stdint.h>
#include <sys/socket.h>

typedef uint32_t in_addr_t;
typedef uint16_t in_port_t;

struct in_addr {
    in_addr_t s_addr;
};

struct sockaddr_in {
    sa_family_t sin_family;
    in_port_t sin_port;
    struct in_addr sin_addr;
    unsigned char sin_zero[8];
};

#define INADDR_ANY ((in_addr_t)0x00000000)
#define INADDR_BROADCAST ((in_addr_t)0xffffffff)
#define INADDR_NONE ((in_addr_t)0xffffffff)
#define INADDR_LOOPBACK ((in_addr_t)0x7f000001)
#define INET_ADDRSTRLEN 16

#define IPPROTO_IP ANYK_IPPROTO_IP
#define IPPROTO_ICMP ANYK_IPPROTO_ICMP
#define IPPROTO_TCP ANYK_IPPROTO_TCP
#define IPPROTO_UDP ANYK_IPPROTO_UDP
#define IPPROTO_RAW 255

#define IP_TOS ANYK_IP_TOS
#define IP_TTL ANYK_IP_TTL

static inline uint16_t htons(uint16_t v)
{
    return __builtin_bswap16(v);
}
static inline uint16_t ntohs(uint16_t v)
{
    return __builtin_bswap16(v);
}
static inline uint32_t htonl(uint32_t v)
{
    return __builtin_bswap32(v);
}
static inline uint32_t ntohl(uint32_t v)
{
    return __builtin_bswap32(v);
}

#endif
