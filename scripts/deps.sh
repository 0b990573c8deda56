#!/bin/sh
# Install the Debian packages anyk needs for a task, if any are missing, and say which.
#   scripts/deps.sh build    make, gcc, libc headers, binutils (ld -r, nm)
#   scripts/deps.sh check    the above, plus clang (second compiler), perl (prove, the
#                            TAP runner), python3 (drives the console through a pty),
#                            bsdextrautils (hexdump, an oracle for the hexdump tool),
#                            cpio (GNU cpio, the oracle of tests/unit/cpio_test.c),
#                            e2fsprogs (mke2fs, e2fsck, debugfs: the ext2 oracles),
#                            libclang-rt-14-dev (libFuzzer, for make fuzz), and the
#                            network oracles: iproute2 (ip netns, ip tuntap), iputils-ping,
#                            netcat-openbsd and curl (Linux's own tools as the peer)
#   scripts/deps.sh bench    the build packages, plus e2fsprogs (mke2fs, debugfs: disk_bench)
set -eu

build_pkgs="make gcc libc6-dev binutils"
case "${1:-build}" in
build) want=$build_pkgs ;;
bench) want="$build_pkgs e2fsprogs" ;;
check) want="$build_pkgs clang libclang-rt-14-dev perl python3 bsdextrautils cpio e2fsprogs
    iproute2 iputils-ping netcat-openbsd curl" ;;
*)
    echo "usage: scripts/deps.sh build|check|bench" >&2
    exit 2
    ;;
esac

missing=""
for pkg in $want; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $pkg"
    fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing missing Debian packages:$missing"
if [ "$(id -u)" = 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "deps: not root and no sudo; please install:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
