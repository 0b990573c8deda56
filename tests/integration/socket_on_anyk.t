#!/bin/sh
# tests/apps/socket_test.c run as a program on the kernel itself (over anyk's lo);
# socket_shim.t runs the same checks against Linux. It prints TAP, passed on here.
exec "${ANYK_BUILD:-build/gcc}/bin/anyk" run --quiet -- '/usr/libexec/anyk/socket_test 2>&1'
