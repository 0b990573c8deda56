/*
 * ifconfig - show and configure network interfaces (as net-tools' ifconfig).
 *
 *   ifconfig [-a]                       interfaces that are up (-a: all of them)
 *   ifconfig IFACE                      one interface
 *   ifconfig IFACE ADDR[/BITS] [netmask MASK] [mtu N] [up|down]
 *   ifconfig IFACE up|down|mtu N
 *
 * Without /BITS or netmask, the mask is the address's historical class
 * (/8, /16 or /24), as net-tools does. Setting an address brings nothing
 * up by itself; add "up". Talks to the kernel through netconf
 * (ANYK_NET_IFLIST, ANYK_NET_IFSET).
 */
#include "netcommon.h"

static void flag_names(uint32_t f, char *out, size_t n)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = { { ANYK_IFF_UP, "UP" }, { ANYK_IFF_BROADCAST, "BROADCAST" },
                  { ANYK_IFF_LOOPBACK, "LOOPBACK" }, { ANYK_IFF_RUNNING, "RUNNING" } };
    size_t len = 0;

    out[0] = '\0';
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (f & names[i].bit)
            len += (size_t)snprintf(out + len, n - len, "%s%s", len ? "," : "", names[i].name);
}

static void show(const struct anyk_ifinfo *i)
{
    char flags[64];

    flag_names(i->flags, flags, sizeof(flags));
    printf("%s: flags=%u<%s>  mtu %u\n", i->name, i->flags, flags, i->mtu);
    if (i->addr) {
        printf("        inet %s  netmask %s", ip_str(ntohl(i->addr)), ip_str(ntohl(i->netmask)));
        if (i->broadcast)
            printf("  broadcast %s", ip_str(ntohl(i->broadcast)));
        printf("\n");
    }
    if (i->flags & ANYK_IFF_LOOPBACK)
        printf("        loop  (Local Loopback)\n");
    else
        printf("        ether %02x:%02x:%02x:%02x:%02x:%02x  (Ethernet on the host's %s)\n",
               i->mac[0], i->mac[1], i->mac[2], i->mac[3], i->mac[4], i->mac[5], i->host_name);
    printf("        RX packets %llu  bytes %llu\n", (unsigned long long)i->rx_packets,
           (unsigned long long)i->rx_bytes);
    printf("        RX errors %llu  dropped %llu\n", (unsigned long long)i->rx_errors,
           (unsigned long long)i->rx_dropped);
    printf("        TX packets %llu  bytes %llu\n", (unsigned long long)i->tx_packets,
           (unsigned long long)i->tx_bytes);
    printf("        TX errors %llu  dropped %llu\n\n", (unsigned long long)i->tx_errors,
           (unsigned long long)i->tx_dropped);
}

static uint32_t class_mask(uint32_t a)
{
    if ((a >> 31) == 0)
        return 0xff000000u;
    if ((a >> 30) == 2)
        return 0xffff0000u;
    return 0xffffff00u;
}

static int usage(void)
{
    fprintf(stderr, "Usage: ifconfig [-a] [IFACE [ADDR[/BITS]] [netmask MASK] [mtu N] "
                    "[up|down]]\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct anyk_ifinfo *ifs;
    struct anyk_ifreq rq;
    int n, all = 0, argi = 1;

    progname = "ifconfig";
    if (argi < argc && !strcmp(argv[argi], "-a")) {
        all = 1;
        argi++;
    }
    ifs = netconf_list(ANYK_NET_IFLIST, sizeof(*ifs), &n);
    if (argi == argc) {
        for (int i = 0; i < n; i++)
            if (all || (ifs[i].flags & ANYK_IFF_UP))
                show(&ifs[i]);
        return finish_stdout();
    }
    if (argv[argi][0] == '-')
        return usage();
    memset(&rq, 0, sizeof(rq));
    if (strlen(argv[argi]) >= sizeof(rq.name)) {
        warnmsg("%s: no such interface", argv[argi]);
        return 1;
    }
    strcpy(rq.name, argv[argi++]);
    if (argi == argc) {
        for (int i = 0; i < n; i++)
            if (!strcmp(ifs[i].name, rq.name)) {
                show(&ifs[i]);
                return finish_stdout();
            }
        warnmsg("%s: error fetching interface information: Device not found", rq.name);
        return 1;
    }
    for (; argi < argc; argi++) {
        const char *w = argv[argi];
        if (!strcmp(w, "up") || !strcmp(w, "down")) {
            rq.set |= ANYK_IFSET_FLAGS;
            rq.flags = w[0] == 'u' ? ANYK_IFF_UP : 0;
        } else if (!strcmp(w, "netmask") && argi + 1 < argc) {
            uint32_t m;
            if (parse_ip(argv[++argi], &m) < 0) {
                warnmsg("%s: invalid netmask", argv[argi]);
                return 1;
            }
            rq.netmask = htonl(m);
        } else if (!strcmp(w, "mtu") && argi + 1 < argc) {
            char *end;
            long v = strtol(argv[++argi], &end, 10);
            if (*end || v <= 0) {
                warnmsg("%s: invalid mtu", argv[argi]);
                return 1;
            }
            rq.set |= ANYK_IFSET_MTU;
            rq.mtu = (uint32_t)v;
        } else {
            char buf[32], *slash;
            uint32_t a;
            if (strlen(w) >= sizeof(buf))
                return usage();
            strcpy(buf, w);
            slash = strchr(buf, '/');
            if (slash)
                *slash = '\0';
            if (parse_ip(buf, &a) < 0) {
                warnmsg("%s: unknown host", w);
                return 1;
            }
            rq.set |= ANYK_IFSET_ADDR;
            rq.addr = htonl(a);
            if (slash) {
                char *end;
                long bits = strtol(slash + 1, &end, 10);
                if (*end || end == slash + 1 || bits < 0 || bits > 32) {
                    warnmsg("%s: invalid prefix length", w);
                    return 1;
                }
                rq.netmask = htonl(prefix_mask((int)bits));
            } else if (!rq.netmask) {
                rq.netmask = htonl(a ? class_mask(a) : 0);
            }
        }
    }
    if (rq.netmask && !(rq.set & ANYK_IFSET_ADDR)) {
        /* A new mask for the current address. */
        for (int i = 0; i < n; i++)
            if (!strcmp(ifs[i].name, rq.name)) {
                rq.addr = ifs[i].addr;
                rq.set |= ANYK_IFSET_ADDR;
            }
    }
    int r = anyk_api()->netconf(ANYK_NET_IFSET, &rq, sizeof(rq));
    if (r < 0) {
        if (r == -ENODEV)
            warnmsg("%s: No such device", rq.name);
        else
            warnmsg("%s: %s", rq.name, strerror(-r));
        return 1;
    }
    return 0;
}
