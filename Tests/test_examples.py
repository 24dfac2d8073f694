"""The example programs of Doc/examples run against each other: the IPv4
echo pair and the getaddrinfo echo pair of the socket reference, and the
AF_UNIX pair.  Each runs with this project's socket module, and each side
also against the other side running the standard library's (the programs
are plain socket programs: both must interoperate).  The TCP servers get a
free port on the command line, as a user would give one.  On 2.7 the
reference's four echo programs also run exactly as printed (HOST = ''
included), only their port and the client's host replaced."""
from __future__ import print_function

import errno
import os
import subprocess
import sys

import pytest

import socket

import support

EXAMPLES = os.path.join(support.ROOT, "Doc", "examples")
RECEIVED = ("Received 'Hello, world'", "Received b'Hello, world'")


class Program(support.Peer):
    """An example program in a child interpreter, with our socket module or
    the standard library's.  It prints no READY line: first_line() reads
    whatever it prints first."""

    def __init__(self, name, args, ours=True, launcher=False):
        path = os.path.join(EXAMPLES, name)
        command = [sys.executable, "-u"]
        if launcher:
            command += ["-m", "classicsocket"]
        self.proc = subprocess.Popen(
            command + [path] + [str(a) for a in args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=support.our_env() if ours else support.stdlib_env())

    def first_line(self, timeout=20.0):
        """The first line of output, or '' if the program ended first."""
        return self.readline(timeout)


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def start_tcp_server(name, ours, launcher=False, attempts=5, host=None):
    """Starts the server on a free port (and `host`, when given); tries
    another port if that one was taken in the meantime.  Returns (program,
    port)."""
    for _ in range(attempts):
        port = free_port()
        server = Program(name, [port] + ([host] if host else []), ours=ours,
                         launcher=launcher)
        first = server.first_line()
        if first == "Waiting on port %d" % port:
            return server, port
        status, out, err = server.finish()
        if "Address already in use" in err or \
                "Errno %d" % errno.EADDRINUSE in err:
            continue
        raise AssertionError("server did not start: %r %s" % (first, err))
    raise AssertionError("no free port in %d attempts" % attempts)


def run_client(name, args, ours, launcher=False):
    client = Program(name, args, ours=ours, launcher=launcher)
    try:
        return client.finish()
    finally:
        client.close()


FLAVOURS = pytest.mark.parametrize(
    "server_ours,client_ours", [(True, True), (True, False), (False, True)],
    ids=["ours-ours", "ours-server-stdlib-client", "stdlib-server-ours-client"])


def check_tcp_pair(server_name, client_name, server_ours, client_ours,
                   launcher=False, server_host=None):
    server, port = start_tcp_server(server_name, server_ours, launcher,
                                    host=server_host)
    try:
        cstatus, cout, cerr = run_client(client_name, ["localhost", port],
                                         client_ours, launcher)
        status, out, err = server.finish()
    finally:
        server.close()
    assert cstatus == 0, cerr
    assert cout.strip() in RECEIVED, cout
    assert status == 0, err
    return out


@FLAVOURS
def test_ipv4_pair(server_ours, client_ours):
    out = check_tcp_pair("echo_server.py", "echo_client.py", server_ours,
                         client_ours)
    assert out.startswith("Connected by ('127.0.0.1', "), out


@FLAVOURS
def test_getaddrinfo_pair(server_ours, client_ours):
    # ours runs the server as printed, HOST = ''; the standard library's
    # getaddrinfo() refuses '', so it is given the IPv4 wildcard
    out = check_tcp_pair("echo_server_gai.py", "echo_client_gai.py",
                         server_ours, client_ours,
                         server_host=None if server_ours else "0.0.0.0")
    assert out.startswith("Connected by ("), out
    assert "127.0.0.1" in out, out


def test_ipv4_pair_through_the_launcher():
    out = check_tcp_pair("echo_server.py", "echo_client.py", True, True,
                         launcher=True)
    assert out.startswith("Connected by ('127.0.0.1', "), out


def test_getaddrinfo_client_against_the_ipv4_server():
    out = check_tcp_pair("echo_server.py", "echo_client_gai.py", True, True)
    assert out.startswith("Connected by ('127.0.0.1', "), out


@FLAVOURS
def test_unix_pair(tmpdir, server_ours, client_ours):
    path = str(tmpdir.join("echo.sock"))
    server = Program("unix_echo_server.py", [path], ours=server_ours)
    try:
        first = server.first_line()
        assert first == "Waiting on %s" % path, first
        cstatus, cout, cerr = run_client("unix_echo_client.py", [path],
                                         client_ours)
        status, out, err = server.finish()
    finally:
        server.close()
    assert cstatus == 0, cerr
    assert cout.strip() in RECEIVED, cout
    assert status == 0, err
    assert out.strip() == "Connected", out
    assert not os.path.exists(path)


def test_unix_server_replaces_a_stale_socket_file(tmpdir):
    path = str(tmpdir.join("stale.sock"))
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)
    stale.close()
    assert os.path.exists(path)
    server = Program("unix_echo_server.py", [path])
    try:
        assert server.first_line() == "Waiting on %s" % path
        cstatus, cout, cerr = run_client("unix_echo_client.py", [path], True)
        status, out, err = server.finish()
    finally:
        server.close()
    assert cstatus == 0, cerr
    assert status == 0, err
    assert not os.path.exists(path)


def test_client_without_a_server_fails():
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))     # bound, not listening: refused
    try:
        port = holder.getsockname()[1]
        status, out, err = run_client("echo_client_gai.py",
                                      ["127.0.0.1", port], True)
        assert status == 1
        assert out.strip() == "could not open socket"
        status, out, err = run_client("echo_client.py", ["127.0.0.1", port],
                                      True)
        assert status == 1
        assert "Connection refused" in err
    finally:
        holder.close()


# ---- the reference's echo programs, as printed -----------------------------
# Python 2 code (print statements, backquotes, tabs), run on 2.7 with our
# socket module: only PORT (a free one) and the client's HOST
# ('daring.cwi.nl' -> 'localhost') are replaced.

REFERENCE_SERVER = (
    "# Echo server program\n"
    "import socket\n"
    "\n"
    "HOST = ''                 # Symbolic name meaning the local host\n"
    "PORT = 50007              # Arbitrary non-privileged port\n"
    "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
    "s.bind((HOST, PORT))\n"
    "s.listen(1)\n"
    "conn, addr = s.accept()\n"
    "print 'Connected by', addr\n"
    "while 1:\n"
    "    data = conn.recv(1024)\n"
    "    if not data: break\n"
    "    conn.send(data)\n"
    "conn.close()\n"
)


REFERENCE_CLIENT = (
    "# Echo client program\n"
    "import socket\n"
    "\n"
    "HOST = 'daring.cwi.nl'    # The remote host\n"
    "PORT = 50007              # The same port as used by the server\n"
    "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
    "s.connect((HOST, PORT))\n"
    "s.send('Hello, world')\n"
    "data = s.recv(1024)\n"
    "s.close()\n"
    "print 'Received', `data`\n"
)


REFERENCE_SERVER_GAI = (
    "# Echo server program\n"
    "import socket\n"
    "import sys\n"
    "\n"
    "HOST = ''                 # Symbolic name meaning the local host\n"
    "PORT = 50007              # Arbitrary non-privileged port\n"
    "s = None\n"
    "for res in socket.getaddrinfo(HOST, PORT, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE):\n"
    "    af, socktype, proto, canonname, sa = res\n"
    "    try:\n"
    "\ts = socket.socket(af, socktype, proto)\n"
    "    except socket.error, msg:\n"
    "\ts = None\n"
    "\tcontinue\n"
    "    try:\n"
    "\ts.bind(sa)\n"
    "\ts.listen(1)\n"
    "    except socket.error, msg:\n"
    "\ts.close()\n"
    "\ts = None\n"
    "\tcontinue\n"
    "    break\n"
    "if s is None:\n"
    "    print 'could not open socket'\n"
    "    sys.exit(1)\n"
    "conn, addr = s.accept()\n"
    "print 'Connected by', addr\n"
    "while 1:\n"
    "    data = conn.recv(1024)\n"
    "    if not data: break\n"
    "    conn.send(data)\n"
    "conn.close()\n"
)


REFERENCE_CLIENT_GAI = (
    "# Echo client program\n"
    "import socket\n"
    "import sys\n"
    "\n"
    "HOST = 'daring.cwi.nl'    # The remote host\n"
    "PORT = 50007              # The same port as used by the server\n"
    "s = None\n"
    "for res in socket.getaddrinfo(HOST, PORT, socket.AF_UNSPEC, socket.SOCK_STREAM):\n"
    "    af, socktype, proto, canonname, sa = res\n"
    "    try:\n"
    "\ts = socket.socket(af, socktype, proto)\n"
    "    except socket.error, msg:\n"
    "\ts = None\n"
    "\tcontinue\n"
    "    try:\n"
    "\ts.connect(sa)\n"
    "    except socket.error, msg:\n"
    "\ts.close()\n"
    "\ts = None\n"
    "\tcontinue\n"
    "    break\n"
    "if s is None:\n"
    "    print 'could not open socket'\n"
    "    sys.exit(1)\n"
    "s.send('Hello, world')\n"
    "data = s.recv(1024)\n"
    "s.close()\n"
    "print 'Received', `data`\n"
)


REFERENCE = {"server": REFERENCE_SERVER, "client": REFERENCE_CLIENT,
             "server_gai": REFERENCE_SERVER_GAI,
             "client_gai": REFERENCE_CLIENT_GAI}


def listening(port):
    """Whether some socket listens on TCP port `port` (the kernel's
    tables: the reference's servers print nothing before accept())."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                rows = f.read().splitlines()[1:]
        except IOError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == "0A" and \
                    int(fields[1].rsplit(":", 1)[1], 16) == port:
                return True
    return False


def write_program(tmpdir, which, port):
    text = REFERENCE[which].replace("PORT = 50007", "PORT = %d" % port)
    text = text.replace("HOST = 'daring.cwi.nl'", "HOST = 'localhost'")
    path = tmpdir.join(which + ".py")
    path.write(text)
    return str(path)


def run_reference_pair(tmpdir, server_which, client_which):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-u", write_program(tmpdir, server_which, port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=support.our_env())
    try:
        assert support.wait_until(
            lambda: listening(port) or server.poll() is not None, 20.0)
        assert server.poll() is None, server.communicate()
        client = subprocess.Popen(
            [sys.executable, "-u", write_program(tmpdir, client_which, port)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=support.our_env())
        cout, cerr = client.communicate()
        out, err = server.communicate()
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert client.returncode == 0, cerr
    assert cout.decode().strip() == "Received 'Hello, world'", cout
    assert server.returncode == 0, err
    assert out.decode().startswith("Connected by ('127.0.0.1', "), out


@pytest.mark.skipif(sys.version_info[0] != 2,
                    reason="the reference's programs are Python 2 code")
@pytest.mark.parametrize("server_which,client_which", [
    ("server", "client"), ("server_gai", "client_gai"),
    ("server", "client_gai"), ("server_gai", "client")])
def test_reference_programs_as_printed(tmpdir, server_which, client_which):
    run_reference_pair(tmpdir, server_which, client_which)


# -- echo_demo.py ---------------------------------------------------------------

def run_demo(command, env, cwd=None):
    proc = subprocess.Popen(command, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=cwd)
    out, err = proc.communicate()
    out, err = out.decode(), err.decode()
    assert proc.returncode == 0, err
    lines = dict(line.split(": ", 1) for line in out.splitlines())
    assert lines["client"] in RECEIVED, out
    return lines


def test_demo_from_the_root_as_the_docs_say():
    # Doc/index.rst: from the root, PYTHONPATH=Lib python Doc/examples/...
    env = support.our_env()
    env["PYTHONPATH"] = "Lib"
    lines = run_demo([sys.executable, os.path.join("Doc", "examples",
                                                   "echo_demo.py")],
                     env, cwd=support.ROOT)
    # (2.7 may report the .pyc)
    assert lines["socket module"].rstrip("c") == \
        os.path.join(support.LIB, "socket.py")
    assert lines["children's socket module"].rstrip("c") == \
        lines["socket module"].rstrip("c")


def test_demo_through_the_installed_launcher_runs_children_on_ours(tmpdir):
    # The installed layout: socket.py and _socket inside the package only,
    # so a child that did not go through the launcher would get the
    # standard library's.
    import shutil
    from test_launcher import _install
    site = str(tmpdir.mkdir("site"))
    package = _install(site)
    env = support.stdlib_env()
    env["PYTHONPATH"] = site
    lines = run_demo([sys.executable, "-m", "classicsocket",
                      os.path.join(EXAMPLES, "echo_demo.py")], env)
    ours = os.path.join(package, "socket.py")
    assert lines["socket module"].rstrip("c") == ours
    assert lines["children's socket module"].rstrip("c") == ours
    shutil.rmtree(site)


def test_demo_on_the_standard_library_says_so():
    lines = run_demo([sys.executable, os.path.join(EXAMPLES, "echo_demo.py")],
                     support.stdlib_env())
    assert support.LIB not in lines["socket module"]
    assert lines["children's socket module"].startswith(
        os.path.dirname(os.__file__))
