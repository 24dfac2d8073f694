"""The echo demo: runs the IPv4 echo server and client of the socket
reference against each other on this project's modules.

From the root of the source tree, after building for the interpreter that
runs it (python is that interpreter, e.g. $(pyenv root)/versions/3.11.7/bin/python):

    python setup.py build_ext --inplace
    PYTHONPATH=Lib python Doc/examples/echo_demo.py

or, on an installed copy, `python -m classicsocket Doc/examples/echo_demo.py`.
The server and the client run in child interpreters started through the
launcher (python -m classicsocket), so that they use this project's socket
module too; the demo prints the module each side runs.  Run on the standard
library's socket (classicsocket not importable), it runs its children on
that one and says so.  The server is started on a free port (port 0); its
first line says which.
"""
from __future__ import print_function

import os
import subprocess
import sys

import socket

HERE = os.path.dirname(os.path.abspath(__file__))


def launcher():
    """The start of a child's command line: through the launcher when this
    process runs classicsocket's socket module, else plain."""
    try:
        import classicsocket
        ours = classicsocket.find_modules()[0]
    except ImportError:             # also classicsocket.ModulesNotFound
        return [sys.executable, "-u"]
    if os.path.realpath(socket.__file__) != os.path.realpath(ours):
        return [sys.executable, "-u"]
    return [sys.executable, "-u", "-m", "classicsocket"]


def run(command, *args):
    return subprocess.Popen(command + list(args), stdout=subprocess.PIPE,
                            universal_newlines=True)


def main():
    command = launcher()
    print("socket module:", socket.__file__)
    child = run(command, "-c", "import socket; print(socket.__file__)")
    print("children's socket module:", child.communicate()[0].strip())
    server = run(command, os.path.join(HERE, "echo_server.py"), "0")
    first = server.stdout.readline()            # 'Waiting on port N'
    print("server:", first.strip())
    port = first.split()[-1]
    client = run(command, os.path.join(HERE, "echo_client.py"), "localhost",
                 port)
    print("client:", client.communicate()[0].strip())
    print("server:", server.communicate()[0].strip())
    return client.returncode or server.returncode or child.returncode


if __name__ == "__main__":
    sys.exit(main())
