/*
 * route - show and change the IPv4 routing table (as net-tools' route -n).
 *
 *   route [-n]                                   the table (always numeric)
 *   route add default gw GATEWAY [dev IFACE] [metric N]
 *   route add -net NET[/BITS] [netmask MASK] [gw GATEWAY] [dev IFACE] [metric N]
 *   route add -host ADDR [gw GATEWAY] [dev IFACE]
 *   route del default | -net NET[/BITS] [netmask MASK] | -host ADDR  [gw GATEWAY]
 *
 * Talks to the kernel through netconf (ANYK_NET_RTLIST, RTADD, RTDEL).
 */
#include "netcommon.h"

static int usage(void)
{
    fprintf(stderr, "Usage: route [-n]\n"
                    "       route add|del default|-net NET[/BITS]|-host ADDR [netmask MASK] "
                    "[gw GW] [dev IFACE] [metric N]\n");
    return 2;
}

static void flags_str(uint32_t f, char *out)
{
    int k = 0;

    if (f & ANYK_RTF_UP)
        out[k++] = 'U';
    if (f & ANYK_RTF_GATEWAY)
        out[k++] = 'G';
    if (f & ANYK_RTF_HOST)
        out[k++] = 'H';
    out[k] = '\0';
}

static int list(void)
{
    int n;
    struct anyk_route *rt = netconf_list(ANYK_NET_RTLIST, sizeof(*rt), &n);

    printf("Kernel IP routing table\n");
    printf("Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n");
    /* Most specific first, as Linux shows them. */
    for (int bits = 32; bits >= 0; bits--)
        for (int i = 0; i < n; i++) {
            char f[8];
            if (ntohl(rt[i].netmask) != prefix_mask(bits))
                continue;
            flags_str(rt[i].flags, f);
            printf("%-15s %-15s %-15s %-5s %-6u %-6d %4d %s\n", ip_str(ntohl(rt[i].dest)),
                   ip_str(ntohl(rt[i].gateway)), ip_str(ntohl(rt[i].netmask)), f, rt[i].metric,
                   0, 0, rt[i].ifname);
        }
    return finish_stdout();
}

int main(int argc, char **argv)
{
    struct anyk_route rt;
    int del, argi = 1, r;
    uint32_t v;

    progname = "route";
    while (argi < argc && argv[argi][0] == '-' && strcmp(argv[argi], "-net") &&
           strcmp(argv[argi], "-host")) {
        if (strcmp(argv[argi], "-n") && strcmp(argv[argi], "-e"))
            return usage();
        argi++;
    }
    if (argi == argc)
        return list();
    if (!strcmp(argv[argi], "add"))
        del = 0;
    else if (!strcmp(argv[argi], "del") || !strcmp(argv[argi], "delete"))
        del = 1;
    else
        return usage();
    if (++argi == argc)
        return usage();
    memset(&rt, 0, sizeof(rt));
    if (!strcmp(argv[argi], "default")) {
        argi++;
    } else {
        int host = !strcmp(argv[argi], "-host"), bits = host ? 32 : -1;
        char buf[32], *slash;
        if (host || !strcmp(argv[argi], "-net"))
            argi++;
        if (argi == argc || strlen(argv[argi]) >= sizeof(buf))
            return usage();
        strcpy(buf, argv[argi++]);
        if ((slash = strchr(buf, '/'))) {
            char *end;
            *slash = '\0';
            bits = (int)strtol(slash + 1, &end, 10);
            if (*end || bits < 0 || bits > 32)
                return usage();
        }
        if (!strcmp(buf, "default"))
            v = 0, bits = 0;
        else if (parse_ip(buf, &v) < 0) {
            warnmsg("%s: unknown host", buf);
            return 1;
        }
        rt.dest = htonl(v);
        rt.netmask = htonl(prefix_mask(bits < 0 ? 32 : bits));
    }
    for (; argi < argc; argi++) {
        const char *w = argv[argi];
        if (argi + 1 == argc)
            return usage();
        if (!strcmp(w, "gw")) {
            if (resolve(argv[++argi], &v) < 0) {
                warnmsg("%s: unknown host", argv[argi]);
                return 1;
            }
            rt.gateway = htonl(v);
        } else if (!strcmp(w, "netmask")) {
            if (parse_ip(argv[++argi], &v) < 0) {
                warnmsg("%s: invalid netmask", argv[argi]);
                return 1;
            }
            rt.netmask = htonl(v);
        } else if (!strcmp(w, "dev")) {
            if (strlen(argv[++argi]) >= sizeof(rt.ifname))
                return usage();
            strcpy(rt.ifname, argv[argi]);
        } else if (!strcmp(w, "metric")) {
            rt.metric = (uint32_t)strtoul(argv[++argi], NULL, 10);
        } else {
            return usage();
        }
    }
    r = anyk_api()->netconf(del ? ANYK_NET_RTDEL : ANYK_NET_RTADD, &rt, sizeof(rt));
    if (r < 0) {
        if (r == -ESRCH)
            warnmsg("SIOCDELRT: No such process");
        else if (r == -EEXIST)
            warnmsg("SIOCADDRT: File exists");
        else if (r == -ENETUNREACH)
            warnmsg("SIOCADDRT: Network is unreachable");
        else
            warnmsg("%s", strerror(-r));
        return 1;
    }
    return 0;
}
