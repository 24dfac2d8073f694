# Fetch a page over TLS with socket.ssl() and its SSL object
#
#     python tls_fetch.py [host [port [cafile]]]  (default localhost 4433)
#
# With cafile, the server's certificate must lead to a CA in that file and
# be for host; without it nothing is checked, as with Python 2.x's ssl()
# (see its warning in Doc/socket.rst).  To try it on a local server:
#
#     openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
#         -nodes -keyout key.pem -out cert.pem -days 1 -subj /CN=localhost \
#         -addext subjectAltName=DNS:localhost
#     openssl s_server -accept 127.0.0.1:4433 -cert cert.pem -key key.pem -www
#     PYTHONPATH=Lib python Doc/examples/tls_fetch.py localhost 4433 cert.pem
from __future__ import print_function

import sys

import socket

HOST = 'localhost'
PORT = 4433
CAFILE = None
if len(sys.argv) > 1:
    HOST = sys.argv[1]
if len(sys.argv) > 2:
    PORT = int(sys.argv[2])
if len(sys.argv) > 3:
    CAFILE = sys.argv[3]

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(30.0)
s.connect((HOST, PORT))
try:
    if CAFILE:
        conn = socket.ssl(s, cafile=CAFILE, server_hostname=HOST)
    else:
        conn = socket.ssl(s)
except socket.sslerror as e:
    print('TLS failed:', e.args[1])
    sys.exit(1)
print('Server:', conn.server())
print('Issuer:', conn.issuer())
print('Cipher: %s (%s, %d bits)' % conn.cipher())
request = 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' % HOST
conn.write(request.encode('ascii'))
page = conn.read()                      # until the server closes
s.close()
print()
print(page.decode('latin-1'))
