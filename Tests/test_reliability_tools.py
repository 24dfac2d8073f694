"""Tools/refleak.py and Tools/soak.py in the suite, briefly, so that they
keep working between CI's full runs (Tools/refleak.sh on python3.11-dbg,
soak.py --short): the refleak run's coverage of every public name of the
modules plus one of its operations, and a few hundred soak cycles."""
import os
import subprocess
import sys

import support


def run_tool(args):
    env = support.our_env()
    proc = subprocess.Popen([sys.executable] + args, cwd=support.ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.communicate()[0].decode("utf-8", "replace")
    return proc.returncode, output


def test_refleak_covers_every_public_name():
    # The coverage check runs whatever --only selects: a public function
    # or method that no operation calls fails here.
    status, output = run_tool([os.path.join("Tools", "refleak.py"),
                               "--only", "inet-conversions", "--rounds", "3"])
    assert status == 0, output
    assert "public names no operation calls" not in output, output
    assert "inet-conversions" in output and "0 growth" in output, output


def test_refleak_flags_growth():
    code = ("import sys; sys.path.insert(0, 'Tools'); import refleak\n"
            "import socket\n"
            "kept = []\n"
            "@refleak.op('leaky')\n"
            "def _():\n"
            "    def once():\n"
            "        kept.append(socket.socket())\n"
            "    yield once\n"
            "    for s in kept: s.close()\n"
            "refleak.MODULES[:] = []\n"
            "sys.exit(refleak.main([]))\n")
    status, output = run_tool(["-c", code])
    assert status == 1, output
    assert "leaky" in output and "LEAK" in output, output


def test_soak_short_cycles():
    status, output = run_tool([os.path.join("Tools", "soak.py"), "--cycles",
                               "300", "--mactcp-cycles", "40", "--no-netns"])
    assert status == 0, output
    assert "socket: 300 cycles" in output, output
    assert "mactcp: 40 cycles" in output, output
