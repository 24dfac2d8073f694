"""Shared test set-up.

The suite fails at start unless `socket` and `_socket` are this project's
modules (run it with PYTHONPATH=Lib after `python setup.py build_ext
--inplace`, as the README says).  Every test is checked for descriptors and
threads it leaves behind.
"""
import gc
import os
import sys
import threading

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LIB = os.path.join(ROOT, "Lib")
sys.path.insert(0, HERE)

import socket  # noqa: E402
import _socket  # noqa: E402


def _ours(module):
    path = os.path.realpath(getattr(module, "__file__", "") or "")
    return path.startswith(os.path.realpath(LIB) + os.sep)


if not (_ours(socket) and _ours(_socket)):
    raise RuntimeError(
        "socket resolved to %r and _socket to %r, not to this project's "
        "modules in %s: build with 'python setup.py build_ext --inplace' and "
        "run with PYTHONPATH=Lib" % (getattr(socket, "__file__", None),
                                     getattr(_socket, "__file__", None), LIB))


def _dump_stacks_on_sigusr1():
    """Tools/runtests.sh sends SIGUSR1 to a suite that overran its time
    before killing it: every thread's stack then shows what hung."""
    import signal
    try:
        import faulthandler     # 3.x: dumps from the signal handler itself
        faulthandler.register(signal.SIGUSR1, all_threads=True)
    except ImportError:         # 2.7: runs once the main thread is in Python
        import traceback

        def dump(signum, frame):
            for ident, stack in sys._current_frames().items():
                sys.stderr.write("\nthread %d:\n" % ident)
                traceback.print_stack(stack, file=sys.stderr)
            sys.stderr.flush()
        signal.signal(signal.SIGUSR1, dump)


_dump_stacks_on_sigusr1()


def _kernel_objects():
    """Open descriptors that are sockets, epoll/eventfd/timerfd instances or
    pipes: what this project can leak (pytest's own files are left out)."""
    found = {}
    fd_dir = "/proc/self/fd"
    for name in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, name))
        except OSError:
            continue  # the descriptor listdir itself used
        if target.startswith(("socket:", "anon_inode:", "pipe:")):
            found[int(name)] = target
    return found


def _task_count():
    return len(os.listdir("/proc/self/task"))


@pytest.fixture(autouse=True)
def no_leaks(request):
    """Fails a test that leaves a socket, an event descriptor or a thread
    (Python or native) behind."""
    gc.collect()
    fds_before = _kernel_objects()
    threads_before = threading.active_count()
    tasks_before = _task_count()
    yield
    if request.node.get_closest_marker("allow_leaks"):
        return
    import support  # late: the module imports socket

    def settled():
        gc.collect()
        leaked = set(_kernel_objects()) - set(fds_before)
        return (not leaked and threading.active_count() <= threads_before
                and _task_count() <= tasks_before)

    # Child processes, peer threads and the mactcp driver need a moment to
    # wind down; wait for that with a deadline rather than a fixed sleep.
    support.wait_until(settled, timeout=10.0)
    gc.collect()
    now = _kernel_objects()
    leaked = dict((fd, now[fd]) for fd in set(now) - set(fds_before))
    assert not leaked, "descriptors left open: %r" % (leaked,)
    assert threading.active_count() <= threads_before, "threads left running"
    assert _task_count() <= tasks_before, "native threads left running"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "allow_leaks: the test hands its descriptors to a later "
        "check of its own")
