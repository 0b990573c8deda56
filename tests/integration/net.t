#!/bin/bash
# net.t - anyk's network stack against Linux's, over a TAP device.
#
# Topology: a network namespace of our own holds a TAP device anyktap0 with
# 10.9.0.1/24 and 10.99.0.1/32 (an address "beyond a router" for the default
# route); anyk runs inside the namespace on that TAP as eth0 = 10.9.0.2/24.
# Linux's own tools are the oracle: iputils ping, python3 sockets (UDP echo),
# and raw frames written by python3 (tests/integration/net/frames.py).
# Needs root (CI runs as root); skipped otherwise. The namespace, and with it
# the TAP device, is removed on every way out.
. "$(dirname "$0")/lib.sh"

NS=anyk-net-$$
TAP=anyktap0
HERE=$(cd "$(dirname "$0")" && pwd)

if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] || ! command -v ip >/dev/null ||
    ! command -v ping >/dev/null || ! command -v python3 >/dev/null; then
    echo "1..0 # SKIP needs root, /dev/net/tun, ip, ping and python3"
    exit 0
fi
if ! ip netns add "$NS" 2>/dev/null; then
    echo "1..0 # SKIP cannot create a network namespace"
    exit 0
fi
cleanup() {
    [ -n "$BG" ] && kill "$BG" 2>/dev/null
    ip netns del "$NS" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

nsx() { ip netns exec "$NS" "$@"; }
nsx ip link set lo up
nsx ip tuntap add dev $TAP mode tap
nsx ip addr add 10.9.0.1/24 dev $TAP
nsx ip addr add 10.99.0.1/32 dev lo
nsx ip link set $TAP up
ANYK_ABS=$(cd "$(dirname "$ANYK")" && pwd)/anyk

# anyk_net SCRIPT: run anyk with the TAP as eth0; sets OUT and STATUS.
anyk_net() {
    OUT=$(timeout 30 ip netns exec "$NS" "$ANYK_ABS" run -q --net tap:$TAP -- "$1" </dev/null 2>&1)
    STATUS=$?
}

# The counter NAME in /proc/net text (OUT).
counter() { printf '%s\n' "$OUT" | awk -v n="$1" '$1 == n { print $2 }'; }

# ---- the host's NIC option -----------------------------------------------------------
OUT=$(nsx "$ANYK_ABS" run --net tap:nosuch -- true 2>&1)
ok $([ $? -eq 1 ]; echo $?) "--net tap: a missing device fails"
like "$OUT" "no such network device.*ip tuntap add dev nosuch mode tap" "and says how to create it"
OUT=$("$ANYK_ABS" run --net bogus -- true 2>&1)
ok $([ $? -eq 2 ]; echo $?) "--net with an unknown kind is a usage error"
anyk_net 'ifconfig -a'
like "$OUT" "^eth0: flags=.*BROADCAST" "the TAP is eth0"
like "$OUT" "ether 02:61:6e:([0-9a-f]{2}:){2}[0-9a-f]{2} .*anyktap0" \
    "with a locally administered MAC address, naming the host's device"
like "$OUT" "^lo: flags=.*LOOPBACK" "and lo is there"
like "$OUT" "inet 127\.0\.0\.1  netmask 255\.0\.0\.0" "lo is 127.0.0.1/8"
OUT2=$(nsx "$ANYK_ABS" run -q --net none -- 'ifconfig -a' </dev/null 2>&1)
unlike "$OUT2" "eth0" "--net none: no NIC"

# ---- anyk pings Linux, configures routes --------------------------------------------
anyk_net 'ifconfig eth0 10.9.0.2/24 up; ping -c 3 -i 0.2 10.9.0.1; echo "ping=$?"
ping -c 1 10.99.0.1; echo "noroute=$?"
route add default gw 10.9.0.1; route
ping -c 2 -i 0.2 10.99.0.1; echo "viagw=$?"
route del default; route
ping -c 1 10.9.0.77; echo "unreach=$?"
ping -c 2 -i 0.2 -s 4000 10.9.0.1; echo "frag=$?"'
is "$STATUS" 0 "anyk ran the ping script"
like "$OUT" "^PING 10\.9\.0\.1 \(10\.9\.0\.1\) 56\(84\) bytes of data\.$" "ping: iputils' header line"
like "$OUT" "^64 bytes from 10\.9\.0\.1: icmp_seq=3 ttl=64 time=[0-9.]+ ms$" \
    "ping: Linux answers (reply line as iputils prints it)"
like "$OUT" "^3 packets transmitted, 3 received, 0% packet loss, time [0-9]+ms$" \
    "ping: statistics line"
like "$OUT" "^rtt min/avg/max/mdev = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms$" "ping: rtt line"
like "$OUT" "^ping=0$" "ping: exit status 0"
like "$OUT" "ping: connect: Network is unreachable" "no route: Network is unreachable"
like "$OUT" "^noroute=2$" "and status 2"
like "$OUT" "^0\.0\.0\.0 +10\.9\.0\.1 +0\.0\.0\.0 +UG .* eth0$" "route add default gw: listed"
like "$OUT" "^64 bytes from 10\.99\.0\.1: icmp_seq=2" "pings beyond the gateway go through it"
like "$OUT" "^viagw=0$" "and get answers"
n=$(printf '%s\n' "$OUT" | grep -c '^0\.0\.0\.0 ')
is "$n" 1 "route del default removes it"
like "$OUT" "^From 10\.9\.0\.2 icmp_seq=1 Destination Host Unreachable$" \
    "no ARP answer: Destination Host Unreachable"
like "$OUT" "^1 packets transmitted, 0 received, \+1 errors, 100% packet loss" \
    "and counted as an error"
like "$OUT" "^4008 bytes from 10\.9\.0\.1: icmp_seq=2 ttl=64" \
    "4000-byte pings: fragmented out, reassembled in"
like "$OUT" "^frag=0$" "fragmented pings succeed"

# ---- Linux pings anyk; UDP both ways ---------------------------------------------------
nsx python3 - >"$TMP/echo.out" 2>&1 <<'PY' &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.9.0.1", 7001))
s.settimeout(20)
print("ready", flush=True)
d, a = s.recvfrom(65536)
s.sendto(d.upper(), a)
PY
BG=$!
for _ in $(seq 50); do grep -q ready "$TMP/echo.out" && break; sleep 0.1; done

# anyk: a UDP client to Linux's echo server, an echo server of its own (nc -e cat),
# then it waits for Linux's "done" datagram on 7999 and prints its counters.
( OUT=$(timeout 40 ip netns exec "$NS" "$ANYK_ABS" run -q --net tap:$TAP -- '
ifconfig eth0 10.9.0.2/24 up
echo hello from anyk | nc -u -w 2 10.9.0.1 7001; echo "udpc=$?"
nc -u -l 7002 -e /bin/cat &
nc -u -l 7999 -q 0 >/dev/null
netstat -s; netstat -i; cat /proc/net' </dev/null 2>&1); echo "$OUT" >"$TMP/anyk.out"; \
  echo "status $?" >>"$TMP/anyk.out" ) &
ANYK_BG=$!

alive=1
for _ in $(seq 100); do
    nsx ping -c 1 -W 1 10.9.0.2 >/dev/null 2>&1 && { alive=0; break; }
    sleep 0.1
done
ok $alive "anyk answers a ping once eth0 is up"
OUT=$(nsx ping -c 3 -i 0.2 10.9.0.2 2>&1)
like "$OUT" "3 packets transmitted, 3 received, 0% packet loss" "Linux pings anyk: 3 of 3"
OUT=$(nsx ping -c 2 -i 0.2 -s 3000 10.9.0.2 2>&1)
like "$OUT" "2 packets transmitted, 2 received" "Linux pings anyk with 3000 bytes (fragments)"
OUT=$(nsx python3 - 2>&1 <<'PY'
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
for i in range(30):        # until anyk's nc -l is listening
    s.sendto(b"probe %d\n" % i, ("10.9.0.2", 7002))
    try:
        d, a = s.recvfrom(100)
        break
    except (socket.timeout, ConnectionRefusedError):
        time.sleep(0.1)
s.sendto(b"linux says hi\n", a)
print("echo:", s.recvfrom(100)[0].decode().strip())
big = bytes(range(256)) * 16
s.sendto(big, a)
print("big echo ok:", s.recvfrom(8192)[0] == big)
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.settimeout(2)
c.connect(("10.9.0.2", 7003))
c.send(b"anyone?")
try:
    c.recv(10)
    print("closed port: answered")
except ConnectionRefusedError:
    print("closed port: refused")
PY
)
like "$OUT" "^echo: linux says hi$" "UDP: Linux's client, anyk's echo server (nc -u -l -e cat)"
like "$OUT" "^big echo ok: True$" "UDP: a 4096-byte datagram echoes whole (fragmented both ways)"
like "$OUT" "^closed port: refused$" "UDP to a closed port: Linux sees ICMP port unreachable"

# Malformed frames: all dropped and counted, and anyk keeps working.
nsx ping -c 1 10.9.0.2 >/dev/null 2>&1
MAC=$(nsx ip neigh show 10.9.0.2 | awk '{ print $5 }')
OUT=$(nsx python3 "$HERE/net/frames.py" $TAP "$MAC" 10.9.0.2 10.9.0.1 2>&1)
like "$OUT" "500 random frames" "sent malformed and random frames"
OUT=$(nsx ping -c 2 -i 0.2 10.9.0.2 2>&1)
like "$OUT" "2 received" "anyk still answers pings after them"
nsx python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"done", ("10.9.0.2", 7999))'
wait $ANYK_BG
OUT=$(cat "$TMP/anyk.out")
like "$OUT" "^HELLO FROM ANYK$" "UDP: anyk's nc -u sends, Linux's echo answers, nc prints it"
like "$OUT" "^udpc=0$" "nc -u exits 0 after its -w timeout"
like "$OUT" "^status 0$" "anyk exits cleanly"
for c in ip.in_bad_checksum ip.in_truncated ip.in_hdr_errors udp.in_bad_checksum \
    udp.in_bad_length icmp.in_bad_checksum icmp.in_errors arp.in_malformed ip.reasm_overlaps \
    ip.reasm_fails ip.reasm_limit_drops ip.in_unknown_protos; do
    v=$(counter $c)
    ok $([ "${v:-0}" -ge 1 ]; echo $?) "malformed input counted: $c = ${v:-none}"
done
v=$(counter pkt.in_use)
ok $([ "${v:-99}" -le 40 ]; echo $?) "packets held after the storm are bounded (pkt.in_use = $v)"
like "$OUT" "^Udp:$" "netstat -s prints the counters by protocol"
like "$OUT" "^eth0 +1500 +[0-9]+ +[0-9]+ " "netstat -i prints the interface table"

done_testing
