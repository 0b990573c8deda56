#!/bin/bash
# The hypercall boundary: the core, linked as one relocatable object, leaves
# undefined only hyp_* symbols; and the checker does catch a symbol that
# is not (so this test can fail).
. "$(dirname "$0")/lib.sh"

core=$ANYK_BUILD/core.o
ok $([ -f "$core" ]; echo $?) "core object exists ($core)"
out=$(scripts/check-boundary.sh "$core" 2>&1)
ok $? "core leaves only hyp_* undefined${out:+: $out}"
n=$(nm -u "$core" | grep -c ' hyp_')
ok $([ "$n" -ge 5 ]; echo $?) "core calls the host through hyp_* ($n distinct calls)"

# A core file that calls libc must be caught.
printf 'int puts(const char *);\nint leak(void) { return puts("x"); }\n' > "$TMP/leak.c"
cc -c -o "$TMP/leak.o" "$TMP/leak.c"
ld -r -o "$TMP/leaky.o" "$core" "$TMP/leak.o"
out=$(scripts/check-boundary.sh "$TMP/leaky.o" 2>&1)
st=$?
ok $([ $st -ne 0 ]; echo $?) "the checker rejects a core that calls puts"
like "$out" 'puts' "and names the symbol"

# The core is compiled freestanding: a libc header is not even found.
printf '#include <stdio.h>\n' > "$TMP/inc.c"
cc -ffreestanding -nostdinc -Iinclude -c -o "$TMP/inc.o" "$TMP/inc.c" 2>/dev/null
ok $([ $? -ne 0 ]; echo $?) "core flags (-ffreestanding -nostdinc) refuse <stdio.h>"
grep -q -- '-nostdinc' Makefile
ok $? "the Makefile compiles the core with -nostdinc"

done_testing
