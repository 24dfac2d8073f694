#!/usr/bin/env python
"""Runs CPython 2.7's own test_socket against the standard library's socket
module and against ours, and fails if ours fails a test the standard library
passes.

    python2.7 Tools/run_cpython_test_socket.py            # the source tree
    python2.7 Tools/run_cpython_test_socket.py --lib DIR  # socket.py + _socket here

The test module is read in place from the 2.7 interpreter's own `test`
package (never copied into this repository).  It runs twice, each time in
fresh 2.7 child processes: once with PYTHONPATH unset (the standard library's
`socket` and `_socket`), once with PYTHONPATH=<lib> so that our Lib/socket.py
and Lib/_socketmodule.so are what `import socket` finds.  Each child checks where
its modules came from before it imports test.test_socket, and stops with an
error if they are not the expected ones.

The set of tests is the one test_socket's own test_main() hands to
test_support.run_unittest(); the children run it with a result class that
reports every test's outcome over a pipe.  A child that crashes or stops
making progress is killed and replaced; the test it was in is recorded as
"crash" or "hang" and the rest still run.

Verdict.  A test is required when it passes with the standard library.  A
required test that does not pass with ours (fails, errors, is skipped, hangs,
crashes) is run again, in fresh children on both sides; it is a regression
when it fails with ours on both attempts (a hang is not run again: it
costs the stall limit each time).  Tests failing with the standard
library on the first run are retried too, so that a timing flake of the
reference does not drop a test from the required set.  Tests listed in
Tests/cpython_suite_expected_failures.txt (at most 5, each with a reason) are
not required to pass; each is still run and must still fail with ours: a
listed test that passes makes the run fail, so the list stays true.

One adjustment, the same on both sides (--as-shipped drops it): the class
TestLinuxAbstractNamespace is skipped by test_socket unless sys.platform ==
'linux', which never holds on 2.7 ('linux2'); on Linux the runner lifts that
skip so that its three tests run.

test_support.use_resources is set to the same value (no optional resources,
in particular no 'network') on both sides.

Our 2.7 _socketmodule.so (older builds: _socket.so) must be in <lib> and, in
a source tree, newer than the sources of _socket (Modules/_socket/ and
Modules/common/): a stale build is refused rather than tested.

Exit status: 0 when there is no regression and the list holds, 1 otherwise,
2 when the run could not be made (missing interpreter, module guard failed,
stale build, malformed list).
"""
from __future__ import print_function

import json
import os
import re
import select
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_LIB = os.path.join(ROOT, "Lib")
DEFAULT_EXPECTED = os.path.join(ROOT, "Tests",
                                "cpython_suite_expected_failures.txt")
PY3 = sys.version_info[0] >= 3

TEST_MODULE = "test.test_socket"
MAX_LISTED = 5
# No test_socket test legitimately goes this long without finishing (the
# longest waits are select() calls bounded by its MAIN_TIMEOUT of 60 s).
STALL_SECONDS = 75.0
# Everything, both sides and the retries, must end within this.
TOTAL_SECONDS = 420.0
# Private names of 2.7's socket.py that code outside it relies on.
EXTRA_NAMES = ("_fileobject", "_socketobject", "_GLOBAL_DEFAULT_TIMEOUT")
FAILING = ("fail", "error", "crash", "hang", "xpass")

EXIT_OK, EXIT_REGRESSION, EXIT_BROKEN = 0, 1, 2
# Run TestLinuxAbstractNamespace on Linux, which 2.7's test_socket means to
# do but never does (see child_main); --as-shipped turns this off.
LINUX_ABSTRACT = True


class RunnerError(Exception):
    """The comparison could not be made at all."""


def find_python27():
    """The CPython 2.7 to run the suite with: $CPYSUITE_PYTHON, else what
    Tools/pyfind.sh finds (the project's one way to find an interpreter).
    None when there is none."""
    named = os.environ.get("CPYSUITE_PYTHON")
    if named:
        return named
    helper = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "pyfind.sh")
    try:
        with open(os.devnull, "w") as devnull:
            out = subprocess.check_output(
                ["bash", "-c", '. "$0" && find_python 2.7', helper],
                stderr=devnull)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.decode().strip() or None


# --------------------------------------------------------------------------
# The child: runs inside a 2.7 interpreter, reports over a descriptor.

def child_main(argv):
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("stdlib", "ours"), required=True)
    parser.add_argument("--lib", required=True)
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--only", default=None,
                        help="file with the ids to run, one a line")
    parser.add_argument("--linux-abstract", action="store_true")
    args = parser.parse_args(argv)
    out = args.fd

    def emit(record):
        data = (json.dumps(record) + "\n").encode("utf-8")
        while data:
            try:
                written = os.write(out, data)
            except OSError as exc:
                if exc.errno == 4:  # EINTR: a test's alarm fired
                    continue
                raise
            data = data[written:]

    # The guard: the modules must come from where this mode says, before
    # test_socket (or test_support, which imports socket too) is loaded.
    import socket
    import _socket
    lib = os.path.realpath(args.lib) + os.sep
    where = dict((name, os.path.realpath(getattr(mod, "__file__", None)
                                         or "<built-in>"))
                 for name, mod in (("socket", socket), ("_socket", _socket)))
    inside = dict((name, path.startswith(lib)) for name, path in where.items())
    if args.mode == "ours":
        bad = [n for n in where if not inside[n]]
    else:
        bad = [n for n in where if inside[n]]
    if bad:
        emit({"event": "guard", "ok": False, "where": where,
              "message": "%s mode, but %s came from %s" % (
                  args.mode, ", ".join(bad),
                  ", ".join(where[n] for n in bad))})
        return 3

    try:
        from test import test_support
    except ImportError as exc:
        emit({"event": "guard", "ok": False, "where": where,
              "message": "this interpreter has no regression test package "
                         "(%s); install CPython 2.7's 'test' package" % exc})
        return 3
    test_support.use_resources = []   # the same on both sides
    test_support.verbose = False
    import unittest
    module = __import__(TEST_MODULE, fromlist=["*"])
    for name, mod in (("test_socket", module), ("test_support", test_support)):
        if getattr(mod, "socket", None) is not socket:
            emit({"event": "guard", "ok": False, "where": where,
                  "message": "%s uses another socket module: %r" % (
                      name, getattr(mod, "socket", None))})
            return 3
    emit({"event": "guard", "ok": True, "where": where,
          "test_file": os.path.realpath(module.__file__),
          "all": sorted(getattr(socket, "__all__", [])),
          "names": sorted(dir(socket))})

    only = None
    if args.only:
        with open(args.only) as f:
            only = set(line.strip() for line in f if line.strip())

    class Result(unittest.TestResult):
        """Reports each test once, with the worst thing that happened to
        it (a tearDown error after a failure keeps both texts)."""
        rank = {"pass": 0, "xfail": 0, "skip": 1, "xpass": 2, "fail": 3,
                "error": 4}

        def __init__(self):
            unittest.TestResult.__init__(self)
            self.current = None

        def startTest(self, test):
            unittest.TestResult.startTest(self, test)
            self.current = {"event": "end", "id": test.id(),
                            "outcome": None, "detail": "",
                            "start": time.time()}
            emit({"event": "start", "id": test.id()})

        def _note(self, test, outcome, detail=""):
            record = self.current
            if record is None or record["id"] != test.id():
                # A class or module fixture failed outside any test.
                emit({"event": "end", "id": str(test), "outcome": outcome,
                      "detail": detail, "seconds": 0.0})
                return
            old = record["outcome"]
            if old is None or self.rank[outcome] > self.rank[old]:
                record["outcome"] = outcome
            if detail:
                record["detail"] += detail

        def addSuccess(self, test):
            unittest.TestResult.addSuccess(self, test)
            self._note(test, "pass")

        def addFailure(self, test, err):
            unittest.TestResult.addFailure(self, test, err)
            self._note(test, "fail", self._exc_info_to_string(err, test))

        def addError(self, test, err):
            unittest.TestResult.addError(self, test, err)
            self._note(test, "error", self._exc_info_to_string(err, test))

        def addSkip(self, test, reason):
            unittest.TestResult.addSkip(self, test, reason)
            self._note(test, "skip", str(reason))

        def addExpectedFailure(self, test, err):
            unittest.TestResult.addExpectedFailure(self, test, err)
            self._note(test, "xfail", self._exc_info_to_string(err, test))

        def addUnexpectedSuccess(self, test):
            unittest.TestResult.addUnexpectedSuccess(self, test)
            self._note(test, "xpass")

        def stopTest(self, test):
            unittest.TestResult.stopTest(self, test)
            record, self.current = self.current, None
            if record is not None:
                record["seconds"] = time.time() - record.pop("start")
                record["outcome"] = record["outcome"] or "error"
                emit(record)

    def flatten(suite):
        for item in suite:
            if isinstance(item, unittest.TestSuite):
                for test in flatten(item):
                    yield test
            else:
                yield item

    def run_unittest(*classes):
        # What test_support.run_unittest builds, run with our result.
        suite = unittest.TestSuite()
        for cls in classes:
            if isinstance(cls, (unittest.TestSuite, unittest.TestCase)):
                suite.addTest(cls)
            else:
                suite.addTest(unittest.makeSuite(cls))
        tests = list(flatten(suite))
        if only is not None:
            tests = [t for t in tests if t.id() in only]
        emit({"event": "plan", "ids": [t.id() for t in tests]})
        unittest.TestSuite(tests).run(Result())

    if args.linux_abstract:
        # 2.7's test_socket skips this class unless sys.platform == 'linux',
        # but 2.7 says 'linux2' there: on Linux the tests would never run.
        cls = getattr(module, "TestLinuxAbstractNamespace", None)
        if (cls is not None and sys.platform.startswith("linux")
                and getattr(cls, "__unittest_skip__", False)
                and getattr(cls, "__unittest_skip_why__", "")
                == "Linux specific test"):
            cls.__unittest_skip__ = False
    test_support.run_unittest = run_unittest
    module.test_main()
    emit({"event": "done"})
    return 0


# --------------------------------------------------------------------------
# The parent: starts children, watches them, compares.

class Side(object):
    """The outcomes of one module (stdlib or ours) in one attempt."""

    def __init__(self, mode):
        self.mode = mode
        self.outcomes = {}   # id -> outcome
        self.details = {}    # id -> traceback text / reason
        self.seconds = {}
        self.order = []      # ids in the order test_main gives them
        self.guard = None    # the child's guard record
        self.notes = []      # crashes, hangs, restarts


def child_env(mode, lib):
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONHOME", None)
    env.pop("PYTHONSTARTUP", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    if mode == "ours":
        env["PYTHONPATH"] = lib
    return env


def run_child(python, mode, lib, only, deadline, log):
    """One child process.  Returns (records, status) where status is
    'done', 'crash' (exit without 'done'), 'hang' (killed after no
    progress for STALL_SECONDS) or 'deadline'."""
    rfd, wfd = os.pipe()
    only_path = None
    cmd = [python, "-u", os.path.abspath(__file__), "--child", "--mode", mode,
           "--lib", lib, "--fd", str(wfd)]
    if LINUX_ABSTRACT:
        cmd.append("--linux-abstract")
    if only is not None:
        fd, only_path = tempfile.mkstemp(prefix="cpysuite-only-",
                                         suffix=".txt")
        with os.fdopen(fd, "w") as f:
            f.write("\n".join(only) + "\n")
        cmd += ["--only", only_path]
    extra = {"pass_fds": (wfd,)} if PY3 else {"close_fds": False}
    try:
        proc = subprocess.Popen(cmd, stdin=open(os.devnull), stdout=log,
                                stderr=subprocess.STDOUT,
                                env=child_env(mode, lib),
                                cwd=tempfile.gettempdir(), **extra)
    finally:
        os.close(wfd)
    records, buf, status = [], b"", None
    last_progress = time.time()
    try:
        while status is None:
            now = time.time()
            wait = min(STALL_SECONDS - (now - last_progress), deadline - now)
            if wait <= 0:
                status = "hang" if deadline - now > 0 else "deadline"
                break
            try:
                ready = select.select([rfd], [], [], wait)[0]
            except (OSError, select.error) as exc:
                if exc.args and exc.args[0] == 4:
                    continue
                raise
            if not ready:
                continue
            chunk = os.read(rfd, 65536)
            if not chunk:
                break  # the child closed its end: it exited
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                record = json.loads(line.decode("utf-8"))
                records.append(record)
                last_progress = time.time()
    finally:
        os.close(rfd)
        if status is not None:
            proc.kill()
        proc.wait()
        if only_path:
            os.unlink(only_path)
    if status is None:
        done = any(r["event"] == "done" for r in records)
        status = "done" if done else "crash"
    return records, status, proc.returncode


def run_side(python, mode, lib, only, deadline, log):
    """All of the tests (or the ids in `only`) on one side, restarting a
    child after a crash or a hang with the tests it had not reached."""
    side = Side(mode)
    remaining = None if only is None else list(only)
    while True:
        records, status, code = run_child(python, mode, lib, remaining,
                                          deadline, log)
        current = None
        for record in records:
            event = record["event"]
            if event == "guard":
                if not record["ok"]:
                    raise RunnerError("%s side: child refused to run: %s" % (
                        mode, record["message"]))
                side.guard = side.guard or record
            elif event == "plan":
                if not side.order:
                    side.order = list(record["ids"])
            elif event == "start":
                current = record["id"]
            elif event == "end":
                side.outcomes[record["id"]] = record["outcome"]
                side.details[record["id"]] = record.get("detail", "")
                side.seconds[record["id"]] = record.get("seconds", 0.0)
                if record["id"] not in side.order:
                    side.order.append(record["id"])
                current = None
        if side.guard is None:
            raise RunnerError("%s side: the child exited (status %s) before "
                              "reporting its modules; its output is in %s" % (
                                  mode, code, log.name))
        if status == "done":
            return side
        if status == "deadline":
            side.notes.append("the time limit of %d s ran out" % TOTAL_SECONDS)
            for test_id in side.order:
                side.outcomes.setdefault(test_id, "notrun")
            return side
        if current is not None:
            side.outcomes[current] = status
            side.details[current] = (
                "the child %s in this test (exit status %s)" % (
                    "stopped making progress" if status == "hang"
                    else "died", code))
            side.notes.append("%s in %s" % (status, current))
        elif not side.order:
            raise RunnerError("%s side: the child died (status %s) before "
                              "running any test; its output is in %s" % (
                                  mode, code, log.name))
        remaining = [t for t in side.order if t not in side.outcomes]
        if not remaining:
            return side


def read_expected(path):
    """The listed tests: 'Class.method  reason' lines; '#' comments."""
    listed = {}
    if not os.path.exists(path):
        return listed
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 1)
            if len(parts) < 2 or not parts[1].strip():
                raise RunnerError("%s:%d: a listed test needs a reason: %r" % (
                    path, number, line))
            name = parts[0]
            if not name.startswith(TEST_MODULE + "."):
                name = TEST_MODULE + "." + name
            listed[name] = parts[1].strip()
    if len(listed) > MAX_LISTED:
        raise RunnerError("%s lists %d tests; at most %d are allowed" % (
            path, len(listed), MAX_LISTED))
    return listed


# The folders whose sources make up _socket (setup.py builds each extension
# from its folder plus Modules/common/).
SOCKET_FOLDERS = ("_socket", "common")


def socket_sources(modules):
    """Every C source and header of _socket under `modules`, relative."""
    return [os.path.join(folder, name)
            for folder in SOCKET_FOLDERS
            if os.path.isdir(os.path.join(modules, folder))
            for name in os.listdir(os.path.join(modules, folder))
            if name.endswith((".c", ".h"))]


# The 2.7 build, with the interpreter named as the project's tools find it
# (pyenv puts no python2.7 on PATH).
BUILD_27 = ("'$(. Tools/pyfind.sh && find_python 2.7) setup.py build_ext "
            "--inplace' (or 'bash Tools/runtests.sh 2.7')")


def check_build(lib):
    """Our 2.7 _socket must exist in lib and be newer than its sources."""
    candidates = [os.path.join(lib, name)
                  for name in ("_socket.so", "_socketmodule.so")]
    built = [p for p in candidates if os.path.exists(p)]
    if not os.path.exists(os.path.join(lib, "socket.py")):
        raise RunnerError("no socket.py in %s" % lib)
    if not built:
        raise RunnerError(
            "no Python 2.7 build of _socket in %s: run %s first"
            % (lib, BUILD_27))
    # In a source tree, Modules/ sits beside Lib/.
    modules = os.path.join(os.path.dirname(os.path.abspath(lib)), "Modules")
    if not os.path.isdir(modules):
        return
    so_time = os.path.getmtime(built[0])
    newer = sorted(name for name in socket_sources(modules)
                   if os.path.getmtime(os.path.join(modules, name)) > so_time)
    if newer:
        raise RunnerError(
            "%s is older than %s: rebuild it with %s (or pass "
            "--allow-stale)" % (
                built[0], ", ".join("Modules/" + n for n in newer), BUILD_27))


def short(text, head=3, tail=10):
    """The essence of a traceback: where it started (the test method) and
    how it ended."""
    rows = [r for r in (text or "").strip().splitlines() if r.strip()]
    if len(rows) > head + tail + 1:
        rows = rows[:head] + ["..."] + rows[-tail:]
    return "\n".join(rows)


def compare(std, ours, std2, ours2, listed):
    """Returns the verdict as a dict of lists."""
    verdict = {"regressions": [], "flaky_ours": [], "flaky_stdlib": [],
               "listed_ok": [], "listed_passing": [], "listed_missing": [],
               "listed_not_required": [], "extra_ours": []}
    all_ids = list(std.order) + [t for t in ours.order if t not in std.order]
    for test_id in all_ids:
        s1 = std.outcomes.get(test_id, "missing")
        o1 = ours.outcomes.get(test_id, "missing")
        s2 = std2.outcomes.get(test_id)
        o2 = ours2.outcomes.get(test_id)
        std_passes = s1 == "pass" or s2 == "pass"
        ours_passes = o1 == "pass" or o2 == "pass"
        if test_id in listed:
            if o1 == "pass":
                verdict["listed_passing"].append(test_id)
            elif o1 in FAILING:
                verdict["listed_ok"].append(test_id)
            else:
                verdict["listed_missing"].append((test_id, o1))
            if not std_passes:
                verdict["listed_not_required"].append((test_id, s1))
            continue
        if s1 != "pass" and s2 == "pass":
            verdict["flaky_stdlib"].append(test_id)
        if std_passes and not ours_passes:
            detail = ours2.details.get(test_id) if o2 is not None \
                else ours.details.get(test_id)
            verdict["regressions"].append(
                (test_id, o1, o2, detail or ""))
        elif std_passes and o1 != "pass":
            verdict["flaky_ours"].append((test_id, o1))
        if test_id not in std.order:
            verdict["extra_ours"].append(test_id)
    for test_id in listed:
        if test_id not in all_ids:
            verdict["listed_missing"].append((test_id, "not in the suite"))
    return verdict


def counts(side, ids=None):
    tally = {}
    for test_id, outcome in side.outcomes.items():
        if ids is None or test_id in ids:
            tally[outcome] = tally.get(outcome, 0) + 1
    order = ["pass", "fail", "error", "skip", "xfail", "xpass", "crash",
             "hang", "notrun"]
    keys = [k for k in order if k in tally] + sorted(
        k for k in tally if k not in order)
    return ", ".join("%s %d" % (k, tally[k]) for k in keys) or "nothing"


def main(argv=None):
    import argparse
    parser = argparse.ArgumentParser(
        description="CPython's own test_socket (2.7's, or a 3.x "
                    "interpreter's): the standard library's socket module "
                    "versus ours.")
    parser.add_argument("--python", default=None,
                        help="the interpreter, a path or a version as "
                             "Tools/pyfind.sh takes it (default: 2.7 from "
                             "$CPYSUITE_PYTHON, pyenv's 2.7, python2.7); a "
                             "Python 3 one runs its own test/test_socket.py")
    parser.add_argument("--lib", default=DEFAULT_LIB,
                        help="directory holding our socket.py and 2.7 "
                             "_socketmodule.so (default %(default)s)")
    parser.add_argument("--expected", default=DEFAULT_EXPECTED,
                        help="the list of tests we cannot pass")
    parser.add_argument("--allow-stale", action="store_true",
                        help="run even if the 2.7 _socket build is older than Modules/")
    parser.add_argument("--json", default=None,
                        help="write the outcomes and the verdict here")
    parser.add_argument("--stall-seconds", type=float, default=STALL_SECONDS,
                        help="a child making no progress for this long is "
                             "killed (default %(default)s)")
    parser.add_argument("--as-shipped", action="store_true",
                        help="leave TestLinuxAbstractNamespace skipped, as "
                             "2.7's test_socket does on Linux by mistake")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every test's outcome on both sides")
    parser.add_argument("--expected3", default=DEFAULT_EXPECTED3,
                        help="the list of tests of Python 3's test_socket "
                             "we cannot pass, per version")
    args = parser.parse_args(argv)
    try:
        if args.python is not None and not os.path.isfile(args.python):
            args.python = resolve_python(args.python)
        if args.python is not None and is_python3(args.python):
            return compare3_main(args.python, os.path.abspath(args.lib),
                                 args.expected3, args.verbose)
        return compare_main(args)
    except RunnerError as exc:
        print("run_cpython_test_socket: %s" % exc, file=sys.stderr)
        return EXIT_BROKEN


def compare_main(args):
    global STALL_SECONDS, LINUX_ABSTRACT
    STALL_SECONDS = args.stall_seconds
    LINUX_ABSTRACT = not args.as_shipped
    started = time.time()
    deadline = started + TOTAL_SECONDS
    python = args.python or find_python27()
    if python is None:
        raise RunnerError("no CPython 2.7 interpreter found (set --python or "
                          "CPYSUITE_PYTHON)")
    if not (os.path.isfile(python) and os.access(python, os.X_OK)):
        raise RunnerError("no CPython 2.7 interpreter at %s (set --python or "
                          "CPYSUITE_PYTHON)" % python)
    version = subprocess.check_output(
        [python, "-c", "import sys, platform; print('%d.%d %s' % ("
         "sys.version_info[:2] + (platform.python_implementation(),)))"],
        env=child_env("stdlib", args.lib)).decode().split()
    if version != ["2.7", "CPython"]:
        raise RunnerError("%s is %s, not CPython 2.7" % (python,
                                                           " ".join(version)))
    lib = os.path.abspath(args.lib)
    listed = read_expected(args.expected)
    if args.allow_stale:
        if not os.path.exists(os.path.join(lib, "socket.py")):
            raise RunnerError("no socket.py in %s" % lib)
    else:
        check_build(lib)

    log = tempfile.NamedTemporaryFile(prefix="cpysuite-", suffix=".log",
                                      delete=False)
    try:
        std = run_side(python, "stdlib", lib, None, deadline, log)
        ours = run_side(python, "ours", lib, None, deadline, log)
        print("test_socket: %s" % std.guard["test_file"])
        print("stdlib socket: %s" % std.guard["where"]["socket"])
        print("our socket:    %s" % ours.guard["where"]["socket"])
        print("our _socket:   %s" % ours.guard["where"]["_socket"])

        # Second attempt, in fresh children on both sides, for whatever
        # did not pass the first time and matters to the verdict.
        retry = []
        for test_id in std.order:
            s1 = std.outcomes.get(test_id)
            o1 = ours.outcomes.get(test_id)
            if test_id in listed:
                continue
            if s1 in FAILING or (s1 == "pass" and o1 != "pass"):
                if "hang" not in (s1, o1) and "notrun" not in (s1, o1):
                    retry.append(test_id)
        std2, ours2 = Side("stdlib"), Side("ours")
        if retry:
            std2 = run_side(python, "stdlib", lib, retry, deadline, log)
            ours2 = run_side(python, "ours", lib, retry, deadline, log)
    finally:
        log.close()

    verdict = compare(std, ours, std2, ours2, listed)
    required = [t for t in std.order
                if std.outcomes.get(t) == "pass" or std2.outcomes.get(t)
                == "pass"]
    ours_ok = [t for t in required
               if ours.outcomes.get(t) == "pass"
               or ours2.outcomes.get(t) == "pass"]

    if args.verbose:
        print()
        width = max(len(t) for t in std.order) - len(TEST_MODULE) - 1
        for test_id in std.order:
            print("%-*s  stdlib %-6s ours %-6s%s" % (
                width, test_id[len(TEST_MODULE) + 1:],
                std.outcomes.get(test_id, "-"),
                ours.outcomes.get(test_id, "-"),
                "  (retry: stdlib %s, ours %s)" % (
                    std2.outcomes.get(test_id), ours2.outcomes.get(test_id))
                if test_id in std2.outcomes else ""))

    print()
    print("stdlib: %d tests: %s" % (len(std.order), counts(std)))
    print("ours:   %d tests: %s" % (len(ours.order), counts(ours)))
    if retry:
        print("retried %d: stdlib %s; ours %s" % (
            len(retry), counts(std2), counts(ours2)))
    print("required (pass with stdlib): %d; passed by ours: %d; listed as "
          "expected failures: %d" % (len(required), len(ours_ok),
                                     len(listed)))
    for side in (std, ours):
        for note in side.notes:
            print("note (%s): %s" % (side.mode, note))
    wanted = set(std.guard["all"]) | set(EXTRA_NAMES)
    missing = sorted(wanted - set(ours.guard["names"]))
    if missing:
        print("names of the stdlib socket.__all__ (and %s) missing from "
              "ours (%d): %s" % (", ".join(EXTRA_NAMES), len(missing),
                                 " ".join(missing)))
    for test_id in std.order:
        # Information only: a test much slower with ours may wait where
        # the standard library does not.
        before, after = std.seconds.get(test_id), ours.seconds.get(test_id)
        if before is not None and after is not None \
                and after > 2 * before + 1.0:
            print("slower with ours: %s (%.1f s, stdlib %.1f s)" % (
                test_id, after, before))
    for test_id, outcome in verdict["flaky_ours"]:
        print("flaky with ours: %s (%s, then pass)" % (test_id, outcome))
    for test_id in verdict["flaky_stdlib"]:
        print("flaky with stdlib: %s" % test_id)
    for test_id, outcome in verdict["listed_not_required"]:
        print("note: listed %s does not pass with stdlib either (%s)" % (
            test_id, outcome))
    for test_id in verdict["listed_ok"]:
        print("expected failure, still failing: %s (%s)" % (
            test_id, listed[test_id]))

    problems = 0
    for test_id, o1, o2, detail in verdict["regressions"]:
        problems += 1
        print()
        print("REGRESSION %s: passes with stdlib, ours: %s%s" % (
            test_id, o1, "" if o2 is None else ", retry: %s" % o2))
        if detail:
            print("    " + short(detail).replace("\n", "\n    "))
    for test_id in verdict["listed_passing"]:
        problems += 1
        print("SURPRISE PASS %s: listed as an expected failure (%s) but "
              "passes with ours; remove it from %s" % (
                  test_id, listed[test_id], args.expected))
    for test_id, outcome in verdict["listed_missing"]:
        problems += 1
        print("LISTED TEST DID NOT FAIL %s: %s" % (test_id, outcome))
    print()
    print("%s in %.0f s" % ("FAILED: %d problem(s)" % problems if problems
                            else "OK", time.time() - started))

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"stdlib": std.outcomes, "ours": ours.outcomes,
                       "stdlib_retry": std2.outcomes,
                       "ours_retry": ours2.outcomes,
                       "details": ours.details,
                       "retry_details": ours2.details,
                       "missing_names": missing,
                       "regressions": [r[0] for r in verdict["regressions"]],
                       "required": len(required), "ours_ok": len(ours_ok)},
                      f, indent=1, sort_keys=True)
    if problems:
        print("child output: %s" % log.name)
        return EXIT_REGRESSION
    os.unlink(log.name)
    return EXIT_OK



# -- Python 3: the interpreter's own test/test_socket.py ---------------------
#
# For a 3.x interpreter (--python 3.11, a path, ...) the runner runs that
# interpreter's own test_socket, read in place, through its regression test
# driver (python -m test -v test_socket), once on the standard library's
# socket and once on ours (PYTHONPATH=<lib>); every test that passes on the
# first must pass on the second, except those listed for that version in
# Tests/cpython3_suite_expected_failures.txt (at most 5 each, with reasons;
# a listed test that passes is reported, so the list stays exact).

DEFAULT_EXPECTED3 = os.path.join(ROOT, "Tests",
                                 "cpython3_suite_expected_failures.txt")
PY3_LIMIT_PER_VERSION = 5
PY3_SECONDS = 900.0

# What the child runs: it reports where socket came from, then hands over to
# regrtest as `python -m test -v test_socket` would.  Left out on both sides:
# test_sethostname, which run as root renames the machine for a moment under
# every other program running on it; and ThreadedVSOCKSocketStreamTest,
# which connects to the machine's own vsock CID: where /dev/vsock exists
# with no transport back to this machine (these build machines) its accept()
# waits for ever even with the standard library's module (seen on 3.9).
PY3_DRIVER = r"""
import sys, socket, _socket
print("SOCKET %s" % socket.__file__)
print("_SOCKET %s" % getattr(_socket, "__file__", "built-in"))
sys.stdout.flush()
sys.argv = ["regrtest", "-v", "--ignore", "*test_sethostname",
            "--ignore", "*ThreadedVSOCKSocketStreamTest*", "test_socket"]
from test.libregrtest.main import main
main()
"""

PY3_LINE = re.compile(
    r"^(?P<name>\w+) \((?P<where>[\w.]+)\)(?: \[[^\]]*\])?"
    r"(?: \.\.\.|.*\.\.\.) (?P<outcome>ok|FAIL|ERROR|skipped|expected failure"
    r"|unexpected success)")


def py3_version(python):
    out = subprocess.check_output(
        [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        env=child_env("stdlib", DEFAULT_LIB))
    return out.decode().strip()


def py3_outcomes(text):
    """{test id: outcome} from regrtest's verbose output.  The id is
    module.Class.name whichever way the version prints it."""
    outcomes = {}
    for line in text.splitlines():
        match = PY3_LINE.match(line)
        if match is None:
            continue
        name, where = match.group("name"), match.group("where")
        test_id = where if where.endswith("." + name) else where + "." + name
        outcome = match.group("outcome")
        outcomes[test_id] = {"ok": "pass", "FAIL": "fail", "ERROR": "error",
                             "skipped": "skip", "expected failure": "xfail",
                             "unexpected success": "xpass"}[outcome]
    return outcomes


def py3_run_side(python, mode, lib):
    env = child_env(mode, lib)
    proc = subprocess.Popen([python, "-c", PY3_DRIVER], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            cwd=tempfile.gettempdir())
    # (a timer rather than communicate(timeout=): the runner may itself run
    # on 2.7)
    import threading
    timer = threading.Timer(PY3_SECONDS, proc.kill)
    timer.start()
    try:
        out = proc.communicate()[0]
    finally:
        timer.cancel()
    if proc.returncode < 0:
        raise RunnerError("%s test_socket (%s) ran over %ds or was killed"
                          % (python, mode, PY3_SECONDS))
    text = out.decode("utf-8", "replace")
    where = dict(line.split(" ", 1) for line in text.splitlines()[:2]
                 if line.startswith(("SOCKET ", "_SOCKET ")))
    ours_path = os.path.realpath(lib) + os.sep
    is_ours = os.path.realpath(where.get("SOCKET", "")).startswith(ours_path)
    if is_ours != (mode == "ours"):
        raise RunnerError("the %s run got socket from %s" % (
            mode, where.get("SOCKET", "(nowhere: %s)" % text[-2000:])))
    outcomes = py3_outcomes(text)
    if not outcomes:
        raise RunnerError("no test outcomes in the %s run:\n%s"
                          % (mode, text[-3000:]))
    return outcomes, where


def read_expected3(path, version):
    """{test id: reason} listed for `version` ('3.11'): lines
    '<version> <test id> <reason>'; '#' starts a comment."""
    listed = {}
    if not os.path.exists(path):
        return listed
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split(None, 2)
            if len(parts) < 3:
                raise RunnerError("%s: a line needs version, test and "
                                  "reason: %r" % (path, line))
            if parts[0] == version:
                listed[parts[1]] = parts[2]
    if len(listed) > PY3_LIMIT_PER_VERSION:
        raise RunnerError("%s lists %d tests for %s (at most %d)"
                          % (path, len(listed), version,
                             PY3_LIMIT_PER_VERSION))
    return listed


def compare3_main(python, lib, expected_path, verbose):
    version = py3_version(python)
    listed = read_expected3(expected_path, version)
    std, std_where = py3_run_side(python, "stdlib", lib)
    ours, ours_where = py3_run_side(python, "ours", lib)
    print("Python %s test_socket (%s)" % (version, python))
    print("stdlib socket: %s" % std_where.get("SOCKET"))
    print("our socket:    %s" % ours_where.get("SOCKET"))
    required = sorted(t for t, o in std.items() if o == "pass")
    lost = [t for t in required if ours.get(t) != "pass" and t not in listed]
    now_pass = [t for t in listed if ours.get(t) == "pass"]
    tally = {}
    for outcome in ours.values():
        tally[outcome] = tally.get(outcome, 0) + 1
    print("required (pass with stdlib): %d; ours: %s" % (
        len(required), ", ".join("%s %d" % kv for kv in sorted(tally.items()))))
    for test_id in sorted(set(std) | set(ours)):
        if verbose or test_id in lost or test_id in listed:
            print("  %-70s stdlib %-6s ours %-6s%s" % (
                test_id, std.get(test_id, "-"), ours.get(test_id, "-"),
                "  (listed: %s)" % listed[test_id] if test_id in listed
                else ""))
    if lost:
        print("REGRESSIONS: %d tests pass with the standard library's socket "
              "and not with ours" % len(lost))
    if now_pass:
        print("STALE LIST: %s pass now; take them off %s"
              % (", ".join(now_pass), expected_path))
    return EXIT_REGRESSION if lost or now_pass else EXIT_OK


def is_python3(python):
    out = subprocess.check_output(
        [python, "-c", "import sys; print(sys.version_info[0])"],
        env=child_env("stdlib", DEFAULT_LIB))
    return out.decode().strip() == "3"


def resolve_python(want):
    """The interpreter named by a version ('3.11') as Tools/pyfind.sh finds
    it."""
    helper = os.path.join(ROOT, "Tools", "pyfind.sh")
    try:
        out = subprocess.check_output(
            ["bash", "-c", '. "$0" && find_python "$1"', helper, want])
    except (OSError, subprocess.CalledProcessError):
        raise RunnerError("no Python %s found (Tools/pyfind.sh)" % want)
    return out.decode().strip()

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.exit(child_main(sys.argv[2:]))
    sys.exit(main())
