#!/usr/bin/env bash
# Builds the extensions in place and runs the test suite, once per Python.
#
#   bash Tools/runtests.sh                 # 2.7, 3.8, 3.11 and 3.13
#   bash Tools/runtests.sh 3.11            # one interpreter
#   bash Tools/runtests.sh --sanitize 3.11 # ASan+UBSan build, in a copy of the tree
#
# An interpreter is named by its version or by a path (Tools/pyfind.sh).  A
# missing interpreter is an error, not a skip.  pytest is installed when
# missing (4.6 on Python 2.7).  Arguments after -- go to pytest
# instead of the default 'Tests'.  A suite that runs longer than
# CLASSICSOCKET_SUITE_LIMIT seconds (default 1800) gets SIGUSR1, on which
# Tests/conftest.py prints every thread's stack, and is killed 20 s later.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/Tools/pyfind.sh"
STRICT_CFLAGS="-Wall -Wextra -Werror"
SANITIZE=0
VERSIONS=()
PYTEST_ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --sanitize) SANITIZE=1 ;;
        --) shift; PYTEST_ARGS=("$@"); break ;;
        *) VERSIONS+=("$1") ;;
    esac
    shift
done
[ ${#VERSIONS[@]} -gt 0 ] || VERSIONS=(2.7 3.8 3.11 3.13)
[ ${#PYTEST_ARGS[@]} -gt 0 ] || PYTEST_ARGS=(Tests)
LIMIT=(timeout --signal=USR1 --kill-after=20 "${CLASSICSOCKET_SUITE_LIMIT:-1800}")

ensure_tools() {
    local py=$1
    if "$py" -c 'import sys; sys.exit(sys.version_info[0] != 2)'; then
        "$py" -c 'import pytest' 2>/dev/null \
            || "$py" -m pip install -q --disable-pip-version-check 'pytest==4.6.11'
    else
        "$py" -c 'import pytest, setuptools, wheel' 2>/dev/null \
            || "$py" -m pip install -q --disable-pip-version-check pytest setuptools wheel
    fi
}

build() {   # build PY: the extensions into Lib/, with warnings as errors
    local py=$1 tag
    tag=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    (cd "$ROOT" && CLASSICSOCKET_CFLAGS="$STRICT_CFLAGS" "$py" setup.py -q build_ext \
        --inplace --force -b "build/lib-$tag" -t "build/temp-$tag" >/dev/null)
}

run_plain() {
    local py=$1
    echo "=== $("$py" -c 'import sys; print(sys.version.split()[0])') ($py)"
    ensure_tools "$py"
    build "$py"
    (cd "$ROOT" && PYTHONPATH="$ROOT/Lib" "${LIMIT[@]}" "$py" -m pytest -q -p no:cacheprovider "${PYTEST_ARGS[@]}")
}

run_sanitized() {
    local py=$1 copy asan
    echo "=== sanitizers: $("$py" -c 'import sys; print(sys.version.split()[0])') ($py)"
    ensure_tools "$py"
    # Work in a copy so that the in-place build of the tree stays a plain one.
    copy=$(mktemp -d /tmp/classicsocket-asan.XXXXXX)
    (cd "$ROOT" && git ls-files -z | xargs -0 cp --parents -t "$copy")
    asan=$(gcc -print-file-name=libasan.so)
    local flags="$STRICT_CFLAGS -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
    (cd "$copy" && CLASSICSOCKET_CFLAGS="$flags" \
        CLASSICSOCKET_LDFLAGS="-fsanitize=address,undefined" \
        "$py" setup.py -q build_ext --inplace --force -t build/temp-asan >/dev/null)
    local log="$copy/sanitizer-report" rc=0
    # Interpreter-owned allocations that are still live at exit are reported
    # by LeakSanitizer too; Tools/lsan.supp lists those (never our code).
    (cd "$copy" && \
        LD_PRELOAD="$asan" PYTHONMALLOC=malloc \
        ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:log_path=$log:halt_on_error=1" \
        LSAN_OPTIONS="suppressions=$ROOT/Tools/lsan.supp:print_suppressions=0" \
        UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$log" \
        CLASSICSOCKET_SANITIZED=1 PYTHONPATH="$copy/Lib" \
        "${LIMIT[@]}" "$py" -m pytest -q -p no:cacheprovider "${PYTEST_ARGS[@]}") || rc=$?
    if ls "$log".* >/dev/null 2>&1; then
        echo "runtests: sanitizer reports:" >&2
        cat "$log".* >&2
        return 1
    fi
    rm -rf "$copy"
    # set -e does not apply inside a function called from `||`: the
    # suite's own status has to be returned by hand
    return $rc
}

status=0
for v in "${VERSIONS[@]}"; do
    py=$(find_python "$v") || { status=1; continue; }
    if [ $SANITIZE = 1 ]; then
        run_sanitized "$py" || status=1
    else
        run_plain "$py" || status=1
    fi
done
exit $status
