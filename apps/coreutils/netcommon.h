/*
 * netcommon.h - helpers shared by the network tools (ifconfig, route,
 * netstat, ping, nc): addresses as text, and the kernel's netconf lists.
 */
#ifndef COREUTILS_NETCOMMON_H
#define COREUTILS_NETCOMMON_H

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/anyk.h>

#include "common.h"

/* A host-order address as text, in one of four rotating buffers. */
static inline const char *ip_str(uint32_t host_order)
{
    static char bufs[4][INET_ADDRSTRLEN];
    static int i;
    struct in_addr a = { htonl(host_order) };

    i = (i + 1) % 4;
    return inet_ntop(AF_INET, &a, bufs[i], sizeof(bufs[i]));
}

/* Dotted quad to host order; 0 on success. */
static inline int parse_ip(const char *s, uint32_t *out)
{
    struct in_addr a;

    if (inet_pton(AF_INET, s, &a) != 1)
        return -1;
    *out = ntohl(a.s_addr);
    return 0;
}

/* A name or number to host order (numbers, localhost, /etc/hosts). */
static inline int resolve(const char *s, uint32_t *out)
{
    struct hostent *h = gethostbyname(s);

    if (!h)
        return -1;
    *out = ntohl(((struct in_addr *)h->h_addr)->s_addr);
    return 0;
}

static inline uint32_t prefix_mask(int bits)
{
    return bits <= 0 ? 0 : bits >= 32 ? 0xffffffffu : ~0u << (32 - bits);
}

/*
 * Fetch a netconf list: returns a malloc'ed array of *n records of size
 * `size`, growing the buffer until everything fits. Exits on error.
 */
static inline void *netconf_list(int op, size_t size, int *n)
{
    size_t cap = 16;

    for (;;) {
        void *buf = xmalloc(cap * size);
        int r = anyk_api()->netconf(op, buf, cap * size);
        if (r < 0) {
            warnmsg("netconf: %s", strerror(-r));
            exit(1);
        }
        if ((size_t)r <= cap) {
            *n = r;
            return buf;
        }
        free(buf);
        cap = (size_t)r + 8;
    }
}

#endif
