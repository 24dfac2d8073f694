# Echo server program, written with the MacTCP interface
#
#     python mactcp_echo_server.py [port]        (default port 50007)
#
# It waits for one connection, echoes everything it receives until the
# client closes, then closes its side.  An asynchronous service routine
# prints each event MacTCP reports, by its MACTCPconst name.  Port 0 lets
# the system pick a port; the port waited on is printed first.
from __future__ import print_function

import sys
import time

import mactcp
import MACTCPconst

PORT = 50007              # Arbitrary non-privileged port
if len(sys.argv) > 1:
    PORT = int(sys.argv[1])

EVENTS = {}
for name in ('TCPClosing', 'TCPULPTimeout', 'TCPTerminate', 'TCPDataArrival',
             'TCPUrgent', 'TCPICMPReceived', 'PassiveOpenDone'):
    EVENTS[getattr(MACTCPconst, name)] = name
REASONS = {}
for name in ('TCPRemoteAbort', 'TCPNetworkFailure', 'TCPSecPrecMismatch',
             'TCPULPTimeoutTerminate', 'TCPULPAbort', 'TCPULPClose',
             'TCPServiceError'):
    REASONS[getattr(MACTCPconst, name)] = name

terminated = []


def asr(event, detail):
    name = EVENTS.get(event, str(event))
    if event == MACTCPconst.TCPTerminate:
        print('Event', name, REASONS.get(detail, str(detail)))
        terminated.append(detail)
    else:
        print('Event', name)
    sys.stdout.flush()


def dotted(host):
    return '%d.%d.%d.%d' % ((host >> 24) & 255, (host >> 16) & 255,
                            (host >> 8) & 255, host & 255)


s = mactcp.TCPCreate(16384)
s.asr = asr
s.PassiveOpen(PORT)
print('Waiting on port', s.GetSockName()[1])
sys.stdout.flush()
s.wait()
status = s.Status()
print('Connected by', (dotted(status.remoteHost), status.remotePort))
sys.stdout.flush()
while 1:
    try:
        data, urgent, mark = s.Rcv(0)
    except mactcp.error as e:
        if e.args[0] != MACTCPconst.connectionClosing:
            raise
        break                       # the client closed: all data is read
    s.Send(data, 1, 0)
s.Close()
# Let the asr report the end of the connection, as a Mac program's event
# loop would.
deadline = time.time() + 5
while not terminated and time.time() < deadline:
    time.sleep(0.01)
