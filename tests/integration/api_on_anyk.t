#!/bin/sh
# tests/apps/api_test.c run as a program on the kernel itself (from the initramfs,
# /usr/libexec/anyk/api_test); it prints TAP to the console, which this passes on.
exec "${ANYK_BUILD:-build/gcc}/bin/anyk" run --quiet -- '/usr/libexec/anyk/api_test 2>&1'
