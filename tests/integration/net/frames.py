#!/usr/bin/env python3
# frames.py - send malformed Ethernet frames to anyk through the TAP device,
# from the Linux side of the link (AF_PACKET; needs root in the namespace).
#   frames.py IFACE DST_MAC DST_IP SRC_IP
# Every frame is wrong in one way the receiver must catch at the edge; then
# a few hundred random frames (fixed seed) follow. Prints one line per kind.
import random
import socket
import struct
import sys

iface, dst_mac, dst_ip, src_ip = sys.argv[1:5]
src_mac = open("/sys/class/net/%s/address" % iface).read().strip()
mac = lambda m: bytes(int(x, 16) for x in m.split(":"))
DST, SRC = mac(dst_mac), mac(src_mac)
sip, dip = socket.inet_aton(src_ip), socket.inet_aton(dst_ip)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((iface, 0))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16:
        t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff


def eth(payload, etype=0x0800):
    return DST + SRC + struct.pack("!H", etype) + payload


def ip(payload, proto=17, tot=None, ihl=5, ver=4, frag=0, ident=0x1234, bad_sum=False, opts=b""):
    tot = 20 + len(opts) + len(payload) if tot is None else tot
    h = struct.pack("!BBHHHBBH4s4s", ver << 4 | ihl, 0, tot, ident, frag, 64, proto, 0, sip, dip)
    h += opts
    c = csum(h)
    if bad_sum:
        c ^= 0x5555
    return h[:10] + struct.pack("!H", c) + h[12:] + payload


def udp(data, sport=5555, dport=7, ulen=None, bad_sum=False):
    ulen = 8 + len(data) if ulen is None else ulen
    h = struct.pack("!HHHH", sport, dport, ulen, 0)
    pseudo = sip + dip + struct.pack("!BBH", 0, 17, 8 + len(data))
    c = csum(pseudo + h + data) or 0xffff
    if bad_sum:
        c ^= 0x00ff
    return h[:6] + struct.pack("!H", c) + data


def icmp_echo(data, bad_sum=False):
    h = struct.pack("!BBHHH", 8, 0, 0, 0x4242, 1)
    c = csum(h + data)
    if bad_sum:
        c ^= 0x1111
    return h[:2] + struct.pack("!H", c) + h[4:] + data


def send(kind, frame):
    s.send(frame)
    print(kind)


# (A frame shorter than its Ethernet header cannot be sent through AF_PACKET.)
send("ethernet header and nothing else", eth(b""))
send("ipv4 bad header checksum", eth(ip(udp(b"x"), bad_sum=True)))
send("ipv4 truncated header", eth(ip(b"", ihl=15)[:20]))
send("ipv4 total length beyond the frame", eth(ip(udp(b"abc"), tot=400)))
send("ipv4 total length below the header", eth(ip(udp(b"abc"), tot=12)))
send("ipv4 header length below 5", eth(ip(udp(b"abc"), ihl=3)))
send("ipv4 version 6 in an ipv4 frame", eth(ip(udp(b"abc"), ver=6)))
send("ipv4 shorter than a header", eth(b"\x45\x00\x00"))
send("udp bad checksum", eth(ip(udp(b"hello", bad_sum=True))))
send("udp length beyond the datagram", eth(ip(udp(b"hello", ulen=300))))
send("udp length below its header", eth(ip(udp(b"hello", ulen=4))))
send("udp truncated header", eth(ip(b"\x15\xb3\x00")))
send("icmp bad checksum", eth(ip(icmp_echo(b"payload" * 4, bad_sum=True), proto=1)))
send("icmp truncated", eth(ip(b"\x08\x00", proto=1)))
send("arp truncated", eth(b"\x00\x01\x08\x00\x06\x04\x00\x01" + SRC, etype=0x0806))
send("arp bad hardware length",
     eth(b"\x00\x01\x08\x00\x09\x04\x00\x01" + SRC + sip + b"\0" * 6 + dip, etype=0x0806))
# Overlapping fragments: the second overlaps the first without being a duplicate.
body = udp(b"A" * 64)
send("overlapping fragments (1/2)", eth(ip(body[:40], frag=0x2000, ident=0x7777)))
send("overlapping fragments (2/2)", eth(ip(body[16:], frag=2, ident=0x7777)))
# A fragment that is not a multiple of 8 bytes but claims more follow.
send("fragment of odd length with MF", eth(ip(body[:13], frag=0x2000, ident=0x7778)))
# A fragment ending past 64 KiB.
send("fragment past 64 KiB", eth(ip(b"B" * 64, frag=8189, ident=0x7779)))
# Many first fragments that never complete: reassembly limits must hold.
for i in range(200):
    s.send(eth(ip(body[:24], frag=0x2000, ident=0x8000 + i)))
print("200 incomplete datagrams")
# Protocol nobody speaks: answered with protocol unreachable, not a crash.
send("unknown protocol", eth(ip(b"\0" * 16, proto=200)))
rnd = random.Random(1234)
for i in range(500):
    kind = rnd.randrange(3)
    n = rnd.randrange(0, 120)
    junk = bytes(rnd.randrange(256) for _ in range(n))
    if kind == 0:
        frame = eth(junk, etype=rnd.choice([0x0800, 0x0806]))
    elif kind == 1:
        frame = eth(ip(junk, proto=rnd.choice([1, 6, 17]), frag=rnd.choice([0, 0x2000, 3])))
    else:
        hdr = bytearray(ip(junk, proto=rnd.choice([1, 6, 17])))
        for _ in range(rnd.randrange(1, 4)):
            hdr[rnd.randrange(len(hdr))] = rnd.randrange(256)
        frame = eth(bytes(hdr))
    s.send(frame)
print("500 random frames")
