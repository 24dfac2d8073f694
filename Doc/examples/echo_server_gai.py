# Echo server program, for IPv4 and IPv6 alike
#
#     python echo_server_gai.py [port [host]]  (default port 50007, all
#                                                interfaces)
#
# It listens on the first address getaddrinfo() offers that it can bind
# (it should listen on all of them instead); on most IPv6-ready systems an
# IPv6 socket still accepts IPv4 clients.  The host defaults to '', as in
# the reference: with AI_PASSIVE, every interface.  (The standard library's
# getaddrinfo() refuses ''; under it, give a host such as 0.0.0.0 or ::.)
# Port 0 lets the system pick a free port; the port waited on is printed
# first either way.
from __future__ import print_function

import sys

import socket

HOST = ''                 # Symbolic name meaning the local host
PORT = 50007              # Arbitrary non-privileged port
if len(sys.argv) > 1:
    PORT = int(sys.argv[1])
if len(sys.argv) > 2:
    HOST = sys.argv[2]
s = None
for res in socket.getaddrinfo(HOST, PORT, socket.AF_UNSPEC,
                              socket.SOCK_STREAM, 0, socket.AI_PASSIVE):
    af, socktype, proto, canonname, sa = res
    try:
        s = socket.socket(af, socktype, proto)
    except socket.error as msg:
        s = None
        continue
    try:
        s.bind(sa)
        s.listen(1)
    except socket.error as msg:
        s.close()
        s = None
        continue
    break
if s is None:
    print('could not open socket')
    sys.exit(1)
print('Waiting on port', s.getsockname()[1])
conn, addr = s.accept()
print('Connected by', addr)
while 1:
    data = conn.recv(1024)
    if not data: break
    conn.send(data)
conn.close()
s.close()
