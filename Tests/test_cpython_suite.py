"""CPython's own test_socket (2.7's, and each Python 3's), run on our socket
and _socket.

The work is done by Tools/run_cpython_test_socket.py: in the suite's 2.7 run
on CPython 2.7's test_socket, in each 3.x run on that interpreter's own.  It
runs the test module in place with the standard library's modules and then
with ours, and fails when ours fails a test the standard library passes
(apart from the few listed, with reasons, in
Tests/cpython_suite_expected_failures.txt and
Tests/cpython3_suite_expected_failures.txt, which must keep failing).

The sanitizer run of Tools/runtests.sh builds only the 3.x extension (with
ASan) in its copy of the tree, and preloads ASan into every child; the 2.7
suite is the plain runs' business, so it is skipped there.
"""
from __future__ import print_function

import os
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LIB = os.path.join(ROOT, "Lib")
TOOLS = os.path.join(ROOT, "Tools")
RUNNER = os.path.join(TOOLS, "run_cpython_test_socket.py")
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)

import run_cpython_test_socket as runner  # noqa: E402

sanitized = pytest.mark.skipif(
    bool(os.environ.get("CLASSICSOCKET_SANITIZED")),
    reason="sanitizer run: only the ASan 3.x build is in this tree; the 2.7 "
           "suite runs in the plain runs")

MODULE = runner.TEST_MODULE + "."


def python27():
    python = runner.find_python27()
    if python is None or not os.access(python, os.X_OK):
        pytest.fail("CPython 2.7 is required to run CPython 2.7's test_socket "
                    "(looked for $CPYSUITE_PYTHON, pyenv's 2.7.x and python2.7 "
                    "on PATH; found %r)" % (python,))
    return python


@sanitized
@pytest.mark.skipif(sys.version_info[0] >= 3,
                    reason="run once, by the suite's 2.7 run (each 3.x run "
                           "runs its own interpreter's test_socket)")
def test_cpython_27_test_socket_passes_with_our_modules():
    proc = subprocess.Popen([python27(), RUNNER, "--python", python27(),
                             "--lib", LIB],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            cwd=ROOT)
    output = proc.communicate()[0].decode("utf-8", "replace")
    print(output)
    assert proc.returncode == 0, (
        "CPython 2.7's test_socket on our modules (exit status %d; 1 = "
        "regressions or a stale expected-failures list, 2 = the run could "
        "not be made):\n%s" % (proc.returncode, output))
    assert "required (pass with stdlib): " in output


@sanitized
def test_child_refuses_a_socket_module_from_elsewhere(tmpdir):
    """'ours' mode with a directory that holds no socket module: the child
    finds the standard library's, and the run stops instead of comparing
    the standard library with itself."""
    empty = str(tmpdir.mkdir("empty"))
    log = tempfile.TemporaryFile()
    try:
        with pytest.raises(runner.RunnerError) as info:
            runner.run_side(python27(), "ours", empty, ["no.such.test"],
                            time.time() + 60, log)
    finally:
        log.close()
    message = str(info.value)
    assert "child refused to run" in message
    assert "socket" in message and empty not in message.split("came from")[1]


def test_expected_failures_list_is_short_and_explained():
    listed = runner.read_expected(runner.DEFAULT_EXPECTED)
    assert len(listed) <= runner.MAX_LISTED
    for name, reason in listed.items():
        assert name.startswith(MODULE) and reason.strip()


def test_expected_failures_list_rejects_entries_without_reason(tmpdir):
    path = tmpdir.join("list.txt")
    path.write("# comment\nGeneralModuleTests.testNtoH\n")
    with pytest.raises(runner.RunnerError):
        runner.read_expected(str(path))
    path.write("".join("C.t%d  reason %d\n" % (i, i) for i in range(6)))
    with pytest.raises(runner.RunnerError):
        runner.read_expected(str(path))
    path.write("C.t0  a reason\n")
    assert runner.read_expected(str(path)) == {MODULE + "C.t0": "a reason"}


def side(mode, outcomes):
    result = runner.Side(mode)
    for short_id, outcome in outcomes:
        result.order.append(MODULE + short_id)
        result.outcomes[MODULE + short_id] = outcome
        result.details[MODULE + short_id] = "detail of " + short_id
    return result


def test_verdict_rules():
    std = side("stdlib", [("A.ok", "pass"), ("A.broken", "pass"),
                          ("A.flaky", "pass"), ("A.skipped", "pass"),
                          ("A.reffail", "fail"), ("A.refflake", "fail"),
                          ("A.listed", "pass"), ("A.surprise", "pass"),
                          ("A.linux", "skip")])
    ours = side("ours", [("A.ok", "pass"), ("A.broken", "error"),
                         ("A.flaky", "fail"), ("A.skipped", "skip"),
                         ("A.reffail", "fail"), ("A.refflake", "hang"),
                         ("A.listed", "fail"), ("A.surprise", "pass"),
                         ("A.linux", "skip")])
    std2 = side("stdlib", [("A.broken", "pass"), ("A.flaky", "pass"),
                           ("A.skipped", "pass"), ("A.reffail", "fail"),
                           ("A.refflake", "pass")])
    ours2 = side("ours", [("A.broken", "error"), ("A.flaky", "pass"),
                          ("A.skipped", "skip"), ("A.reffail", "fail"),
                          ("A.refflake", "crash")])
    listed = {MODULE + "A.listed": "why", MODULE + "A.surprise": "why",
              MODULE + "A.gone": "why"}
    verdict = runner.compare(std, ours, std2, ours2, listed)
    assert sorted(r[0] for r in verdict["regressions"]) == [
        MODULE + "A.broken", MODULE + "A.refflake", MODULE + "A.skipped"]
    assert verdict["flaky_ours"] == [(MODULE + "A.flaky", "fail")]
    assert verdict["flaky_stdlib"] == [MODULE + "A.refflake"]
    assert verdict["listed_ok"] == [MODULE + "A.listed"]
    assert verdict["listed_passing"] == [MODULE + "A.surprise"]
    assert verdict["listed_missing"] == [(MODULE + "A.gone",
                                          "not in the suite")]


@sanitized
@pytest.mark.skipif(sys.version_info[0] < 3,
                    reason="the 2.7 suite is the test above")
def test_the_interpreters_own_test_socket_passes_with_our_modules():
    """The running Python 3's own test/test_socket.py, read in place, on the
    standard library's socket and on ours: every test that passes on the
    first passes on the second, but for the few listed with reasons in
    Tests/cpython3_suite_expected_failures.txt (at most 5 a version)."""
    proc = subprocess.Popen([sys.executable, RUNNER, "--python",
                             sys.executable, "--lib", LIB],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            cwd=ROOT)
    output = proc.communicate()[0].decode("utf-8", "replace")
    print(output)
    assert proc.returncode == 0, (
        "Python %d.%d's test_socket on our modules (exit status %d; 1 = "
        "regressions or a stale list, 2 = the run could not be made):\n%s"
        % (sys.version_info[:2] + (proc.returncode, output)))
    assert "required (pass with stdlib): " in output
