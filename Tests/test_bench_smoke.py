"""Smoke check of the benchmark: `Tools/bench/bench.py --quick` runs every
workload on every side and prints its table.  No timing is asserted."""
from __future__ import print_function

import json
import os
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BENCH = os.path.join(ROOT, "Tools", "bench", "bench.py")


def _mactcp_built():
    try:
        import mactcp
    except ImportError:
        return False
    path = os.path.realpath(mactcp.__file__)
    return path.startswith(os.path.realpath(os.path.join(ROOT, "Lib")))


@pytest.mark.skipif(bool(os.environ.get("CLASSICSOCKET_SANITIZED")),
                    reason="a timing tool: nothing to learn from it under "
                    "the sanitizers (.ci/run runs it on a plain build)")
def test_quick_run_prints_full_table():
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        proc = subprocess.Popen(
            [sys.executable, BENCH, "--quick", "--timeout", "20",
             "--json", path],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = proc.communicate()
        out = out.decode("utf-8", "replace")
        err = err.decode("utf-8", "replace")
        assert proc.returncode == 0, (out, err)
        with open(path) as f:
            data = json.load(f)
    finally:
        os.remove(path)
    lines = out.splitlines()
    header = [i for i, line in enumerate(lines)
              if line.split()[:5] == ["workload", "unit", "ours", "stdlib",
                                      "C"]]
    assert len(header) == 1, out
    rows = data["timing"]
    names = [r["name"] for r in rows]
    assert len(names) == 15 and "readline_text" in names, names
    mactcp = _mactcp_built()
    for r in rows:
        # The row is in the printed table, right after the header.
        assert any(line.startswith(r["name"] + " ")
                   for line in lines[header[0]:]), (r["name"], out)
        assert r["stdlib"] > 0 and r["C"] > 0, r
        if mactcp or not r["name"].startswith("mactcp"):
            assert r["ours"] > 0, r
            assert r["ours/stdlib"] > 0 and r["ours/C"] > 0, r
