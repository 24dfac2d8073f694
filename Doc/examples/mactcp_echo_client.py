# Echo client program, written with the MacTCP interface
#
#     python mactcp_echo_client.py [host [port]]  (default 127.0.0.1 50007)
#
# mactcp has no name resolver (that is macdnr's job), so the host is given
# as a dotted quad and converted here to MacTCP's 32-bit integer form
# (127.0.0.1 is 0x7F000001); the name 'localhost' is taken as 127.0.0.1.
from __future__ import print_function

import sys

import mactcp
import MACTCPconst

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


s = mactcp.TCPCreate(8192)
s.ActiveOpen(0, ipaddr(HOST), PORT)
s.Send(b'Hello, world', 1, 0)
data, urgent, mark = s.Rcv(30)
s.Close()
# Close only says we will send no more; read until the server closes too.
while 1:
    try:
        s.Rcv(30)
    except mactcp.error as e:
        if e.args[0] != MACTCPconst.connectionClosing:
            raise
        break
del s
print('Received', repr(data))
