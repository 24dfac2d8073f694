# Echo server program (IPv4 only)
#
#     python echo_server.py [port [host]]      (default port 50007, host '')
#
# It serves one client: everything received is sent back until the client
# closes.  Port 0 lets the system pick a free port; the port waited on is
# printed first either way.
from __future__ import print_function

import sys

import socket

HOST = ''                 # Symbolic name meaning the local host
PORT = 50007              # Arbitrary non-privileged port
if len(sys.argv) > 1:
    PORT = int(sys.argv[1])
if len(sys.argv) > 2:
    HOST = sys.argv[2]

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind((HOST, PORT))
s.listen(1)
print('Waiting on port', s.getsockname()[1])
conn, addr = s.accept()
print('Connected by', addr)
while 1:
    data = conn.recv(1024)
    if not data: break
    conn.send(data)
conn.close()
s.close()
