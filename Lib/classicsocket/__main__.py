"""python -m classicsocket script.py [arg ...]: runs script.py with
classicsocket's socket and _socket modules (see classicsocket.main)."""
from __future__ import absolute_import

import classicsocket

# main() ends in SystemExit; it empties this module's namespace to make it
# the program's __main__, so nothing may follow the call.
classicsocket.main()
