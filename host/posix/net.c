/*
 * net.c - the posix host's NICs: TAP devices (and, when built with libslirp,
 * user-mode networking) behind hyp_net_info/send/recv.
 *
 * A TAP NIC is an existing Linux TAP device, opened through /dev/net/tun with
 * IFF_TAP | IFF_NO_PI: every read() returns one Ethernet frame, every write()
 * sends one. The descriptor is non-blocking and sits in hyp_poll's epoll set
 * edge-triggered, so a NIC is reported when frames arrive and the kernel
 * drains it until -EAGAIN (hyp.h's contract).
 *
 * Each NIC gets a locally administered MAC address derived from its name and
 * index, so the same command line gives the same address every run (the
 * peer's ARP cache stays right across restarts).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

#include "host/posix/posix.h"

#define FRAME_MAX 65536 /* a TAP read never returns more (tun's own limit) */

static struct {
    int fd;
    uint8_t mac[6];
    uint16_t mtu;
    char name[32];
} nic[POSIX_NETS_MAX];
static unsigned nnic;

/* 02:61:6e:xx:xx:xx: locally administered, unicast ("an" for anyk), the rest from the name. */
static void derive_mac(uint8_t mac[6], const char *name, unsigned index)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    for (const char *p = name; *p; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    h = (h ^ index) * 16777619u;
    mac[0] = 0x02;
    mac[1] = 0x61;
    mac[2] = 0x6e;
    mac[3] = (uint8_t)(h >> 16);
    mac[4] = (uint8_t)(h >> 8);
    mac[5] = (uint8_t)h;
}

static int open_tap(const char *name, unsigned i)
{
    struct ifreq ifr;
    int fd;

    if (!*name || strlen(name) >= IFNAMSIZ) {
        fprintf(stderr, "anyk: --net tap:%s: invalid interface name\n", name);
        return -1;
    }
    if (if_nametoindex(name) == 0) {
        fprintf(stderr,
                "anyk: --net tap:%s: no such network device (create it first: "
                "ip tuntap add dev %s mode tap)\n",
                name, name);
        return -1;
    }
    fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && (errno == EACCES || errno == EPERM)) {
        fprintf(stderr,
                "anyk: --net tap:%s: permission denied on /dev/net/tun: attaching to a TAP "
                "device needs CAP_NET_ADMIN (run as root), or read-write access to "
                "/dev/net/tun and a device made for this user (ip tuntap add dev %s mode tap "
                "user $USER)\n",
                name, name);
        return -1;
    }
    if (fd < 0) {
        fprintf(stderr, "anyk: --net tap:%s: cannot open /dev/net/tun: %s%s\n", name,
                strerror(errno), errno == ENOENT ? " (no TUN/TAP support: modprobe tun)" : "");
        return -1;
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    memcpy(ifr.ifr_name, name, strlen(name));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        if (e == EPERM || e == EACCES)
            fprintf(stderr,
                    "anyk: --net tap:%s: permission denied: attaching to a TAP device needs "
                    "CAP_NET_ADMIN, or a device made for this user (ip tuntap add dev %s "
                    "mode tap user $USER)\n",
                    name, name);
        else if (e == EBUSY)
            fprintf(stderr, "anyk: --net tap:%s: the device is in use by another process\n",
                    name);
        else if (e == EINVAL)
            fprintf(stderr, "anyk: --net tap:%s: not a TAP device (a TUN device or another "
                            "kind of interface has that name)\n",
                    name);
        else
            fprintf(stderr, "anyk: --net tap:%s: %s\n", name, strerror(e));
        close(fd);
        return -1;
    }
    nic[i].fd = fd;
    nic[i].mtu = 1500;
    snprintf(nic[i].name, sizeof(nic[i].name), "%s", name);
    derive_mac(nic[i].mac, name, i);
    return 0;
}

int posix_net_setup(const struct posix_config *cfg, int epfd)
{
    for (unsigned i = 0; i < cfg->nnets && i < POSIX_NETS_MAX; i++) {
        const struct posix_net *pn = &cfg->nets[i];
        struct epoll_event ev = { .events = EPOLLIN | EPOLLET };

        if (pn->kind != POSIX_NET_TAP) {
            fprintf(stderr, "anyk: --net: this anyk was built without user-mode networking\n");
            return -1;
        }
        if (open_tap(pn->name, i) < 0)
            return -1;
        ev.data.fd = nic[i].fd;
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, nic[i].fd, &ev) < 0) {
            fprintf(stderr, "anyk: --net tap:%s: epoll: %s\n", pn->name, strerror(errno));
            return -1;
        }
        nnic = i + 1;
    }
    return (int)nnic;
}

uint32_t posix_net_event(int fd)
{
    for (unsigned i = 0; i < nnic; i++)
        if (nic[i].fd == fd)
            return HYP_POLL_NET(i);
    return 0;
}

int hyp_net_info(uint32_t i, struct hyp_net_info *info)
{
    if (i >= nnic)
        return -ENODEV;
    memcpy(info->mac, nic[i].mac, 6);
    info->mtu = nic[i].mtu;
    snprintf(info->name, sizeof(info->name), "%s", nic[i].name);
    return 0;
}

int hyp_net_send(uint32_t i, const void *frame, size_t len)
{
    ssize_t n;

    if (i >= nnic)
        return -ENODEV;
    if (len > (size_t)nic[i].mtu + 14)
        return -EMSGSIZE;
    do
        n = write(nic[i].fd, frame, len);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EAGAIN || errno == ENOBUFS ? -EAGAIN : -EIO;
    return 0;
}

long hyp_net_recv(uint32_t i, void *buf, size_t cap)
{
    /* Whatever does not fit in buf lands in the spill area: then the frame was too long. */
    static unsigned char spill[FRAME_MAX];
    struct iovec iov[2] = { { buf, cap }, { spill, sizeof(spill) } };
    ssize_t n;

    if (i >= nnic)
        return -ENODEV;
    do
        n = readv(nic[i].fd, iov, 2);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EAGAIN ? -EAGAIN : -EIO;
    if ((size_t)n > cap)
        return -EMSGSIZE;
    return n;
}
