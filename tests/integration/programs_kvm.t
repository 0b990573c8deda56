#!/bin/sh
# programs.t once more, every case booted as a KVM guest under anyk-kvm: the
# same kernel objects on the other host must pass the same oracles (dash's
# answers for the shell, GNU's for the tools). Skips without a usable /dev/kvm.
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
ANYK_RUN="$B/bin/anyk-kvm" exec python3 "$(dirname "$0")/programs.t"
