/*
 * ping - send ICMP echo requests and report the replies (as iputils ping).
 *
 *   ping [-c COUNT] [-i INTERVAL] [-s SIZE] [-t TTL] [-W TIMEOUT] [-q] HOST
 *
 * Output and statistics have iputils' shape:
 *   PING 10.9.0.1 (10.9.0.1) 56(84) bytes of data.
 *   64 bytes from 10.9.0.1: icmp_seq=1 ttl=64 time=0.045 ms
 *   --- 10.9.0.1 ping statistics ---
 *   3 packets transmitted, 3 received, 0% packet loss, time 2003ms
 *   rtt min/avg/max/mdev = 0.040/0.045/0.050/0.004 ms
 * Errors that come back (destination unreachable, time exceeded) print a
 * "From ..." line and count as errors. Ctrl-C ends with the statistics.
 * Exit status: 0 if a reply came, 1 if none did, 2 on other errors.
 *
 * A raw ICMP socket receives every ICMP message for this host: replies are
 * told apart by the identifier (our pid) and the sequence number. The send
 * time travels in the first 8 bytes of the data when SIZE allows.
 */
#include <poll.h>
#include <signal.h>
#include <time.h>

#include "netcommon.h"

#define MAXSIZE 65507

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static long long now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint16_t cksum(const unsigned char *p, size_t n)
{
    uint32_t s = 0;

    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* Parse a positive decimal with an optional fraction into microseconds. */
static long long parse_secs(const char *s)
{
    long long us = 0, scale = 1000000;
    int digits = 0;

    for (; isdigit((unsigned char)*s) && us < 1000000000000LL; s++, digits++)
        us = us * 10 + (*s - '0') * 1000000LL;
    if (*s == '.')
        for (s++; isdigit((unsigned char)*s); s++, digits++)
            if (scale > 1) {
                scale /= 10;
                us += (*s - '0') * scale;
            }
    return digits && !*s ? us : -1;
}

static void print_ms(long long us)
{
    if (us >= 100000)
        printf("%lld", us / 1000);
    else if (us >= 10000)
        printf("%lld.%01lld", us / 1000, us % 1000 / 100);
    else if (us >= 1000)
        printf("%lld.%02lld", us / 1000, us % 1000 / 10);
    else
        printf("%lld.%03lld", us / 1000, us % 1000);
}

static long long isqrt(long long v)
{
    long long x, y;

    if (v <= 0)
        return 0;
    /* Newton's iteration from above converges to floor(sqrt(v)). */
    x = v;
    y = (x + 1) / 2;
    while (y < x) {
        x = y;
        y = (x + v / x) / 2;
    }
    return x;
}

static const char *unreach_text(int type, int code)
{
    if (type == 11)
        return code == 0 ? "Time to live exceeded" : "Frag reassembly time exceeded";
    switch (code) {
    case 0: return "Destination Net Unreachable";
    case 1: return "Destination Host Unreachable";
    case 2: return "Destination Protocol Unreachable";
    case 3: return "Destination Port Unreachable";
    case 4: return "Frag needed and DF set";
    default: return "Destination Unreachable";
    }
}

static int usage(void)
{
    fprintf(stderr, "Usage: ping [-c COUNT] [-i INTERVAL] [-s SIZE] [-t TTL] [-W TIMEOUT] [-q] "
                    "HOST\n");
    return 2;
}

int main(int argc, char **argv)
{
    long count = -1, size = 56, ttl = 0;
    long long interval = 1000000, timeout = 10000000, start, next_send, last_send = 0;
    long long rtt_min = 0, rtt_max = 0, rtt_sum = 0, rtt_sum2 = 0;
    long sent = 0, received = 0, errors = 0;
    int quiet = 0, c, fd;
    uint16_t id = (uint16_t)getpid();
    unsigned char *out, *in;
    struct sockaddr_in dst;
    uint32_t addr;
    const char *host;

    progname = "ping";
    opterr = 0;
    while ((c = getopt(argc, argv, "c:i:s:t:W:qn")) != -1) {
        char *end;
        switch (c) {
        case 'c':
            count = strtol(optarg, &end, 10);
            if (*end || count <= 0) {
                warnmsg("invalid argument: '%s'", optarg);
                return 2;
            }
            break;
        case 'i':
            if ((interval = parse_secs(optarg)) < 0) {
                warnmsg("bad timing interval: %s", optarg);
                return 2;
            }
            break;
        case 's':
            size = strtol(optarg, &end, 10);
            if (*end || size < 0 || size > MAXSIZE) {
                warnmsg("invalid argument: '%s': out of range: 0 <= value <= %d", optarg,
                        MAXSIZE);
                return 2;
            }
            break;
        case 't':
            ttl = strtol(optarg, &end, 10);
            if (*end || ttl < 1 || ttl > 255) {
                warnmsg("invalid argument: '%s': out of range: 1 <= value <= 255", optarg);
                return 2;
            }
            break;
        case 'W':
            if ((timeout = parse_secs(optarg)) < 0) {
                warnmsg("bad linger time: %s", optarg);
                return 2;
            }
            break;
        case 'q': quiet = 1; break;
        case 'n': break;
        default: return usage();
        }
    }
    if (optind != argc - 1)
        return usage();
    host = argv[optind];
    if (resolve(host, &addr) < 0) {
        warnmsg("%s: Name or service not known", host);
        return 2;
    }
    if ((fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)) < 0) {
        warnmsg("socket: %s", strerror(errno));
        return 2;
    }
    if (ttl && setsockopt(fd, IPPROTO_IP, IP_TTL, &(int){ (int)ttl }, sizeof(int)) < 0) {
        warnmsg("setsockopt IP_TTL: %s", strerror(errno));
        return 2;
    }
    memset(&dst, 0, sizeof(dst));
    dst.sin_family = AF_INET;
    dst.sin_addr.s_addr = htonl(addr);
    out = xmalloc(8 + (size_t)size);
    in = xmalloc(65536);
    signal(SIGINT, on_sigint);
    printf("PING %s (%s) %ld(%ld) bytes of data.\n", host, ip_str(addr), size, size + 28);
    fflush(stdout);

    start = next_send = now_us();
    while (!interrupted) {
        long long t = now_us(), wait_us;
        struct pollfd pfd = { fd, POLLIN, 0 };

        if ((count < 0 || sent < count) && t >= next_send) {
            memset(out, 0, 8);
            out[0] = 8;
            out[4] = (unsigned char)(id >> 8);
            out[5] = (unsigned char)id;
            out[6] = (unsigned char)((sent + 1) >> 8);
            out[7] = (unsigned char)(sent + 1);
            for (long i = 0; i < size; i++)
                out[8 + i] = (unsigned char)(i + 8);
            if (size >= 8)
                memcpy(out + 8, &t, 8);
            uint16_t s = cksum(out, 8 + (size_t)size);
            out[2] = (unsigned char)(s >> 8);
            out[3] = (unsigned char)s;
            if (sendto(fd, out, 8 + (size_t)size, 0, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
                if (errno == ENETUNREACH || errno == EHOSTUNREACH || errno == EMSGSIZE ||
                    errno == EACCES) {
                    if (sent == 0) {
                        warnmsg("connect: %s", strerror(errno));
                        return 2;
                    }
                    printf("ping: sendmsg: %s\n", strerror(errno));
                    errors++;
                } else {
                    warnmsg("sendto: %s", strerror(errno));
                    return 2;
                }
            }
            sent++;
            last_send = t;
            next_send += interval;
            if (next_send < t)
                next_send = t + interval;
        }
        /* Done: every reply in, or the last one had its time. */
        if (count >= 0 && sent >= count &&
            (received + errors >= count || t >= last_send + (received ? 2 * rtt_max + interval
                                                                      : timeout)))
            break;
        wait_us = (count < 0 || sent < count) ? next_send - t
                                              : last_send + (received ? 2 * rtt_max + interval
                                                                      : timeout) - t;
        if (wait_us < 0)
            wait_us = 0;
        if (poll(&pfd, 1, (int)((wait_us + 999) / 1000)) <= 0)
            continue;
        ssize_t n = recv(fd, in, 65536, 0);
        long long rt = now_us();
        if (n < 20)
            continue;
        size_t ihl = (size_t)(in[0] & 0xf) * 4;
        if ((size_t)n < ihl + 8)
            continue;
        unsigned char *icmp = in + ihl;
        uint32_t from = (uint32_t)in[12] << 24 | (uint32_t)in[13] << 16 | (uint32_t)in[14] << 8 |
                        in[15];
        if (icmp[0] == 0 && (icmp[4] << 8 | icmp[5]) == id) {
            int seq = icmp[6] << 8 | icmp[7];
            long long rtt = 0;
            if ((size_t)n >= ihl + 16 && size >= 8) {
                long long ts;
                memcpy(&ts, icmp + 8, 8);
                rtt = rt - ts;
                if (rtt < 0)
                    rtt = 0;
            }
            received++;
            if (received == 1 || rtt < rtt_min)
                rtt_min = rtt;
            if (rtt > rtt_max)
                rtt_max = rtt;
            rtt_sum += rtt;
            rtt_sum2 += rtt * rtt;
            if (!quiet) {
                printf("%zd bytes from %s: icmp_seq=%d ttl=%d", (size_t)n - ihl, ip_str(from),
                       seq, in[8]);
                if (size >= 8) {
                    printf(" time=");
                    print_ms(rtt);
                    printf(" ms");
                }
                printf("\n");
                fflush(stdout);
            }
        } else if ((icmp[0] == 3 || icmp[0] == 11) && (size_t)n >= ihl + 8 + 20 + 8) {
            unsigned char *inner = icmp + 8;
            size_t iihl = (size_t)(inner[0] & 0xf) * 4;
            if ((size_t)n < ihl + 8 + iihl + 8 || inner[9] != 1)
                continue;
            unsigned char *ie = inner + iihl;
            if (ie[0] != 8 || (ie[4] << 8 | ie[5]) != id)
                continue;
            errors++;
            if (!quiet) {
                printf("From %s icmp_seq=%d %s\n", ip_str(from), ie[6] << 8 | ie[7],
                       unreach_text(icmp[0], icmp[1]));
                fflush(stdout);
            }
        }
    }
    long long elapsed = (now_us() - start) / 1000;
    if (count >= 0 && sent == count && !interrupted && received + errors >= count)
        elapsed = (last_send - start) / 1000;
    printf("\n--- %s ping statistics ---\n", host);
    printf("%ld packets transmitted, %ld received, ", sent, received);
    if (errors)
        printf("+%ld errors, ", errors);
    printf("%ld%% packet loss, time %lldms\n", sent ? (sent - received) * 100 / sent : 0, elapsed);
    if (received && size >= 8) {
        long long avg = rtt_sum / received;
        long long mdev = isqrt(rtt_sum2 / received - avg * avg);
        printf("rtt min/avg/max/mdev = %lld.%03lld/%lld.%03lld/%lld.%03lld/%lld.%03lld ms\n",
               rtt_min / 1000, rtt_min % 1000, avg / 1000, avg % 1000, rtt_max / 1000,
               rtt_max % 1000, mdev / 1000, mdev % 1000);
    }
    fflush(stdout);
    return received ? 0 : 1;
}
