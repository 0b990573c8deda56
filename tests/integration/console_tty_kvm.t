#!/bin/sh
# console_tty.t once more under anyk-kvm: the console on a real terminal (a
# pty), raw mode while the guest runs and the terminal restored on every way
# out: halt, end of input, SIGTERM, a crash, a panic. Skips without /dev/kvm.
B=${ANYK_BUILD:-build/gcc}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
if [ ! -e /dev/kvm ]; then
    echo "1..0 # SKIP no /dev/kvm on this machine (no KVM, or the kvm module is not loaded)"
    exit 0
elif [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
    echo "1..0 # SKIP /dev/kvm is not readable and writable by this user (the kvm group?)"
    exit 0
elif [ ! -x "$B/bin/anyk-kvm" ]; then
    echo "1..0 # SKIP $B/bin/anyk-kvm is not built (sanitizer builds have none)"
    exit 0
fi
ANYK_RUN="$B/bin/anyk-kvm" exec python3 "$(dirname "$0")/console_tty.t"
