#!/usr/bin/env bash
# The fuzzers of Tests/fuzz/ on an AddressSanitizer + UndefinedBehaviorSanitizer
# build (3.11), in a copy of the tree as runtests.sh --sanitize builds it.
#
#   bash Tools/fuzz.sh                       # CI's run: fixed seeds, fresh ones
#   bash Tools/fuzz.sh --seconds 600         # ... with fresh seeds for 10 minutes
#   bash Tools/fuzz.sh -- --target buffer --seed 7 --case 113   # replay a case
#
# CI's run: seeds 1 and 2, 150 cases each per target (1,800 cases), the
# corpus of past failures, then fresh random seeds (printed) for --seconds
# (default 75), two workers at a time.  Arguments after -- go to
# Tests/fuzz/run.py instead.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_FRESH=75
VERSION=3.11
RUN_ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) SECONDS_FRESH=$2; shift ;;
        --python) VERSION=$2; shift ;;
        --) shift; RUN_ARGS=("$@"); break ;;
        *) echo "fuzz.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

. "$ROOT/Tools/pyfind.sh"
PY=$(find_python "$VERSION") || exit 1

copy=$(mktemp -d /tmp/classicsocket-fuzz.XXXXXX)
trap 'rm -rf "$copy"' EXIT
# The tracked files plus the fuzzers (also when they are not committed yet).
(cd "$ROOT" && { git ls-files -z; find Tests/fuzz -name '*.py' -print0 \
    -o -name corpus.txt -print0; } | sort -zu | xargs -0 cp --parents -t "$copy")
asan=$(gcc -print-file-name=libasan.so)
flags="-Wall -Wextra -Werror -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
(cd "$copy" && CLASSICSOCKET_CFLAGS="$flags" \
    CLASSICSOCKET_LDFLAGS="-fsanitize=address,undefined" \
    "$PY" setup.py -q build_ext --inplace --force -t build/temp-asan >/dev/null)

run() {
    # run.py gives each worker its own report file and reads it; only the
    # runner itself would write to this one.
    local log="$copy/sanitizer-report"
    (cd "$copy" && \
        LD_PRELOAD="$asan" PYTHONMALLOC=malloc \
        ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:log_path=$log:halt_on_error=1" \
        LSAN_OPTIONS="suppressions=$ROOT/Tools/lsan.supp:print_suppressions=0" \
        UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$log" \
        CLASSICSOCKET_SANITIZED=1 PYTHONPATH="$copy/Lib" \
        "$PY" Tests/fuzz/run.py "$@") || return 1
    if ls "$log".* >/dev/null 2>&1; then
        echo "fuzz.sh: sanitizer reports of the runner:" >&2
        cat "$log".* >&2
        rm -f "$log".*
        return 1
    fi
}

if [ ${#RUN_ARGS[@]} -gt 0 ]; then
    run "${RUN_ARGS[@]}"
    exit
fi
status=0
echo "== fuzz: corpus of past failures"
run --corpus || status=1
echo "== fuzz: fixed seeds, then fresh seeds for ${SECONDS_FRESH} s (ASan+UBSan, $("$PY" -c 'import sys; print(sys.version.split()[0])'))"
run --all --seeds 1,2 --cases 150 --fresh "$SECONDS_FRESH" --jobs 2 || status=1
exit $status
