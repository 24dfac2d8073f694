# UDP echo client program, written with the MacTCP interface
#
#     python mactcp_udp_echo_client.py [host [port]]  (default 127.0.0.1 50007)
#
# Sends one request to mactcp_udp_echo_server.py and prints the answer.
# The request says where the answer goes (MacTCP's UDPRead does not tell
# the server who sent a datagram): b'<dotted-quad> <port> <data>', with
# this stream's own port and the address the server can reach us on.
from __future__ import print_function

import sys

import mactcp

HOST = '127.0.0.1'        # The remote host
PORT = 50007              # The same port as used by the server
if len(sys.argv) > 1:
    HOST = sys.argv[1]
if len(sys.argv) > 2:
    PORT = int(sys.argv[2])


def ipaddr(dotted):
    if dotted == 'localhost':
        dotted = '127.0.0.1'
    parts = [int(part) for part in dotted.split('.')]
    if len(parts) != 4 or [p for p in parts if not 0 <= p <= 255]:
        raise ValueError('not a dotted quad: %r' % (dotted,))
    return (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]


def dotted(host):
    return '%d.%d.%d.%d' % ((host >> 24) & 255, (host >> 16) & 255,
                            (host >> 8) & 255, host & 255)


server = ipaddr(HOST)
if server >> 24 == 127:
    me = ipaddr('127.0.0.1')      # a server on this machine
else:
    me = mactcp.IPAddr() & 0xFFFFFFFF
s = mactcp.UDPCreate(8192, 0)
request = ('%s %d ' % (dotted(me), s.port)).encode('ascii')
s.Write(server, PORT, request + b'Hello, world')
data = s.Read(30)
del s
print('Received', repr(data))
