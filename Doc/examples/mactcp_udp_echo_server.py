# UDP echo server program, written with the MacTCP interface
#
#     python mactcp_udp_echo_server.py [port [count]]   (default 50007 1)
#
# MacTCP's UDPRead hands over a datagram's data but not its sender, so a
# MacTCP echo service needs the client to say where the answer goes: each
# request is  b'<dotted-quad> <port> <data>'  and the server sends <data>
# back to that address.  It answers `count` requests (0: forever), and an
# asynchronous service routine prints each event MacTCP reports.  Port 0
# lets the system pick a port; the port used is printed first.
from __future__ import print_function

import sys

import mactcp
import MACTCPconst

PORT = 50007              # Arbitrary non-privileged port
COUNT = 1
if len(sys.argv) > 1:
    PORT = int(sys.argv[1])
if len(sys.argv) > 2:
    COUNT = int(sys.argv[2])

EVENTS = {MACTCPconst.UDPDataArrival: 'UDPDataArrival',
          MACTCPconst.UDPICMPReceived: 'UDPICMPReceived'}


def asr(event):
    print('Event', EVENTS.get(event, str(event)))
    sys.stdout.flush()


def ipaddr(dotted):
    parts = [int(part) for part in dotted.split('.')]
    if len(parts) != 4 or [p for p in parts if not 0 <= p <= 255]:
        raise ValueError('not a dotted quad: %r' % (dotted,))
    return (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]


s = mactcp.UDPCreate(8192, PORT)
s.asr = asr
print('Waiting on port', s.port)
sys.stdout.flush()
served = 0
while COUNT == 0 or served < COUNT:
    request = s.Read(0)
    try:
        host, port, data = request.split(b' ', 2)
        host = ipaddr(host.decode('ascii'))
        port = int(port)
    except ValueError:
        print('Ignored', repr(request))
        continue
    s.Write(host, port, data)
    served = served + 1
del s
