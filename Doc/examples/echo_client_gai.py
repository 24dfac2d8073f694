# Echo client program, for IPv4 and IPv6 alike
#
#     python echo_client_gai.py [host [port]]  (default localhost 50007)
#
# It tries each address the name resolves to, and talks to the first one
# that accepts the connection.
from __future__ import print_function

import sys

import socket

HOST = 'localhost'        # The remote host
PORT = 50007              # The same port as used by the server
if len(sys.argv) > 1:
    HOST = sys.argv[1]
if len(sys.argv) > 2:
    PORT = int(sys.argv[2])
s = None
for res in socket.getaddrinfo(HOST, PORT, socket.AF_UNSPEC,
                              socket.SOCK_STREAM):
    af, socktype, proto, canonname, sa = res
    try:
        s = socket.socket(af, socktype, proto)
    except socket.error as msg:
        s = None
        continue
    try:
        s.connect(sa)
    except socket.error as msg:
        s.close()
        s = None
        continue
    break
if s is None:
    print('could not open socket')
    sys.exit(1)
s.send(b'Hello, world')
data = s.recv(1024)
s.close()
print('Received', repr(data))
