"""Helpers for the tests: real peers in child processes, and waiting on
conditions with deadlines instead of sleeps."""
from __future__ import print_function

import os
import select
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LIB = os.path.join(ROOT, "Lib")
PY3 = sys.version_info[0] >= 3


# A peer that accepts one connection, reads everything until EOF and prints
# 'GOT <length> <md5>'.  Given an argument, it first prints 'ACCEPTED' and
# holds off reading until a line arrives on its stdin (so that the sender
# can fill the socket buffers and time out).
SINK = """
import hashlib, socket, sys
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 0))
srv.listen(1)
print('READY %d' % srv.getsockname()[1])
conn, addr = srv.accept()
if len(sys.argv) > 1:
    print('ACCEPTED')
    sys.stdin.readline()
digest = hashlib.md5()
total = 0
while True:
    data = conn.recv(65536)
    if not data:
        break
    total += len(data)
    digest.update(data)
print('GOT %d %s' % (total, digest.hexdigest()))
conn.close()
"""


def wait_until(predicate, timeout=10.0, interval=0.005):
    """Polls predicate() until it is true or the deadline passes; returns
    its last value.  The short waits go through poll() on nothing."""
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value or time.time() >= deadline:
            return value
        select.select([], [], [], interval)


def find_python(version):
    """The interpreter of `version` ('2.7', '3.11') as the project's tools
    find it (Tools/pyfind.sh), or None."""
    helper = os.path.join(ROOT, "Tools", "pyfind.sh")
    try:
        with open(os.devnull, "w") as devnull:
            out = subprocess.check_output(
                ["bash", "-c", '. "$0" && find_python "$1"', helper, version],
                stderr=devnull, env=other_interpreter_env())
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.decode().strip() or None


SANITIZER_VARIABLES = ("LD_PRELOAD", "ASAN_OPTIONS", "LSAN_OPTIONS",
                       "UBSAN_OPTIONS", "PYTHONMALLOC")


def stdlib_env():
    """Environment for a child that must use the standard library's
    socket module: our Lib/ is taken off its path."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return env


def other_interpreter_env():
    """Environment for a child that runs none of our code: another
    interpreter, or this one on the standard library's socket alone.  The
    sanitizer run's preload and options are for our build only (that
    interpreter's own exit-time leaks would be reported as ours); a child
    that loads our build another way (an installed copy) keeps them, with
    stdlib_env()."""
    env = stdlib_env()
    for name in SANITIZER_VARIABLES:
        env.pop(name, None)
    return env


def our_env():
    """Environment for a child that must use this project's modules."""
    env = dict(os.environ)
    env["PYTHONPATH"] = LIB
    return env


class Peer(object):
    """A child interpreter running `code`; it must print 'READY <port>' (or
    'READY <path>') once it listens.  With ours=False it runs the standard
    library's socket module and checks that it does."""

    def __init__(self, code, args=(), ours=False, timeout=20.0):
        guard = ("import socket, sys\n"
                 "assert 'site-packages' in socket.__file__ or "
                 "%r not in socket.__file__, socket.__file__\n" % LIB)
        if ours:
            guard = ""
        self.proc = subprocess.Popen(
            [sys.executable, "-u", "-c", guard + code] + [str(a) for a in args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=our_env() if ours else stdlib_env())
        line = self.readline(timeout)
        if not line.startswith("READY"):
            err = self.proc.stderr.read().decode("utf-8", "replace")
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("peer did not start: %r %s" % (line, err))
        self.ready = line.split(None, 1)[1] if " " in line else ""
        self.port = int(self.ready) if self.ready.isdigit() else None

    def readline(self, timeout=20.0):
        """One line of the child's stdout, waited for under a deadline."""
        fd = self.proc.stdout.fileno()
        deadline = time.time() + timeout
        data = b""
        while not data.endswith(b"\n"):
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError("peer silent; got %r" % data)
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 1)
            if not chunk:
                break
            data += chunk
        return data.decode("utf-8", "replace").strip()

    def finish(self, timeout=30.0):
        """Waits for the child to exit; returns (status, stdout, stderr)."""
        deadline = time.time() + timeout
        while self.proc.poll() is None and time.time() < deadline:
            select.select([], [], [], 0.01)
        if self.proc.poll() is None:
            self.proc.kill()
        out, err = self.proc.communicate()
        return (self.proc.returncode, out.decode("utf-8", "replace"),
                err.decode("utf-8", "replace"))

    def close(self):
        """Kills the child if it still runs; safe after finish()."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def classic_socket():
    """Our socket module as its 2.x layer: on 2.7 the module itself; on 3.x
    (where socket.socket is Python 3's class) a namespace of the module's
    names in which socket, SocketType, socketpair and fromfd are those of
    the 2.x wrapper class socket._socketobject, which stays importable
    there.  The tests of that layer run on both lines through it."""
    import socket
    if not PY3:
        return socket
    import types
    import _socket
    wrapper = socket._socketobject

    def socketpair(family=socket.AF_UNIX, type=socket.SOCK_STREAM, proto=0):
        one, two = _socket.socketpair(family, type, proto)
        return wrapper(_sock=one), wrapper(_sock=two)

    def fromfd(fd, family, type, proto=0):
        return wrapper(_sock=_socket.fromfd(fd, family, type, proto))

    own = dict(socket=wrapper, SocketType=wrapper, socketpair=socketpair,
               fromfd=fromfd)

    def own_name(name):
        def get(self):
            return own[name]

        def put(self, value):
            own[name] = value

        def drop(self):
            del own[name]
        return property(get, put, drop)

    # The view's instance dict is the module's own, so that reading and
    # patching (monkeypatch) any other name is reading and patching the
    # module (a patched _socketobject or _fileobject is the one the C layer
    # takes); its own names are data descriptors, which come first.
    names = dict((name, own_name(name)) for name in own)
    names["_module"] = socket
    view = type("ClassicSocket", (object,), names)()
    view.__dict__ = socket.__dict__
    return view
