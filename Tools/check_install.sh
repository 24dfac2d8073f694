#!/usr/bin/env bash
# Installs the package with pip into a scratch location for each Python named
# (version or path) and checks the installed layout: `import mactcp`,
# `import macdnr` and `import MACTCPconst` work anywhere, and `python -m classicsocket script.py`
# runs the script on our socket and _socket, not the standard library's.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/Tools/pyfind.sh"
status=0
for want in "$@"; do
    py=$(find_python "$want") || { status=1; continue; }
    target=$(mktemp -d /tmp/classicsocket-install.XXXXXX)
    echo "--- pip install . ($("$py" -c 'import sys; print(sys.version.split()[0])'))"
    "$py" -m pip install -q --target "$target" "$ROOT"
    script=$target/probe.py
    cat > "$script" <<'PY'
import sys, socket, _socket, mactcp, macdnr, MACTCPconst
assert "classicsocket" in socket.__file__, socket.__file__
assert "classicsocket" in _socket.__file__, _socket.__file__
if sys.version_info[0] >= 3:     # the Python 3 layer (_socket3.py) is there
    assert socket.error is OSError and socket.socket.__mro__[1] is _socket.socket
a, b = socket.socketpair()
a.sendall(b"ping")
assert b.recv(4) == b"ping"
assert macdnr.AddrToStr(macdnr.StrToAddr("10.1.2.3").ip0) == "10.1.2.3"
macdnr.Close()
assert issubclass(socket.sslerror, socket.error) and socket.RAND_status() in (0, 1)
print("OK %s %s %s" % (sys.argv[1:], socket.__file__, mactcp.__file__))
sys.exit(7)
PY
    set +e
    out=$(cd /tmp && PYTHONPATH="$target" "$py" -m classicsocket "$script" a b)
    rc=$?
    set -e
    echo "$out"
    if [ $rc -ne 7 ] || ! echo "$out" | grep -q "OK \['a', 'b'\]"; then
        echo "check_install: launcher run failed (exit $rc)" >&2
        status=1
    fi
    rm -rf "$target"
done
exit $status
