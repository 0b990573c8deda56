# lib.sh - TAP helpers for the integration scripts (sourced, POSIX sh + bash).
# Environment: ANYK_BUILD is the build directory (default build/gcc).

ANYK_BUILD=${ANYK_BUILD:-build/gcc}
ANYK=$ANYK_BUILD/bin/anyk
T_COUNT=0
T_FAILED=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ok() { # ok COND_STATUS DESCRIPTION
    T_COUNT=$((T_COUNT + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $T_COUNT - $2"
    else
        T_FAILED=$((T_FAILED + 1))
        echo "not ok $T_COUNT - $2"
    fi
}

is() { # is GOT EXPECTED DESCRIPTION
    if [ "$1" = "$2" ]; then ok 0 "$3"; else
        ok 1 "$3"
        echo "#   got:      '$1'"
        echo "#   expected: '$2'"
    fi
}

like() { # like TEXT EXTENDED_REGEX DESCRIPTION
    if printf '%s\n' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else
        ok 1 "$3"
        echo "#   no line matches /$2/ in:"
        printf '%s\n' "$1" | sed 's/^/#     /' | head -20
    fi
}

unlike() { # unlike TEXT EXTENDED_REGEX DESCRIPTION
    if printf '%s\n' "$1" | grep -Eq -- "$2"; then
        ok 1 "$3"
        echo "#   unexpected match of /$2/"
    else ok 0 "$3"; fi
}

done_testing() {
    echo "1..$T_COUNT"
    [ "$T_FAILED" -eq 0 ]
}

# run_anyk INPUT ARGS... : feed INPUT to `anyk ARGS` on stdin (bounded by a timeout);
# sets OUT (stdout+stderr) and STATUS.
run_anyk() {
    input=$1
    shift
    OUT=$(printf '%b' "$input" | timeout 20 "$ANYK" "$@" 2>&1)
    STATUS=$?
}
