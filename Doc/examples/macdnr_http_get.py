# Fetch a web page by name, the MacPython way: macdnr finds the host,
# mactcp speaks HTTP/1.0 to it.
#
#     python macdnr_http_get.py [-H HOSTS] HOST PORT [PATH]
#
# With -H the resolver reads that Hosts file (MacTCP's format: which name
# server answers for which domain); without it, the system's configuration
# (/etc/resolv.conf, /etc/hosts).  The page goes to standard output, and a
# line saying where it came from to standard error.
from __future__ import print_function

import sys

import macdnr
import mactcp
import MACTCPconst

args = sys.argv[1:]
if args[:1] == ['-H']:
    macdnr.Open(args[1])
    args = args[2:]
if len(args) < 2:
    sys.exit('usage: macdnr_http_get.py [-H HOSTS] HOST PORT [PATH]')
HOST = args[0]
PORT = int(args[1])
PATH = args[2] if len(args) > 2 else '/'

# The query runs while we could do something else; wait() raises
# macdnr.error (code, message) if the name cannot be resolved.
result = macdnr.StrToAddr(HOST)
result.wait()

s = mactcp.TCPCreate(16384)
s.ActiveOpen(0, result.ip0, PORT)
status = s.Status()
print('%s is %s, port %d' % (result.cname,
                             macdnr.AddrToStr(status.remoteHost),
                             status.remotePort), file=sys.stderr)

request = 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' % (PATH, HOST)
s.Send(request.encode('ascii'), 1)
reply = b''
while 1:
    try:
        data, urgent, mark = s.Rcv(30)
    except mactcp.error as e:
        if e.args[0] != MACTCPconst.connectionClosing:
            raise
        break               # the server closed: the whole reply is here
    reply += data
s.Close()
del s

head, _, body = reply.partition(b'\r\n\r\n')
status_line = head.split(b'\r\n')[0].decode('latin-1')
if ' 200 ' not in status_line:
    sys.exit('%s: %s' % (HOST, status_line))
out = getattr(sys.stdout, 'buffer', sys.stdout)
out.write(body)
out.flush()
