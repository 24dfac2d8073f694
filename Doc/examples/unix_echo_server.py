# Echo server program over a Unix domain (AF_UNIX) socket
#
#     python unix_echo_server.py [path]     (default /tmp/python-echo.sock)
#
# The address of an AF_UNIX socket is a file system path.  A socket file
# left behind by an earlier run is removed before binding (bind() fails on
# an existing file), and the server removes its own when done.
from __future__ import print_function

import os
import stat
import sys

import socket

PATH = '/tmp/python-echo.sock'   # The file the socket is bound to
if len(sys.argv) > 1:
    PATH = sys.argv[1]

if os.path.exists(PATH) and stat.S_ISSOCK(os.stat(PATH).st_mode):
    os.unlink(PATH)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(PATH)
s.listen(1)
print('Waiting on', s.getsockname())
try:
    conn, addr = s.accept()
    print('Connected')
    while 1:
        data = conn.recv(1024)
        if not data: break
        conn.send(data)
    conn.close()
finally:
    s.close()
    os.unlink(PATH)
