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




def test_fuzz_a_case_ended_by_an_asr_exception_leaves_nothing_open():
    # mactcp seed 31 case 149 (with raising asrs): an asr raised between
    # two checked calls, which skipped the end of run_case, where the
    # case's holders of stream -> asr -> stream cycles are emptied.  The
    # runner then counted descriptors while it still held the case, so the
    # stream it reached (and with it mactcp's driver: epoll, eventfds, the
    # port's socket and timer, the connection) counted as left open.
    # What only the finished case holds is no leak.
    import select
    import signal
    import socket
    import time
    import mactcp

    sys.path.insert(0, os.path.join(HERE, "fuzz"))
    try:
        import fuzzlib
        import run
    finally:
        del sys.path[0]

    class RaisingAsr(object):
        def __init__(self, holder):
            self.holder = holder    # [stream], as fuzz_mactcp's Asr
            self.raised = False

        def __call__(self, code, detail):
            self.raised = True
            raise fuzzlib.Wakeup()

    class Target(object):
        @staticmethod
        def run_case(case):
            stream = mactcp.TCPCreate(8192)
            holder = [stream]
            case.holders = [holder]
            stream.asr = asr = RaisingAsr(holder)
            stream.PassiveOpen(0)
            peer = case.keep(socket.socket())
            peer.connect(("127.0.0.1", stream.GetSockName()[1]))
            # PassiveOpenDone: the asr raises here or at any point below
            deadline = time.time() + 60
            stream.wait()
            while not asr.raised and time.time() < deadline:
                select.select([], [], [], 0.01)
            raise AssertionError("the asr was not called")

    alarm = signal.getsignal(signal.SIGALRM)
    try:
        failure = run.run_one("mactcp", Target, 31, 149)
    finally:
        signal.signal(signal.SIGALRM, alarm)
    assert failure is None, failure
