"""classicsocket: CPython 2.x's socket module (the C module _socket and the
Python layer socket.py) for CPython 2.7 and 3.8-3.13.

Installed, the two modules live inside this package, where they shadow
nothing.  Run a program with them in place of the standard library's with

    python -m classicsocket script.py [arg ...]
    python -m classicsocket -c command [arg ...]
    python -m classicsocket -m module [arg ...]

which behaves as `python script.py [arg ...]` (or -c, -m) would, except
that `import socket` and `import _socket` give this package's modules.
install() does the same from inside a program, before anything has
imported the standard library's socket.
"""
from __future__ import absolute_import

import os
import runpy
import sys
import sysconfig

__all__ = ["install", "find_modules", "main"]

_PY3 = sys.version_info[0] >= 3
if _PY3:
    import builtins as _builtins
    import importlib.machinery
    import importlib.util
else:
    import __builtin__ as _builtins
    import imp

USAGE = """\
usage: python -m classicsocket script.py [arg ...]
       python -m classicsocket -c command [arg ...]
       python -m classicsocket -m module [arg ...]

Runs a Python program as `python script.py` (or -c, -m) would, with
classicsocket's socket and _socket modules in place of the standard
library's.
"""

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class ModulesNotFound(ImportError):
    """socket.py and a _socket extension for this interpreter are not where
    an installed package or the source tree keeps them."""


def _extension_suffixes():
    if _PY3:
        # A bare .so is Python 2.7's name (older builds of this project
        # left Lib/_socket.so): never this interpreter's build.
        own = sysconfig.get_config_var("EXT_SUFFIX")
        return [suffix for suffix in importlib.machinery.EXTENSION_SUFFIXES
                if suffix != ".so" or suffix == own]
    return [suffix for suffix, _mode, kind in imp.get_suffixes()
            if kind == imp.C_EXTENSION]


def _search_dirs():
    # Installed: both modules inside the package.  Source tree: both at the
    # top of Lib/, the directory above the package.
    return [_PACKAGE_DIR, os.path.dirname(_PACKAGE_DIR)]


def find_modules():
    """(path of socket.py, path of the _socket extension) for this
    interpreter; raises ModulesNotFound if they are not there."""
    suffixes = _extension_suffixes()
    for directory in _search_dirs():
        source = os.path.join(directory, "socket.py")
        if not os.path.isfile(source):
            continue
        for suffix in suffixes:
            extension = os.path.join(directory, "_socket" + suffix)
            if os.path.isfile(extension):
                return source, extension
    raise ModulesNotFound(
        "socket.py and a _socket extension for this Python (%s) are not in "
        "%s: install classicsocket, or build it in the source tree with "
        "'%s setup.py build_ext --inplace'"
        % (" or ".join(suffixes), " nor ".join(_search_dirs()),
           sys.executable or "python"))


def _load(name, path):
    """Loads the module file at path as the top-level module `name`,
    replacing whatever sys.modules held under that name."""
    previous = sys.modules.pop(name, None)
    try:
        if _PY3:
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        elif path.endswith(".py"):
            module = imp.load_source(name, path)
        else:
            module = imp.load_dynamic(name, path)
    except BaseException:
        sys.modules.pop(name, None)
        if previous is not None:
            sys.modules[name] = previous
        raise
    return sys.modules[name]


def install():
    """Puts this package's _socket and socket into sys.modules in place of
    the standard library's (also when those were imported already), so that
    later imports of socket, and of modules built on it, get them.  Returns
    the socket module.  Raises ModulesNotFound, or ImportError if they do
    not load."""
    mine = _is_ours(sys.modules.get("socket")) and \
        _is_ours(sys.modules.get("_socket"))
    if mine:
        return sys.modules["socket"]
    source, extension = find_modules()
    previous = sys.modules.get("_socket")
    try:
        _load("_socket", extension)
        return _load("socket", source)
    except ImportError as exc:
        if previous is not None:
            sys.modules["_socket"] = previous
        else:
            sys.modules.pop("_socket", None)
        raise ImportError("cannot load %s and %s: %s"
                          % (extension, source, exc))


def _is_ours(module):
    path = getattr(module, "__file__", None)
    if not path:
        return False
    directory = os.path.dirname(os.path.realpath(path))
    return directory in [os.path.realpath(d) for d in _search_dirs()]


# -- running a program ------------------------------------------------------

def _fail(message, status=2):
    sys.stderr.write("classicsocket: %s\n" % (message,))
    sys.stderr.flush()
    raise SystemExit(status)


def _fresh_main(**names):
    """Empties the __main__ module (the one `python -m` runs this launcher
    in) and gives it the names a freshly started program's __main__ has."""
    main_globals = sys.modules["__main__"].__dict__
    # The interpreter gives __main__ an empty __annotations__ on the 3.x
    # versions that have module annotations dicts.
    annotations = "__annotations__" in main_globals
    main_globals.clear()
    if annotations:
        main_globals["__annotations__"] = {}
    main_globals.update(__name__="__main__", __doc__=None, __package__=None,
                        __builtins__=_builtins)
    if _PY3:
        main_globals.update(__spec__=None)
    main_globals.update(names)
    return main_globals


def _set_path0(entry):
    """sys.path[0] as the interpreter sets it for a script or -c: the
    launcher's own entry (the current directory) is replaced, unless
    isolated or safe-path mode leaves it out."""
    flags = sys.flags
    if getattr(flags, "safe_path", False) or getattr(flags, "isolated", False):
        return
    if sys.path:
        sys.path[0] = entry
    else:
        sys.path.insert(0, entry)


def _report_uncaught(exc_type, exc_value, tb):
    """What the interpreter does with an exception that ends a program:
    sys.excepthook, then exit status 1.  The launcher's own frames are left
    out of the traceback."""
    while tb is not None and tb.tb_frame.f_globals is globals():
        tb = tb.tb_next
    if _PY3:
        exc_value = exc_value.with_traceback(tb)
    try:
        sys.excepthook(exc_type, exc_value, tb)
    finally:
        exc_type = exc_value = tb = None
    raise SystemExit(1)


def _run_code(code, main_globals):
    try:
        exec(code, main_globals)
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException:
        _report_uncaught(*sys.exc_info())


def _run_callable(function, *args, **kwargs):
    try:
        function(*args, **kwargs)
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException:
        _report_uncaught(*sys.exc_info())


def _run_script(path, args):
    if os.path.isdir(path) or (not path.endswith(".py") and _is_zip(path)):
        # A directory or zip file with a __main__.py, run as the
        # interpreter runs it.
        sys.argv = [path] + args
        _run_callable(runpy.run_path, path, run_name="__main__")
        return
    try:
        with open(path, "rb") as stream:
            source = stream.read()
    except (IOError, OSError) as exc:
        _fail("can't open file %r: [Errno %s] %s"
              % (path, exc.errno, exc.strerror))
    filename = path
    if sys.version_info >= (3, 9):
        filename = os.path.abspath(path)
    names = {"__file__": filename}
    if _PY3:
        names.update(__cached__=None,
                     __loader__=importlib.machinery.SourceFileLoader(
                         "__main__", filename))
    sys.argv = [path] + args
    _set_path0(os.path.dirname(os.path.realpath(path)))
    main_globals = _fresh_main(**names)
    try:
        code = compile(source, filename, "exec", 0, True)
    except BaseException:
        _report_uncaught(*sys.exc_info())
    _run_code(code, main_globals)


def _is_zip(path):
    import zipimport
    try:
        zipimport.zipimporter(path)
    except (zipimport.ZipImportError, IOError, OSError):
        return False
    return True


def _run_command(command, args):
    sys.argv = ["-c"] + args
    _set_path0("")
    names = {}
    if _PY3:
        names["__loader__"] = importlib.machinery.BuiltinImporter
    main_globals = _fresh_main(**names)
    try:
        code = compile(command + "\n", "<string>", "exec", 0, True)
    except BaseException:
        _report_uncaught(*sys.exc_info())
    _run_code(code, main_globals)


def _run_module(name, args):
    sys.argv = ["-m"] + args
    run_as_main = getattr(runpy, "_run_module_as_main", None)
    if run_as_main is None:
        _run_callable(runpy.run_module, name, run_name="__main__",
                      alter_sys=True)
        return
    # What `python -m name` itself calls: the module runs in __main__.
    _fresh_main()
    _run_callable(run_as_main, name, True)


def main(argv=None):
    """The launcher: `python -m classicsocket` with argv (default
    sys.argv[1:]).  Never returns: it ends in SystemExit with the program's
    exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        sys.stderr.write(USAGE)
        raise SystemExit(2)
    if args[0] in ("-h", "--help"):
        sys.stdout.write(USAGE)
        raise SystemExit(0)
    if args[0] in ("-c", "-m"):
        if len(args) < 2:
            sys.stderr.write("Argument expected for the %s option\n%s"
                             % (args[0], USAGE))
            raise SystemExit(2)
    elif args[0].startswith("-") and args[0] != "-":
        sys.stderr.write("Unknown option: %s\n%s" % (args[0], USAGE))
        raise SystemExit(2)
    try:
        install()
    except ImportError as exc:
        _fail(str(exc))
    if args[0] == "-c":
        _run_command(args[1], args[2:])
    elif args[0] == "-m":
        _run_module(args[1], args[2:])
    elif args[0] == "-":
        _run_stdin(args[1:])
    else:
        _run_script(args[0], args[1:])
    raise SystemExit(0)


def _run_stdin(args):
    sys.argv = ["-"] + args
    _set_path0("")
    main_globals = _fresh_main()
    source = sys.stdin.read()
    try:
        code = compile(source, "<stdin>", "exec", 0, True)
    except BaseException:
        _report_uncaught(*sys.exc_info())
    _run_code(code, main_globals)
