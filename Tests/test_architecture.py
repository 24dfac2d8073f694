"""The shape of Modules/ (Tools/depcheck.py): no call or include cycle
between C files, every global name in its file's prefix, nothing exported
that only one file uses."""
import os
import subprocess
import sys

import pytest

import support


# The graph is judged with 3.x's headers: 2.7 compiles out a few uses (the
# CAPI capsule has no timeout field there), which would make their names
# look used by one file only.
@pytest.mark.skipif(sys.version_info[0] < 3,
                    reason="the file graph is checked on the 3.x runs")
def test_modules_have_no_cycles_and_keep_their_prefixes():
    tool = os.path.join(support.ROOT, "Tools", "depcheck.py")
    # Without the sanitizer run's preload: the tool runs the C compiler,
    # which is no part of our build.
    proc = subprocess.Popen([sys.executable, tool], cwd=support.ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=support.other_interpreter_env())
    out = proc.communicate()[0].decode("utf-8", "replace")
    if proc.returncode != 0:
        pytest.fail("Tools/depcheck.py found problems:\n" + out)
    assert "0 problem(s)" in out
