/*
 * inet.c - IPv4 addresses as text (inet_*), and names to addresses
 * (getaddrinfo, gethostbyname: numbers, "localhost", /etc/hosts).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libc_impl.h"

/* Dotted decimal, strictly: four parts 0..255 (inet_pton's rules). Host order into *out. */
static int parse_quad(const char *s, uint32_t *out)
{
    uint32_t a = 0;

    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        while (isdigit((unsigned char)*s)) {
            v = v * 10 + (unsigned)(*s++ - '0');
            if (++digits > 3 || v > 255)
                return 0;
        }
        if (!digits)
            return 0;
        a = a << 8 | v;
        if (part < 3 && *s++ != '.')
            return 0;
    }
    if (*s)
        return 0;
    *out = a;
    return 1;
}

int inet_pton(int af, const char *s, void *dst)
{
    uint32_t a;

    if (af != AF_INET) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    if (!parse_quad(s, &a))
        return 0;
    a = htonl(a);
    memcpy(dst, &a, 4);
    return 1;
}

int inet_aton(const char *s, struct in_addr *out)
{
    uint32_t a;

    if (!parse_quad(s, &a))
        return 0;
    out->s_addr = htonl(a);
    return 1;
}

in_addr_t inet_addr(const char *s)
{
    struct in_addr a;

    return inet_aton(s, &a) ? a.s_addr : INADDR_NONE;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
    const unsigned char *b = src;
    char tmp[INET_ADDRSTRLEN];
    int n;

    if (af != AF_INET) {
        errno = EAFNOSUPPORT;
        return NULL;
    }
    n = snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    if ((socklen_t)n >= size) {
        errno = ENOSPC;
        return NULL;
    }
    memcpy(dst, tmp, (size_t)n + 1);
    return dst;
}

char *inet_ntoa(struct in_addr a)
{
    static char buf[INET_ADDRSTRLEN];

    return (char *)inet_ntop(AF_INET, &a, buf, sizeof(buf));
}

/* A name to a host-order address: numbers, localhost, /etc/hosts. */
static int lookup(const char *name, uint32_t *out)
{
    char line[256];
    FILE *f;

    if (parse_quad(name, out))
        return 1;
    if (!strcmp(name, "localhost")) {
        *out = INADDR_LOOPBACK;
        return 1;
    }
    if (!(f = fopen("/etc/hosts", "r")))
        return 0;
    while (fgets(line, sizeof(line), f)) {
        char *p = line, *addr, *w;
        uint32_t a;
        line[strcspn(line, "#\n")] = '\0';
        addr = strtok_r(p, " \t", &w);
        if (!addr || !parse_quad(addr, &a))
            continue;
        for (char *n = strtok_r(NULL, " \t", &w); n; n = strtok_r(NULL, " \t", &w))
            if (!strcmp(n, name)) {
                fclose(f);
                *out = a;
                return 1;
            }
    }
    fclose(f);
    return 0;
}

static int parse_service(const char *s, int flags, uint16_t *port)
{
    char *end;
    long v;

    if (!s) {
        *port = 0;
        return 0;
    }
    v = strtol(s, &end, 10);
    if (*s && !*end && v >= 0 && v <= 65535) {
        *port = (uint16_t)v;
        return 0;
    }
    if (flags & AI_NUMERICSERV)
        return EAI_NONAME;
    if (!strcmp(s, "http"))
        *port = 80;
    else if (!strcmp(s, "echo"))
        *port = 7;
    else
        return EAI_SERVICE;
    return 0;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
    int flags = hints ? hints->ai_flags : 0, family = hints ? hints->ai_family : AF_UNSPEC;
    int types[2] = { SOCK_STREAM, SOCK_DGRAM }, ntypes = 2, r;
    struct addrinfo *head = NULL, **tail = &head;
    uint32_t addr;
    uint16_t port;

    if (!node && !service)
        return EAI_NONAME;
    if (family != AF_UNSPEC && family != AF_INET)
        return EAI_FAMILY;
    if ((r = parse_service(service, flags, &port)))
        return r;
    if (!node)
        addr = flags & AI_PASSIVE ? INADDR_ANY : INADDR_LOOPBACK;
    else if ((flags & AI_NUMERICHOST) ? !parse_quad(node, &addr) : !lookup(node, &addr))
        return EAI_NONAME;
    if (hints && hints->ai_socktype) {
        types[0] = hints->ai_socktype;
        ntypes = 1;
    }
    for (int i = 0; i < ntypes; i++) {
        struct addrinfo *ai = calloc(1, sizeof(*ai) + sizeof(struct sockaddr_in));
        struct sockaddr_in *sin;
        if (!ai) {
            freeaddrinfo(head);
            return EAI_MEMORY;
        }
        sin = (struct sockaddr_in *)(ai + 1);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        sin->sin_addr.s_addr = htonl(addr);
        ai->ai_family = AF_INET;
        ai->ai_socktype = types[i];
        ai->ai_protocol = types[i] == SOCK_STREAM ? IPPROTO_TCP
                          : types[i] == SOCK_DGRAM ? IPPROTO_UDP : (hints ? hints->ai_protocol : 0);
        ai->ai_addrlen = sizeof(*sin);
        ai->ai_addr = (struct sockaddr *)sin;
        if ((flags & AI_CANONNAME) && node)
            ai->ai_canonname = strdup(node);
        *tail = ai;
        tail = &ai->ai_next;
    }
    *res = head;
    return 0;
}

void freeaddrinfo(struct addrinfo *res)
{
    while (res) {
        struct addrinfo *next = res->ai_next;
        free(res->ai_canonname);
        free(res);
        res = next;
    }
}

const char *gai_strerror(int err)
{
    switch (err) {
    case EAI_NONAME: return "Name or service not known";
    case EAI_SERVICE: return "Servname not supported for ai_socktype";
    case EAI_FAMILY: return "ai_family not supported";
    case EAI_MEMORY: return "Memory allocation failure";
    case EAI_SOCKTYPE: return "ai_socktype not supported";
    default: return "Unknown error";
    }
}

struct hostent *gethostbyname(const char *name)
{
    static struct hostent h;
    static char *addrs[2], *aliases[1];
    static struct in_addr a;
    static char namebuf[256];
    uint32_t v;

    if (!lookup(name, &v))
        return NULL;
    a.s_addr = htonl(v);
    addrs[0] = (char *)&a;
    snprintf(namebuf, sizeof(namebuf), "%s", name);
    h.h_name = namebuf;
    h.h_aliases = aliases;
    h.h_addrtype = AF_INET;
    h.h_length = 4;
    h.h_addr_list = addrs;
    return &h;
}
