# Echo client program (IPv4 only)
#
#     python echo_client.py [host [port]]      (default localhost 50007)
from __future__ import print_function

import sys

import socket

HOST = 'localhost'        # The remote host
PORT = 50007              # The same port as used by the server
if len(sys.argv) > 1:
    HOST = sys.argv[1]
if len(sys.argv) > 2:
    PORT = int(sys.argv[2])

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect((HOST, PORT))
s.send(b'Hello, world')
data = s.recv(1024)
s.close()
print('Received', repr(data))
