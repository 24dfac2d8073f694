"""Smoke check of Tools/bench/bench_macdnr.py: it runs (dnsmasq behind its
delaying proxy), checks its answers and prints its figures.  No timing is
asserted: the benchmark, not the suite, shows the asynchrony."""
from __future__ import print_function

import os
import subprocess
import sys

import pytest

import support
import dnr_support

BENCH = os.path.join(support.ROOT, "Tools", "bench", "bench_macdnr.py")


@pytest.mark.skipif(bool(os.environ.get("CLASSICSOCKET_SANITIZED")),
                    reason="a timing tool: nothing to learn from it under "
                    "the sanitizers (.ci/run runs it on a plain build)")
def test_quick_run():
    dnr_support.require_dnsmasq()
    proc = subprocess.Popen(
        [sys.executable, BENCH, "--quick", "--queries", "20", "--delay",
         "20"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=support.our_env())
    out, err = proc.communicate()
    out = out.decode("utf-8", "replace")
    assert proc.returncode == 0, err
    assert "20 StrToAddr queries, answers delayed 20 ms" in out
    assert "all outstanding at once:" in out
    assert "one at a time:" in out
