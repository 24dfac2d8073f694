# Echo client program over a Unix domain (AF_UNIX) socket
#
#     python unix_echo_client.py [path]     (default /tmp/python-echo.sock)
from __future__ import print_function

import sys

import socket

PATH = '/tmp/python-echo.sock'   # The file the server's socket is bound to
if len(sys.argv) > 1:
    PATH = sys.argv[1]

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(PATH)
s.send(b'Hello, world')
data = s.recv(1024)
s.close()
print('Received', repr(data))
