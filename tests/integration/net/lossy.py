#!/usr/bin/env python3
# lossy.py - a bad wire between two TAP devices, standing in for tc netem
# (which not every kernel has): frames anyk sends on TAP A reach Linux on
# TAP B and back, each direction losing, duplicating and reordering frames
# with the given probabilities (fixed seed, so a failure can be replayed).
#   lossy.py TAP_A TAP_B LOSS DUP REORDER SECONDS
# TAP_A is anyk's device (we use it through AF_PACKET); TAP_B we open
# ourselves through /dev/net/tun, so Linux's stack sees it as its NIC.
import fcntl
import os
import random
import select
import socket
import struct
import sys
import time

a, b = sys.argv[1], sys.argv[2]
loss, dup, reorder, secs = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
rnd = random.Random(4242)

TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454ca, 0x0002, 0x1000
tap = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(tap, TUNSETIFF, struct.pack("16sH", b.encode(), IFF_TAP | IFF_NO_PI))
pkt = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))  # ETH_P_ALL
pkt.bind((a, 0))
print("ready", flush=True)

held = {"a": None, "b": None}  # one frame held back per direction, for reordering
stats = {"passed": 0, "lost": 0, "duplicated": 0, "reordered": 0}


def deliver(direction, frame):
    if direction == "a":        # from anyk, to Linux
        os.write(tap, frame)
    else:                       # from Linux, to anyk
        pkt.send(frame)


def forward(direction, frame):
    if rnd.random() < loss:
        stats["lost"] += 1
        return
    copies = 2 if rnd.random() < dup else 1
    stats["duplicated"] += copies - 1
    for _ in range(copies):
        if held[direction] is None and rnd.random() < reorder:
            held[direction] = frame
            stats["reordered"] += 1
            continue
        deliver(direction, frame)
        stats["passed"] += 1
        if held[direction] is not None:
            deliver(direction, held[direction])
            held[direction] = None


end = time.time() + secs
while time.time() < end:
    r, _, _ = select.select([tap, pkt], [], [], 0.05)
    if not r:
        for d in ("a", "b"):     # never hold a frame for long
            if held[d] is not None:
                deliver(d, held[d])
                held[d] = None
        continue
    if pkt in r:
        frame, addr = pkt.recvfrom(65536)
        if addr[2] != socket.PACKET_OUTGOING:
            forward("a", frame)
    if tap in r:
        forward("b", os.read(tap, 65536))
print(" ".join("%s=%d" % kv for kv in stats.items()), flush=True)
