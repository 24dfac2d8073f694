"""python -m classicsocket: runs a program as `python script.py` would, with
this project's socket and _socket in place of the standard library's.

Checked in the source tree (PYTHONPATH=Lib) and in the installed layout
(socket.py and _socket inside the classicsocket package, here a copy in a
temporary directory), including when the standard library's socket was
imported before the launcher ran."""
from __future__ import print_function

import json
import os
import shutil
import subprocess
import sys

import pytest

import support

if support.PY3:
    from importlib.machinery import EXTENSION_SUFFIXES
else:
    import imp
    EXTENSION_SUFFIXES = [s for s, _m, kind in imp.get_suffixes()
                          if kind == imp.C_EXTENSION]

# Reports what a program sees, then exits with the status in argv[1].
REPORT = r"""
import json, os, sys
import socket, _socket
json.dump({
    "socket": socket.__file__,
    "_socket": _socket.__file__,
    "same": sys.modules["socket"] is socket,
    "argv": sys.argv,
    "name": __name__,
    "file": globals().get("__file__"),
    "path0": sys.path[0],
    "main_is_module": sys.modules["__main__"].__dict__ is globals(),
    "globals": sorted(k for k in globals() if k.startswith("__")),
}, sys.stdout)
sys.stdout.flush()
if len(sys.argv) > 1:
    sys.exit(int(sys.argv[1]))
"""


def run(args, env=None, cwd=None, stdin=None):
    proc = subprocess.Popen([sys.executable, "-m", "classicsocket"] + args,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=cwd,
                            env=env or support.our_env())
    out, err = proc.communicate(stdin)
    return (proc.returncode, out.decode("utf-8", "replace"),
            err.decode("utf-8", "replace"))


def under(path, directory):
    return os.path.realpath(path).startswith(
        os.path.realpath(directory) + os.sep)


@pytest.fixture
def script(tmpdir):
    path = tmpdir.join("report.py")
    path.write(REPORT)
    return str(path)


def test_script_sees_our_modules_argv_and_main(script, tmpdir):
    status, out, err = run([script, "0", "x y"])
    assert status == 0, err
    seen = json.loads(out)
    assert under(seen["socket"], support.LIB)
    assert under(seen["_socket"], support.LIB)
    assert os.path.basename(seen["socket"]) == "socket.py"
    assert seen["same"]
    assert seen["argv"] == [script, "0", "x y"]
    assert seen["name"] == "__main__"
    assert seen["file"] in (script, os.path.abspath(script))
    assert seen["path0"] == os.path.realpath(str(tmpdir))
    assert seen["main_is_module"]
    assert "__builtins__" in seen["globals"]


def test_same_view_as_running_python_directly(script, tmpdir):
    # Apart from the socket modules, the program sees what `python
    # script.py` shows it.
    env = support.our_env()
    direct = subprocess.Popen([sys.executable, "report.py"], cwd=str(tmpdir),
                              stdout=subprocess.PIPE, env=env)
    expected = json.loads(direct.communicate()[0].decode("utf-8"))
    status, out, err = run(["report.py"], cwd=str(tmpdir))
    assert status == 0, err
    seen = json.loads(out)
    for key in ("argv", "name", "file", "path0", "globals", "socket",
                "_socket"):
        assert seen[key] == expected[key], key


def test_exit_status_of_sys_exit(script):
    status, out, err = run([script, "3"])
    assert status == 3, err
    assert json.loads(out)["argv"] == [script, "3"]


def test_sys_exit_with_a_message(tmpdir):
    path = tmpdir.join("message.py")
    path.write("import sys\nsys.exit('going away')\n")
    status, out, err = run([str(path)])
    assert status == 1
    assert err.strip() == "going away"


def test_uncaught_exception_gives_status_1_and_the_scripts_traceback(tmpdir):
    path = tmpdir.join("boom.py")
    path.write("def inner():\n    raise ValueError('boom here')\n\n"
               "inner()\n")
    status, out, err = run([str(path)])
    assert status == 1
    lines = err.strip().splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[-1] == "ValueError: boom here"
    assert "line 4, in <module>" in err and "in inner" in err
    # The launcher's own frames are not shown.
    assert "classicsocket" not in err and "runpy" not in err


def test_syntax_error_in_the_script(tmpdir):
    path = tmpdir.join("bad.py")
    path.write("x = 1\ndef (:\n")
    status, out, err = run([str(path)])
    assert status == 1
    assert "SyntaxError" in err and "bad.py" in err and "line 2" in err
    assert "classicsocket" not in err


def test_stdin_passes_through(tmpdir):
    path = tmpdir.join("upper.py")
    path.write("import sys\n"
               "data = sys.stdin.read()\n"
               "sys.stdout.write(data.upper())\n")
    status, out, err = run([str(path)], stdin=b"hello\nworld\n")
    assert status == 0, err
    assert out == "HELLO\nWORLD\n"


def test_usage_without_arguments():
    status, out, err = run([])
    assert status == 2
    assert err.startswith("usage: python -m classicsocket script.py")
    status, out, err = run(["--help"])
    assert status == 0
    assert out.startswith("usage:")


def test_missing_script():
    status, out, err = run(["/nonexistent/script.py"])
    assert status == 2
    assert "can't open file '/nonexistent/script.py'" in err


def test_dash_c(tmpdir):
    code = ("import socket, sys; print(socket.__file__); print(sys.argv); "
            "print(repr(sys.path[0])); print(__name__)")
    status, out, err = run(["-c", code, "a", "b"], cwd=str(tmpdir))
    assert status == 0, err
    lines = out.splitlines()
    assert under(lines[0], support.LIB)
    assert lines[1] == str(["-c", "a", "b"])
    assert lines[2] == repr("")
    assert lines[3] == "__main__"
    status, out, err = run(["-c", "raise SystemExit(5)"])
    assert status == 5


def test_dash_m(tmpdir, script):
    shutil.copy(script, str(tmpdir.join("reportmod.py")))
    status, out, err = run(["-m", "reportmod", "4", "z"], cwd=str(tmpdir))
    assert status == 4, err
    seen = json.loads(out)
    assert under(seen["socket"], support.LIB)
    assert seen["name"] == "__main__"
    assert seen["argv"][1:] == ["4", "z"]
    assert seen["argv"][0] == str(tmpdir.join("reportmod.py"))
    status, out, err = run(["-m", "no_such_module_here"], cwd=str(tmpdir))
    assert status == 1
    assert "no_such_module_here" in err


# -- the installed layout -----------------------------------------------------

def _extension():
    for suffix in EXTENSION_SUFFIXES:
        path = os.path.join(support.LIB, "_socket" + suffix)
        if os.path.exists(path):
            return path
    pytest.fail("no _socket extension for this Python in %s" % support.LIB)


def _install(target, with_modules=True):
    package = os.path.join(target, "classicsocket")
    os.makedirs(package)
    for name in ("__init__.py", "__main__.py"):
        shutil.copy(os.path.join(support.LIB, "classicsocket", name),
                    package)
    if with_modules:
        shutil.copy(os.path.join(support.LIB, "socket.py"), package)
        shutil.copy(os.path.join(support.LIB, "_socket3.py"), package)
        shutil.copy(_extension(), package)
    return package


def test_installed_layout_replaces_an_already_imported_socket(tmpdir,
                                                              script):
    site = str(tmpdir.mkdir("site"))
    package = _install(site)
    # Something imports the standard library's socket before the launcher
    # runs (here sitecustomize, as a .pth or site hook might).
    hooks = tmpdir.mkdir("hooks")
    hooks.join("sitecustomize.py").write(
        "import socket\n"
        "assert 'classicsocket' not in socket.__file__\n"
        "import sys\n"
        "sys.stdlib_socket_file = socket.__file__\n")
    env = support.stdlib_env()
    env["PYTHONPATH"] = os.pathsep.join([site, str(hooks)])
    status, out, err = run([script, "0"], env=env)
    assert status == 0, err
    seen = json.loads(out)
    assert under(seen["socket"], package)
    assert under(seen["_socket"], package)
    assert seen["same"]


def test_installed_layout_without_the_modules_refuses(tmpdir, script):
    site = str(tmpdir.mkdir("site"))
    _install(site, with_modules=False)
    env = support.stdlib_env()
    env["PYTHONPATH"] = site
    status, out, err = run([script], env=env)
    assert status == 2
    assert err.startswith("classicsocket: ")
    assert "socket.py" in err and "_socket" in err
    assert "build_ext --inplace" in err
    assert out == ""


def test_install_function_in_process(tmpdir):
    site = str(tmpdir.mkdir("site"))
    package = _install(site)
    code = ("import socket as before, sys\n"
            "import classicsocket\n"
            "mod = classicsocket.install()\n"
            "import socket\n"
            "assert mod is socket is sys.modules['socket']\n"
            "assert socket is not before\n"
            "assert classicsocket.install() is socket\n"
            "print(socket.__file__)\n"
            "print(sys.modules['_socket'].__file__)\n")
    env = support.stdlib_env()
    env["PYTHONPATH"] = site
    proc = subprocess.Popen([sys.executable, "-c", code], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    assert proc.returncode == 0, err.decode("utf-8", "replace")
    files = out.decode("utf-8").splitlines()
    assert under(files[0], package) and under(files[1], package)


# -- an interpreter without its own build ---------------------------------------

def _tree_without_a_build(tmpdir, untagged=None):
    """A copy of Lib/ with socket.py and the launcher but no _socket for
    this interpreter; untagged: a file to put there as _socket.so (what
    2.7 builds used to leave in Lib/)."""
    lib = tmpdir.mkdir("Lib")
    shutil.copy(os.path.join(support.LIB, "socket.py"), str(lib))
    shutil.copytree(os.path.join(support.LIB, "classicsocket"),
                    str(lib.join("classicsocket")))
    if untagged is not None:
        shutil.copy(untagged, str(lib.join("_socket.so")))
    return str(lib)


def _refused(lib, code):
    env = support.stdlib_env()
    env["PYTHONPATH"] = lib
    proc = subprocess.Popen([sys.executable, "-c", code],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env)
    out, err = proc.communicate()
    err = err.decode()
    assert proc.returncode == 1, err
    assert "ImportError: socket.py and a _socket extension for this " \
           "Python" in err, err
    assert "%s setup.py build_ext --inplace" % sys.executable in err, err


@pytest.mark.parametrize("code", ["import socket", "import ssl"])
def test_no_build_for_this_interpreter_gives_the_launchers_message(tmpdir,
                                                                   code):
    # import _socket finds the interpreter's own: socket.py refuses it.
    _refused(_tree_without_a_build(tmpdir), code)


@pytest.mark.skipif(not support.PY3, reason="2.7 loads an untagged .so")
def test_an_untagged_extension_is_not_taken_for_this_interpreters(tmpdir):
    # A 2.7 build of an older checkout: Python 3 loads Lib/_socket.so too,
    # and it fails (no PyInit__socket); socket.py and the launcher say so.
    built27 = os.path.join(support.LIB, "_socketmodule.so")
    if not os.path.exists(built27):
        pytest.skip("no 2.7 build in Lib/")
    lib = _tree_without_a_build(tmpdir, untagged=built27)
    _refused(lib, "import socket")
    env = support.stdlib_env()
    env["PYTHONPATH"] = lib
    status, out, err = run(["-c", "pass"], env=env)
    assert status == 2
    assert "socket.py and a _socket extension for this Python" in err


def test_the_2_7_build_has_a_name_python_3_does_not_load():
    names = os.listdir(support.LIB)
    assert "_socket.so" not in names and "mactcp.so" not in names
    if not support.PY3:
        import _socket
        assert os.path.basename(_socket.__file__) == "_socketmodule.so"
