#!/usr/bin/env bash
# The checks that need Debian's debug interpreter, python3.11-dbg (a
# Py_DEBUG build, ABI flag "d", with _socket built in): the extensions are
# built for it in place (Lib/*.cpython-311d-*.so, beside the other
# versions'), then
#   - Tests/test_builtin_socket.py: `import socket` through PYTHONPATH says
#     why it cannot work there, and the launcher works;
#   - Tools/refleak.py through the launcher: every public operation looped,
#     failing on growth of sys.gettotalrefcount(), of the allocated blocks
#     or of the open descriptors.
#
#   bash Tools/refleak.sh [refleak.py arguments]
#
# .ci/run installs the interpreter (apt-get install python3.11-dbg
# python3.11-dev python3-setuptools); $CLASSICSOCKET_DBG_PYTHON names another.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DBG=${CLASSICSOCKET_DBG_PYTHON:-python3.11-dbg}
if ! command -v "$DBG" >/dev/null; then
    echo "refleak.sh: no $DBG: apt-get install python3.11-dbg python3.11-dev python3-setuptools" >&2
    exit 1
fi
DBG=$(command -v "$DBG")
. "$ROOT/Tools/pyfind.sh"
PY311=$(find_python 3.11)

cd "$ROOT"
CLASSICSOCKET_CFLAGS="-Wall -Wextra -Werror" "$DBG" setup.py -q build_ext \
    --inplace --force -b build/lib-3.11d -t build/temp-3.11d >/dev/null

# test_builtin_socket.py runs under 3.11 with our Lib: its build too (a
# no-op when Tools/runtests.sh made it already)
CLASSICSOCKET_CFLAGS="-Wall -Wextra -Werror" "$PY311" setup.py -q build_ext \
    --inplace -b build/lib-3.11 -t build/temp-3.11 >/dev/null

status=0
CLASSICSOCKET_BUILTIN_PYTHON="$DBG" PYTHONPATH="$ROOT/Lib" \
    "$PY311" -m pytest -q -p no:cacheprovider Tests/test_builtin_socket.py || status=1
# In a private network namespace with only loopback when possible: the
# resolver operations use /etc/hosts names, and nothing may go further.
netns=()
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null \
        && unshare -n true 2>/dev/null; then
    netns=(unshare -n sh -c 'ip link set lo up && exec "$@"' sh)
fi
PYTHONPATH="$ROOT/Lib" "${netns[@]}" "$DBG" -m classicsocket Tools/refleak.py "$@" || status=1
exit $status
