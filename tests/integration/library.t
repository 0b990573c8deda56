#!/bin/bash
# Library mode: libanyk.a exports only anyk.h's names (so the kernel's memcpy,
# printk and friends cannot collide with a program's), and the example program
# uses the kernel's file system through the API table.
. "$(dirname "$0")/lib.sh"

lib=$ANYK_BUILD/lib/libanyk.a
ok $([ -f "$lib" ]; echo $?) "libanyk.a is built ($lib)"
exported=$(nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort | tr '\n' ' ')
is "$exported" "anyk_boot anyk_halt " "it defines exactly anyk_boot and anyk_halt globally"
undef_kernel=$(nm -u "$lib" | awk '{ print $2 }' | grep -E '^(k|vfs_|thread_|page_|hyp_|task_)' || true)
is "$undef_kernel" "" "it leaves no kernel or hyp_ symbol for the program to supply"

out=$("$ANYK_BUILD/examples/hello_anyk" 2>&1)
st=$?
is "$st" 0 "examples/hello_anyk runs and exits 0"
like "$out" '^read back: hello from the anyk kernel$' "it reads back the file it wrote in the kernel's tmpfs"
like "$out" '^/data holds: \. \.\. hello\.txt$' "it lists the directory with getdents"
like "$out" "^the kernel's MemTotal: +65536 kB$" "it reads the kernel's /proc/meminfo"

# A program linked with libanyk.a builds with nothing but the public header.
cat > "$TMP/mini.c" <<'C'
#include <anyk/anyk.h>
int main(void)
{
    const struct anyk_api *k = anyk_boot(0);
    return !k || k->mkdir("/x", 0755) != 0 || anyk_halt() != 0;
}
C
cc -Iinclude -o "$TMP/mini" "$TMP/mini.c" "$lib" -lpthread 2>"$TMP/err"
ok $? "a program using only include/anyk/anyk.h links against libanyk.a$(cat "$TMP/err")"
"$TMP/mini"
ok $? "and runs"

done_testing
