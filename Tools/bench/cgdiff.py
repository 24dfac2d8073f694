#!/usr/bin/env python
"""Where the instructions of one operation go: the per-function difference
between two callgrind profiles of `bench.py --callgrind` (the run with N
operations and the run with 0), divided by N.

usage: cgdiff.py [--inclusive] [--top K] FILE_N FILE_0 N

FILE_N and FILE_0 may each be a comma-separated list (the processes of a
ping-pong): their costs are added up.

    python Tools/bench/cgdiff.py \\
        Tools/bench/build/callgrind/socket.ours.5000.<pid> \\
        Tools/bench/build/callgrind/socket.ours.0.<pid> 5000

Needs callgrind_annotate (valgrind).  Runs on Python 2.7 and 3.x.
"""
from __future__ import division, print_function

import argparse
import re
import subprocess
import sys

LINE = re.compile(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*)$")


def costs(path, inclusive):
    out = subprocess.check_output(
        ["callgrind_annotate", "--threshold=100", "--auto=no",
         "--inclusive=%s" % ("yes" if inclusive else "no"), path])
    result = {}
    for line in out.decode("utf-8", "replace").splitlines():
        m = LINE.match(line)
        if not m or "PROGRAM TOTALS" in line:
            continue
        name = m.group(2).strip()
        # Drop the build directory and the object file: keep file:function.
        name = re.sub(r"\s+\[[^]]*\]$", "", name)
        name = re.sub(r"\s+\([\d,]+x\)$", "", name)  # call counts
        name = re.sub(r"^.*/", "", name)
        name = re.sub(r"'\d+$", "", name)  # recursion levels are one function
        result[name] = result.get(name, 0) + int(m.group(1).replace(",", ""))
    return result


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inclusive", action="store_true",
                        help="inclusive costs (a function and its callees)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("file_n")
    parser.add_argument("file_0")
    parser.add_argument("n", type=int)
    args = parser.parse_args(argv)
    a, b = {}, {}
    for files, into in ((args.file_n, a), (args.file_0, b)):
        for path in files.split(","):
            for name, v in costs(path, args.inclusive).items():
                into[name] = into.get(name, 0) + v
    diff = dict((k, (a.get(k, 0) - b.get(k, 0)) / args.n)
                for k in set(a) | set(b))
    total = sum(v for v in diff.values()) if not args.inclusive else None
    rows = sorted(diff.items(), key=lambda kv: -kv[1])[:args.top]
    if total is not None:
        print("%.0f instructions per operation (self costs summed)" % total)
    for name, v in rows:
        print("%10.1f  %s" % (v, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
