"""The echo demo: runs the IPv4 echo server and client of the socket
reference against each other on this project's modules.

    python setup.py build_ext --inplace
    PYTHONPATH=Lib python Doc/examples/echo_demo.py

The server is started on a free port (port 0); its first line says which.
"""
from __future__ import print_function

import os
import subprocess
import sys

import socket

HERE = os.path.dirname(os.path.abspath(__file__))


def run(*args):
    return subprocess.Popen([sys.executable, "-u"] + list(args),
                            stdout=subprocess.PIPE, universal_newlines=True)


def main():
    print("socket module:", socket.__file__)
    server = run(os.path.join(HERE, "echo_server.py"), "0")
    first = server.stdout.readline()            # 'Waiting on port N'
    print("server:", first.strip())
    port = first.split()[-1]
    client = run(os.path.join(HERE, "echo_client.py"), "localhost", port)
    print("client:", client.communicate()[0].strip())
    print("server:", server.communicate()[0].strip())
    return client.returncode or server.returncode


if __name__ == "__main__":
    sys.exit(main())
