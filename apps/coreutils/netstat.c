/*
 * netstat - sockets, interface counters, protocol counters and routes (as
 * net-tools' netstat, always numeric).
 *
 *   netstat [-a] [-t] [-u] [-w]   sockets: connected ones, all with -a;
 *                                 only TCP (-t), UDP (-u) or raw (-w) ones
 *   netstat -l                    listening (and unconnected) sockets only
 *   netstat -i                    the interface table with packet counters
 *   netstat -s                    every protocol's counters
 *   netstat -r                    the routing table (as route -n)
 *   netstat -an is accepted for habit's sake: output is always numeric.
 */
#include <spawn.h>
#include <sys/wait.h>

#include "netcommon.h"

static const char *tcp_state(int s)
{
    static const char *const names[] = { "", "ESTABLISHED", "SYN_SENT", "SYN_RECV",
                                         "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE",
                                         "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING" };
    return s >= 0 && s < (int)(sizeof(names) / sizeof(names[0])) ? names[s] : "?";
}

static void endpoint(char *out, size_t n, uint32_t addr, uint16_t port, int with_port)
{
    if (with_port && port)
        snprintf(out, n, "%s:%u", ip_str(ntohl(addr)), ntohs(port));
    else if (with_port)
        snprintf(out, n, "%s:*", ip_str(ntohl(addr)));
    else
        snprintf(out, n, "%s:%u", ip_str(ntohl(addr)), 0);
}

static int sockets(int all, int listening, int want_tcp, int want_udp, int want_raw)
{
    int n;
    struct anyk_sockinfo *s = netconf_list(ANYK_NET_SOCKLIST, sizeof(*s), &n);

    if (listening)
        printf("Active Internet connections (only servers)\n");
    else if (all)
        printf("Active Internet connections (servers and established)\n");
    else
        printf("Active Internet connections (w/o servers)\n");
    printf("Proto Recv-Q Send-Q Local Address           Foreign Address         State\n");
    for (int i = 0; i < n; i++) {
        const char *proto;
        char l[32], r[32];
        int server;

        if (s[i].type == SOCK_STREAM) {
            if (!want_tcp)
                continue;
            proto = "tcp";
            server = s[i].state == ANYK_TCP_LISTEN || s[i].state == ANYK_TCP_CLOSE;
        } else if (s[i].type == SOCK_DGRAM) {
            if (!want_udp)
                continue;
            proto = "udp";
            server = !s[i].rport;
        } else {
            if (!want_raw)
                continue;
            proto = "raw";
            server = !s[i].raddr;
        }
        if ((listening && !server) || (!all && !listening && server))
            continue;
        endpoint(l, sizeof(l), s[i].laddr, s[i].lport, s[i].type != SOCK_RAW);
        endpoint(r, sizeof(r), s[i].raddr, s[i].rport, s[i].type != SOCK_RAW);
        if (s[i].type == SOCK_RAW)
            snprintf(l, sizeof(l), "%s:%d", ip_str(ntohl(s[i].laddr)), s[i].protocol);
        printf("%-5s %6u %6u %-23s %-23s %s\n", proto, s[i].rx_queue, s[i].tx_queue, l, r,
               s[i].type == SOCK_STREAM ? tcp_state(s[i].state) : "");
    }
    free(s);
    return finish_stdout();
}

static int interfaces(void)
{
    int n;
    struct anyk_ifinfo *f = netconf_list(ANYK_NET_IFLIST, sizeof(*f), &n);

    printf("Kernel Interface table\n");
    printf("Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR "
           "Flg\n");
    for (int i = 0; i < n; i++) {
        char flg[8];
        int k = 0;
        if (f[i].flags & ANYK_IFF_BROADCAST)
            flg[k++] = 'B';
        if (f[i].flags & ANYK_IFF_LOOPBACK)
            flg[k++] = 'L';
        if (f[i].flags & ANYK_IFF_RUNNING)
            flg[k++] = 'R';
        if (f[i].flags & ANYK_IFF_UP)
            flg[k++] = 'U';
        flg[k] = '\0';
        printf("%-15s %5u %8llu %6llu %6llu %6d %8llu %6llu %6llu %6d %s\n", f[i].name,
               f[i].mtu, (unsigned long long)f[i].rx_packets, (unsigned long long)f[i].rx_errors,
               (unsigned long long)f[i].rx_dropped, 0, (unsigned long long)f[i].tx_packets,
               (unsigned long long)f[i].tx_errors, (unsigned long long)f[i].tx_dropped, 0, flg);
    }
    free(f);
    return finish_stdout();
}

static int counters(void)
{
    int n;
    struct anyk_counter *c = netconf_list(ANYK_NET_COUNTERS, sizeof(*c), &n);
    char proto[32] = "";

    for (int i = 0; i < n; i++) {
        char *dot = strchr(c[i].name, '.');
        size_t plen = dot ? (size_t)(dot - c[i].name) : 0;
        if (strlen(proto) != plen || strncmp(proto, c[i].name, plen)) {
            memcpy(proto, c[i].name, plen);
            proto[plen] = '\0';
            printf("%c%s:\n", toupper((unsigned char)proto[0]), proto + 1);
        }
        printf("    %s: %llu\n", dot ? dot + 1 : c[i].name, (unsigned long long)c[i].value);
    }
    free(c);
    return finish_stdout();
}

static int routes(void)
{
    char *argv[] = { "route", "-n", NULL };
    pid_t pid;
    int st;

    /* route prints the table in the same format. */
    fflush(stdout);
    if (posix_spawnp(&pid, "route", NULL, NULL, argv, environ) != 0) {
        warnmsg("route: %s", strerror(errno));
        return 1;
    }
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int main(int argc, char **argv)
{
    int c, all = 0, listening = 0, tcp = 0, udp = 0, raw = 0, mode = 0;

    progname = "netstat";
    opterr = 0;
    while ((c = getopt(argc, argv, "alntuwisre")) != -1) {
        switch (c) {
        case 'a': all = 1; break;
        case 'l': listening = 1; break;
        case 'n': case 'e': break;
        case 't': tcp = 1; break;
        case 'u': udp = 1; break;
        case 'w': raw = 1; break;
        case 'i': case 's': case 'r': mode = c; break;
        default:
            fprintf(stderr, "usage: netstat [-alntuw] | -i | -s | -r\n");
            return 2;
        }
    }
    if (mode == 'i')
        return interfaces();
    if (mode == 's')
        return counters();
    if (mode == 'r')
        return routes();
    if (!tcp && !udp && !raw)
        tcp = udp = raw = 1;
    return sockets(all, listening, tcp, udp, raw);
}
