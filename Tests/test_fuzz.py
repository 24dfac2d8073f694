"""The fuzzers of Tests/fuzz/ in the suite: a smoke run of a few fixed
cases of every target through the real runner (worker processes, replay
lines), the corpus of past failures, and the runner's reports of a failing
and a crashing case.  The long run is CI's, on the ASan+UBSan build:
Tools/fuzz.sh (see Doc/reliability.rst)."""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RUN = os.path.join(HERE, "fuzz", "run.py")

def run_fuzz(args):
    proc = subprocess.Popen([sys.executable, RUN] + args, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.communicate()[0].decode("utf-8", "replace")
    sys.stdout.write(output)  # shown by pytest on failure (and with -s)
    return proc.returncode, output


def test_fuzz_smoke():
    status, output = run_fuzz(["--all", "--seed", "1", "--cases", "12"])
    assert status == 0, output
    assert "72 cases" in output.splitlines()[-1], output


def test_fuzz_corpus():
    status, output = run_fuzz(["--corpus"])
    assert status == 0, output


@pytest.mark.parametrize("fault", ["failure", "crash", "hang"])
def test_fuzz_reports_a_case_with_its_replay_line(fault):
    # Case 3 fails, crashes its worker or hangs; the runner names it with
    # the line that runs it again, and goes on with case 4.
    # The hang is noticed after --case-timeout seconds without progress;
    # the real cases around it take milliseconds, even on a loaded machine.
    status, output = run_fuzz(["--target", "args", "--seed", "1", "--cases",
                               "5", "--inject", "%s:3" % fault,
                               "--case-timeout",
                               "5" if fault == "hang" else "60"])
    assert status == 1, output
    assert ("replay: python Tests/fuzz/run.py --target args --seed 1 "
            "--case 3") in output, output
    assert "5 cases, 1 failed" in output, output
    expected = {"failure": "injected failure",
                "crash": "killed by signal 6",
                "hang": "hang: no progress"}[fault]
    assert expected in output, output


