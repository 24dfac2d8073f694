"""Seeded, replayable fuzzing of classicsocket's _socket, socket and mactcp.

    python Tests/fuzz/run.py --target buffer --seed 7 --cases 200
    python Tests/fuzz/run.py --target buffer --seed 7 --case 113   # replay one
    python Tests/fuzz/run.py --all --seeds 1,2 --cases 100 --fresh 60 --jobs 2
    python Tests/fuzz/run.py --corpus                              # past failures

Targets: args, address, option, buffer, makefile, mactcp (one file each,
fuzz_<target>.py).  Case K of seed N draws everything from
random.Random(seed_of(target, N, K)), so a case is replayed alone, on the
same interpreter, by the line printed when it fails:

    replay: python Tests/fuzz/run.py --target buffer --seed 7 --case 113

A case passes when every call returned or raised one of its documented
exception types (socket.error and its subclasses, TypeError, ValueError,
OverflowError, MemoryError; mactcp.error for mactcp), never SystemError,
and the case left no descriptor open.  Cases run in worker processes, so
a crash (a signal, a sanitizer report) or a hang (no progress for
--case-timeout seconds; the worker's threads are dumped first) is caught,
reported with its replay line, and the run goes on with the next case.

Workers run in a private network namespace with only loopback when this
process may make one (root, unshare and ip present): nothing a case does
can reach another host or another program's loopback servers.  The cases
themselves only ever address loopback (see fuzzlib.py).

Exit status: 0 when every case passed (expected failures of the corpus
included), 1 otherwise.
"""
from __future__ import print_function

import argparse
import errno
import os
import random
import select
import signal
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LIB = os.path.join(ROOT, "Lib")
CORPUS = os.path.join(HERE, "corpus.txt")
TARGETS = ["args", "address", "option", "buffer", "makefile", "mactcp"]


def seed_of(target, seed, case):
    """The generator seed of one case: depends on nothing else, so that
    any case can be run alone."""
    return (int(seed) << 24) ^ (int(case) << 4) ^ TARGETS.index(target)


def replay_line(target, seed, case):
    return "replay: python Tests/fuzz/run.py --target %s --seed %s --case %s" \
        % (target, seed, case)


# -- the worker: runs cases in this process ---------------------------------

def _socket_descriptors():
    found = set()
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(os.path.join("/proc/self/fd", name))
        except OSError:
            continue
        if target.startswith(("socket:", "anon_inode:")):
            found.add(int(name))
    return found


def _check_modules():
    """The modules under test must be this tree's, not the interpreter's."""
    import socket
    import _socket
    import mactcp
    for module in (socket, _socket, mactcp):
        path = os.path.realpath(getattr(module, "__file__", "") or "")
        if not path.startswith(os.path.realpath(LIB) + os.sep):
            raise SystemExit("fuzz: %s is %s, not this tree's (%s): run with "
                             "PYTHONPATH=Lib after building in place"
                             % (module.__name__, path or "built in", LIB))


def _settled(before, timeout=5.0):
    """The descriptors opened since `before`, once the mactcp driver (which
    stops when its last stream goes) has had time to close its own."""
    import gc
    deadline = time.time() + timeout
    while True:
        gc.collect()
        leaked = _socket_descriptors() - before
        if not leaked or time.time() >= deadline:
            return leaked
        select.select([], [], [], 0.01)


def run_one(target, module, seed, case_number):
    """Runs one case; returns None or the failure's text."""
    import fuzzlib
    rng = random.Random(seed_of(target, seed, case_number))
    case = fuzzlib.Case(rng, "%s seed %s case %s" % (target, seed, case_number),
                        ())
    before = _socket_descriptors()
    failure = None
    try:
        try:
            module.run_case(case)
        except fuzzlib.Wakeup:
            pass  # an asr's or a timer's exception between two calls
        finally:
            fuzzlib.quiet_alarms()
            try:
                case.close()
            except fuzzlib.Wakeup:
                case.close()
    except fuzzlib.FuzzFailure as exc:
        failure = str(exc)
    except Exception:
        failure = "%s: exception outside a checked call:\n%s" % (
            case.name, traceback.format_exc())
    if failure is None:
        # What the case object still holds is not a leak: an exception
        # raised between two calls (an asr's) skips the end of run_case,
        # which drops the case's own references (fuzz_mactcp's asr
        # holders keep their streams, and so mactcp's driver, alive).
        # (2.7 also keeps the last exception, whose traceback holds
        # run_case's frame, until the function returns.)
        name = case.name
        del case
        if hasattr(sys, "exc_clear"):
            sys.exc_clear()
        leaked = _settled(before)
        if leaked:
            failure = "%s: descriptors left open: %s" % (
                name, sorted(leaked))
    return failure


def inject(fault):
    if fault == "crash":
        os.abort()
    if fault == "hang":
        while True:
            select.select([], [], [], 1.0)
    return "injected failure"


def worker(args):
    sys.path.insert(0, HERE)
    _check_modules()
    import fuzzlib
    fuzzlib.quiet_alarms()
    try:
        import faulthandler
        faulthandler.register(signal.SIGUSR2, all_threads=True)
    except (ImportError, AttributeError):
        pass  # 2.7: a hang is reported without the threads' stacks
    module = __import__("fuzz_" + args.target)
    out = sys.stdout
    done = 0
    for number in range(args.first, args.first + args.count):
        if args.deadline and time.time() >= args.deadline:
            break
        out.write("CASE %d\n" % number)
        out.flush()
        failure = run_one(args.target, module, args.seed, number)
        if args.inject and int(args.inject.split(":")[1]) == number:
            failure = inject(args.inject.split(":")[0])
        if failure is not None:
            out.write("FAIL %d\n" % number)
            for line in failure.splitlines():
                out.write("| %s\n" % line)
            out.write("END\n")
        done += 1
    fuzzlib.quiet_alarms()
    if hasattr(signal, "SIGALRM"):
        # Finalization puts back the default action, which ends the process.
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
    out.write("DONE %d\n" % done)
    out.flush()


# -- the parent: workers, watchdog, report ----------------------------------

def _netns_prefix():
    """The command prefix that runs a worker in a private network namespace
    with loopback up, or [] when this process cannot make one."""
    if os.environ.get("CLASSICSOCKET_FUZZ_NETNS", "1") == "0":
        return []
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return []
    paths = os.environ.get("PATH", "").split(os.pathsep) + ["/usr/sbin",
                                                            "/sbin"]

    def find(name):
        for directory in paths:
            path = os.path.join(directory, name)
            if os.access(path, os.X_OK):
                return path
        return None

    unshare, ip = find("unshare"), find("ip")
    if not unshare or not ip:
        return []
    env = _clean_env()
    try:
        status = subprocess.call([unshare, "-n", ip, "link", "set", "lo", "up"],
                                 env=env, stdout=open(os.devnull, "w"),
                                 stderr=subprocess.STDOUT)
    except OSError:
        return []
    if status != 0:
        return []
    # The sanitizer's preload is for the Python worker only: the shell and
    # ip would have their own leaks reported as ours.
    return [unshare, "-n", "sh", "-c",
            '%s link set lo up && exec env LD_PRELOAD="$CSFUZZ_PRELOAD" "$@"'
            % ip, "sh"]


def _clean_env():
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    return env


class Unit(object):
    """A run of consecutive cases of one target and seed in one worker
    (restarted after the case that crashed or hung)."""

    def __init__(self, target, seed, first, count, deadline=0, label=None,
                 duration=0):
        self.target = target
        self.seed = seed
        self.first = first
        self.next = first
        self.end = first + count
        self.deadline = deadline
        self.duration = duration  # the deadline counts from its start
        self.label = label or "seed %s" % seed
        self.passed = 0
        self.failures = []   # (case, text)
        self.proc = None
        self.current = None
        self.last_progress = 0.0
        self.buffer = b""
        self.errfile = None
        self.finished = False
        self.last_case = first
        self.worker_first = first
        self.in_failure = False
        self.fail_text = []
        self.xfail = None


class Runner(object):
    def __init__(self, options):
        self.options = options
        self.prefix = _netns_prefix()
        self.env = dict(os.environ)
        path = self.env.get("PYTHONPATH")
        self.env["PYTHONPATH"] = LIB + (os.pathsep + path if path else "")
        self.env["CSFUZZ_PRELOAD"] = self.env.get("LD_PRELOAD", "")
        if self.prefix:
            self.env.pop("LD_PRELOAD", None)
        # The workers' sanitizer reports go to files of this run's own,
        # read after each worker ends (sanitizer_report).
        import tempfile
        self.logdir = tempfile.mkdtemp(prefix="csfuzz-san.")
        for variable in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
            if variable in self.env:
                items = [item for item in self.env[variable].split(":")
                         if item and not item.startswith("log_path=")]
                items.append("log_path=%s" % os.path.join(self.logdir,
                                                          "report"))
                if variable == "ASAN_OPTIONS":
                    # Enormous sizes are part of the inputs: a refused
                    # allocation must be a MemoryError, not the end.
                    items.append("allocator_may_return_null=1")
                self.env[variable] = ":".join(items)

    def start(self, unit):
        import tempfile
        if unit.duration and not unit.deadline:
            unit.deadline = time.time() + unit.duration
        command = self.prefix + [
            sys.executable, os.path.abspath(__file__), "--worker",
            "--target", unit.target, "--seed", str(unit.seed),
            "--first", str(unit.next), "--count", str(unit.end - unit.next),
            "--deadline", repr(unit.deadline)]
        if self.options.inject:
            command += ["--inject", self.options.inject]
        unit.errfile = tempfile.TemporaryFile()
        unit.proc = subprocess.Popen(command, stdout=subprocess.PIPE,
                                     stderr=unit.errfile, env=self.env,
                                     cwd=ROOT)
        unit.current = None
        unit.buffer = b""
        unit.worker_first = unit.next
        unit.last_progress = time.time()

    def stderr_tail(self, unit, limit=60):
        unit.errfile.seek(0)
        lines = unit.errfile.read().decode("utf-8", "replace").splitlines()
        return lines[-limit:]

    def handle_line(self, unit, line):
        if line.startswith("CASE "):
            if unit.current is not None and not unit.in_failure:
                unit.passed += 1
            unit.current = int(line.split()[1])
            unit.last_case = unit.current
            unit.in_failure = False
            unit.last_progress = time.time()
        elif line.startswith("FAIL "):
            unit.in_failure = True
            unit.fail_text = []
        elif line.startswith("| ") and unit.in_failure:
            unit.fail_text.append(line[2:])
        elif line == "END" and unit.in_failure:
            unit.failures.append((unit.current, "\n".join(unit.fail_text)))
            self.report_failure(unit, unit.current, unit.fail_text)
        elif line.startswith("DONE "):
            if unit.current is not None and not unit.in_failure:
                unit.passed += 1
            unit.current = None
            unit.finished = True

    def report_failure(self, unit, case, lines):
        print("FAIL %s %s case %s" % (unit.target, unit.label, case))
        for line in lines:
            print("    " + line)
        print("    " + replay_line(unit.target, unit.seed, case))
        if case is not None and case > unit.worker_first:
            # What the worker had run before, for a failure that needs the
            # state or timing the earlier cases left.
            print("    (if it passes alone: python Tests/fuzz/run.py --target "
                  "%s --seed %s --first %d --cases %d)"
                  % (unit.target, unit.seed, unit.worker_first,
                     case - unit.worker_first + 1))
        sys.stdout.flush()

    def worker_ended(self, unit, status):
        """The worker exited.  A case it had started and not finished
        crashed it; a report written at exit (LeakSanitizer) or a bad
        status after its last case is charged to its whole range.
        Returns whether the unit has cases left to run."""
        report = self.sanitizer_report(unit.proc.pid)
        if unit.current is not None and not unit.finished:
            case = unit.current
            reason = ("killed by signal %d" % -status if status < 0
                      else "exited with status %d" % status)
            lines = ["crash: the worker %s during the case" % reason]
            lines += self.stderr_tail(unit) + report
            unit.failures.append((case, "\n".join(lines)))
            self.report_failure(unit, case, lines)
            unit.next = case + 1
            unit.current = None
            return unit.next < unit.end and not self.past(unit)
        if status != 0 or report:
            lines = ["the worker exited with status %d after its cases "
                     "(from case %d)" % (status, unit.worker_first)]
            lines += self.stderr_tail(unit) + report
            unit.failures.append((None, "\n".join(lines)))
            print("FAIL %s %s at worker exit" % (unit.target, unit.label))
            for line in lines:
                print("    " + line)
            print("    replay: python Tests/fuzz/run.py --target %s --seed %s "
                  "--first %d --cases %d" % (unit.target, unit.seed,
                                             unit.worker_first,
                                             unit.last_case -
                                             unit.worker_first + 1))
        return False

    def sanitizer_report(self, pid):
        """What ASan/UBSan wrote for worker pid, less the warnings of
        allocations refused on purpose (enormous sizes are inputs)."""
        path = os.path.join(self.logdir, "report.%d" % pid)
        if not os.path.exists(path):
            return []
        with open(path) as f:
            lines = [line.rstrip("\n") for line in f
                     if "failed to allocate" not in line]
        os.unlink(path)
        lines = [line for line in lines if line.strip()]
        if not lines:
            return []
        return ["sanitizer report:"] + lines[:120]

    def past(self, unit):
        return unit.deadline and time.time() >= unit.deadline

    def hung(self, unit):
        case = unit.current
        try:
            unit.proc.send_signal(signal.SIGUSR2)  # its threads' stacks
            select.select([], [], [], 1.0)
        except OSError:
            pass
        try:
            unit.proc.kill()
        except OSError:
            pass
        unit.proc.wait()
        lines = ["hang: no progress for %.0f s" % self.options.case_timeout]
        lines += self.stderr_tail(unit) + self.sanitizer_report(unit.proc.pid)
        unit.failures.append((case, "\n".join(lines)))
        self.report_failure(unit, case, lines)
        unit.next = case + 1
        unit.current = None
        return unit.next < unit.end and not self.past(unit)

    def run(self, units):
        pending = list(units)
        running = []
        while pending or running:
            while pending and len(running) < self.options.jobs:
                unit = pending.pop(0)
                unit.in_failure = False
                self.start(unit)
                running.append(unit)
            streams = dict((u.proc.stdout.fileno(), u) for u in running)
            ready, _, _ = select.select(list(streams), [], [], 0.5)
            for fd in ready:
                unit = streams[fd]
                try:
                    data = os.read(fd, 65536)
                except OSError as exc:
                    if exc.errno == errno.EINTR:
                        continue
                    raise
                if data:
                    unit.buffer += data
                    while b"\n" in unit.buffer:
                        line, unit.buffer = unit.buffer.split(b"\n", 1)
                        self.handle_line(unit, line.decode("utf-8",
                                                           "replace"))
                    continue
                status = unit.proc.wait()
                unit.proc.stdout.close()
                running.remove(unit)
                if self.worker_ended(unit, status):
                    pending.insert(0, unit)
                    unit.finished = False
            now = time.time()
            for unit in list(running):
                if unit.current is not None and \
                        now - unit.last_progress > self.options.case_timeout:
                    running.remove(unit)
                    unit.proc.stdout.close()
                    if self.hung(unit):
                        pending.insert(0, unit)
        return units


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=TARGETS)
    parser.add_argument("--all", action="store_true", help="every target")
    parser.add_argument("--seed", type=int, help="one seed")
    parser.add_argument("--seeds", help="comma-separated seeds")
    parser.add_argument("--case", type=int, help="run this case alone")
    parser.add_argument("--cases", type=int, default=100,
                        help="cases per seed (default 100)")
    parser.add_argument("--fresh", type=float, default=0, metavar="SECONDS",
                        help="then fresh random seeds for this long")
    parser.add_argument("--corpus", action="store_true",
                        help="replay the cases listed in corpus.txt")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--case-timeout", type=float, default=60.0)
    parser.add_argument("--in-process", action="store_true",
                        help="no worker process (a debugger can follow)")
    parser.add_argument("--stats", action="store_true",
                        help="with --in-process: how each call ended")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--first", type=int, default=0,
                        help="first case number (default 0)")
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--deadline", type=float, default=0,
                        help=argparse.SUPPRESS)
    # The runner's own test: make case N fail, crash or hang on purpose.
    parser.add_argument("--inject", default="", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def read_corpus(path=CORPUS):
    """Entries of corpus.txt: `target seed case [xfail: reason]`; '#'
    starts a comment."""
    entries = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            words = line.split(None, 3)
            xfail = None
            if len(words) > 3 and words[3].startswith("xfail"):
                xfail = words[3]
            entries.append((words[0], int(words[1]), int(words[2]), xfail))
    return entries


def main(argv=None):
    options = parse(sys.argv[1:] if argv is None else argv)
    if options.worker:
        worker(options)
        return 0
    targets = TARGETS if options.all or not options.target else \
        [options.target]
    seeds = [options.seed] if options.seed is not None else \
        [int(s) for s in (options.seeds or "1").split(",")]
    if options.in_process:
        sys.path.insert(0, HERE)
        _check_modules()
        import fuzzlib
        fuzzlib.quiet_alarms()
        if options.stats:
            fuzzlib.STATS = {}
        failed = 0
        for target in targets:
            module = __import__("fuzz_" + target)
            for seed in seeds:
                cases = [options.case] if options.case is not None else \
                    range(options.cases)
                for number in cases:
                    failure = run_one(target, module, seed, number)
                    if failure:
                        failed += 1
                        print("FAIL " + failure)
                        print("    " + replay_line(target, seed, number))
        if fuzzlib.STATS is not None:
            for label, outcomes in sorted(fuzzlib.STATS.items()):
                print("%-28s %s" % (label, ", ".join(
                    "%s %d" % item for item in sorted(outcomes.items(),
                                                      key=lambda i: -i[1]))))
        return 1 if failed else 0
    runner = Runner(options)
    print("fuzz: workers %s" % ("in a private network namespace (loopback "
                                "only)" if runner.prefix else
                                "in this network namespace (inputs are "
                                "loopback only)"))
    units = []
    if options.corpus:
        for target, seed, number, xfail in read_corpus():
            unit = Unit(target, seed, number, 1, label="corpus seed %s" % seed)
            unit.xfail = xfail
            units.append(unit)
    elif options.case is not None:
        for target in targets:
            for seed in seeds:
                units.append(Unit(target, seed, options.case, 1))
    else:
        for target in targets:
            for seed in seeds:
                units.append(Unit(target, seed, options.first, options.cases))
    started = time.time()
    runner.run(units)
    if options.fresh > 0:
        # Fresh seeds, one per target, sharing the time equally.
        fresh = []
        share = options.fresh * max(1, options.jobs) / float(len(targets))
        system = random.SystemRandom()
        for target in targets:
            seed = system.randint(10 ** 8, 10 ** 9 - 1)
            fresh.append(Unit(target, seed, 0, 10 ** 9, duration=share,
                              label="fresh seed %d" % seed))
        print("fuzz: fresh seeds %s" % ", ".join(
            "%s=%s" % (u.target, u.seed) for u in fresh))
        runner.run(fresh)
        units += fresh
    import shutil
    shutil.rmtree(runner.logdir, ignore_errors=True)
    total = sum(u.passed + len(u.failures) for u in units)
    failed = expected = 0
    for unit in units:
        if unit.xfail:
            expected += len(unit.failures)
            if not unit.failures:
                print("fuzz: corpus entry %s %s %s passes now: remove its "
                      "'%s'" % (unit.target, unit.seed, unit.end - 1,
                                unit.xfail))
        else:
            failed += len(unit.failures)
        print("fuzz %-8s %-24s %6d cases, %d failed%s" % (
            unit.target, unit.label, unit.passed + len(unit.failures),
            len(unit.failures), " (expected)" if unit.xfail else ""))
    print("fuzz: %d cases in %.0f s: %d passed, %d failed%s" % (
        total, time.time() - started, total - failed - expected, failed,
        ", %d expected failures" % expected if expected else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
