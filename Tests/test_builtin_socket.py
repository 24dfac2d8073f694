"""An interpreter whose _socket is built in (Debian's python3.11-dbg):
PYTHONPATH=Lib cannot replace that module, so `import socket` must say so
and name the launcher, and the launcher must work there.

The interpreter is python3.11-dbg (or $CLASSICSOCKET_BUILTIN_PYTHON); the
tests are skipped without one.  .ci/run installs it and, through
Tools/refleak.sh, builds the extensions for it in place and runs this file
again, so that the launcher test runs in CI."""
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

import support

CANDIDATES = [os.environ.get("CLASSICSOCKET_BUILTIN_PYTHON", ""),
              "/usr/bin/python3.11-dbg", "/usr/bin/python3-dbg"]


def _builtin_socket_python():
    for path in CANDIDATES:
        if not path or not os.access(path, os.X_OK):
            continue
        try:
            out = subprocess.check_output(
                [path, "-c", "import sys, sysconfig; print('_socket' in "
                 "sys.builtin_module_names); "
                 "print(sysconfig.get_config_var('EXT_SUFFIX'))"],
                env=support.other_interpreter_env())
        except (OSError, subprocess.CalledProcessError):
            continue
        builtin, suffix = out.decode().split()
        if builtin == "True":
            return path, suffix
    return None, None


PYTHON, SUFFIX = _builtin_socket_python()
needs_python = pytest.mark.skipif(
    PYTHON is None, reason="no interpreter with a built-in _socket "
    "(apt-get install python3.11-dbg)")


def run(args, pythonpath):
    env = support.other_interpreter_env()
    env["PYTHONPATH"] = pythonpath
    proc = subprocess.Popen([PYTHON] + args, env=env, cwd=support.ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    return proc.returncode, out.decode(), err.decode()


@needs_python
def test_import_socket_says_why_and_names_the_launcher():
    status, _out, err = run(["-c", "import socket"], support.LIB)
    assert status == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith("ImportError: "), err
    assert "built in" in last and "cannot be replaced" in last, err
    assert "%s -m classicsocket script.py" % PYTHON in last, err
    assert "AttributeError" not in err


@needs_python
def test_launcher_without_a_build_says_how_to_build():
    # The package and socket.py alone, without an extension built for this
    # interpreter.
    tree = tempfile.mkdtemp()
    try:
        shutil.copytree(os.path.join(support.LIB, "classicsocket"),
                        os.path.join(tree, "classicsocket"))
        shutil.copy(os.path.join(support.LIB, "socket.py"), tree)
        status, _out, err = run(["-m", "classicsocket", "-c", "pass"], tree)
    finally:
        shutil.rmtree(tree)
    assert status == 2, err
    assert err.startswith("classicsocket: "), err
    assert SUFFIX in err and "build_ext --inplace" in err, err


LAUNCHED = """
import os, socket, _socket, mactcp
lib = os.path.realpath(os.environ["PYTHONPATH"])
for module in (socket, _socket, mactcp):
    assert os.path.dirname(os.path.realpath(module.__file__)) == lib, module
a, b = socket.socketpair()
a.sendall(b"ping")
assert b.recv(4) == b"ping"
f = b.makefile("rb", 0)
a.sendall(b"line\\n")
assert f.readline() == b"line\\n"
f.close(); a.close(); b.close()
s = mactcp.TCPCreate(8192)
s.PassiveOpen(0)
c = mactcp.TCPCreate(8192)
c.ActiveOpen(0, 0x7F000001, s.GetSockName()[1])
s.wait()
c.Send(b"x")
assert s.Rcv(5)[0] == b"x"
print("OURS", _socket.__file__)
"""


@needs_python
def test_launcher_runs_with_a_builtin_socket():
    built = os.path.join(support.LIB, "_socket" + SUFFIX)
    if not os.path.exists(built):
        pytest.skip("no _socket%s in Lib/: build with '%s setup.py build_ext "
                    "--inplace' (Tools/refleak.sh does)" % (SUFFIX, PYTHON))
    status, out, err = run(["-m", "classicsocket", "-c", LAUNCHED],
                           support.LIB)
    assert status == 0, err
    assert out.startswith("OURS " + support.LIB), out
