"""Build for classicsocket: the _socket, mactcp and macdnr extensions and the
Python layer, from one source for CPython 2.7 and 3.8-3.13.

    python setup.py build_ext --inplace   # extensions into Lib/ (source tree)
    pip install .                         # mactcp, macdnr, MACTCPconst,
                                          # classicsocket

Installed, `socket.py` and `_socket` live inside the classicsocket package so
that they never shadow the standard library's; `python -m classicsocket
script.py` puts them in place.  In the source tree they sit at the top of
Lib/, so `PYTHONPATH=Lib` makes them the ones `import socket` finds.
"""
import glob
import os
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "classicsocket"


# One folder per extension (as CPython's Modules/_io/): every C file of the
# folder goes into that extension, with Modules/common/ shared by all.
COMMON = os.path.join("Modules", "common")


def folder(name):
    return sorted(glob.glob(os.path.join("Modules", name, "*.c")))


def headers(*names):
    return sorted(h for name in names
                  for h in glob.glob(os.path.join("Modules", name, "*.h")))


# Extra flags appended to the interpreter's own (CI: -Wall -Wextra -Werror;
# the sanitizer run: -fsanitize=...).  Not CFLAGS: recent setuptools lets
# CFLAGS replace the interpreter's flags, dropping -O3 and -DNDEBUG.
EXTRA_CFLAGS = os.environ.get("CLASSICSOCKET_CFLAGS", "").split()
EXTRA_LDFLAGS = os.environ.get("CLASSICSOCKET_LDFLAGS", "").split()


def extension(name):
    """The extension `name`, built from Modules/<name>/ and Modules/common/."""
    here = os.path.join("Modules", name)
    return Extension(name, folder(name) + folder("common"),
                     include_dirs=[here, COMMON],
                     depends=headers(name, "common"),
                     extra_compile_args=EXTRA_CFLAGS,
                     extra_link_args=EXTRA_LDFLAGS)


# socket.ssl() (Modules/_socket/sslobject.c) is linked against OpenSSL's
# libssl, found with pkg-config: our own link, not the interpreter's _ssl.
OPENSSL_MIN = "1.1.1"
OPENSSL_MISSING = (
    "classicsocket: building _socket needs OpenSSL's libssl >= %s with its "
    "headers, found with pkg-config (%s).  On Debian or Ubuntu: "
    "apt-get install libssl-dev pkg-config")


def pkg_config(*args):
    """pkg-config's output for args, split; raises SystemExit with the
    set-up hint when pkg-config or OpenSSL's .pc file is missing."""
    try:
        out = subprocess.check_output(("pkg-config",) + args,
                                      stderr=subprocess.STDOUT)
    except OSError:
        raise SystemExit(OPENSSL_MISSING % (OPENSSL_MIN, "no pkg-config"))
    except subprocess.CalledProcessError as exc:
        detail = exc.output.decode("utf-8", "replace").strip()
        raise SystemExit(OPENSSL_MISSING % (OPENSSL_MIN, detail or
                                            "pkg-config " + " ".join(args)))
    return out.decode("utf-8").split()


def add_openssl(ext):
    """Adds libssl's compile and link flags to ext (new lists: the
    extensions share EXTRA_CFLAGS and EXTRA_LDFLAGS)."""
    pkg_config("--atleast-version=" + OPENSSL_MIN, "--print-errors",
               "openssl")
    cflags = pkg_config("--cflags", "openssl")
    libs = pkg_config("--libs", "openssl")
    ext.include_dirs = ext.include_dirs + [f[2:] for f in cflags
                                           if f.startswith("-I")]
    ext.extra_compile_args = ext.extra_compile_args + [
        f for f in cflags if not f.startswith("-I")]
    ext.library_dirs = ext.library_dirs + [f[2:] for f in libs
                                           if f.startswith("-L")]
    ext.libraries = ext.libraries + [f[2:] for f in libs
                                     if f.startswith("-l")]
    ext.extra_link_args = ext.extra_link_args + [
        f for f in libs if not f.startswith(("-L", "-l"))]


class BuildExt(build_ext):
    """_socket goes into the classicsocket package when installed, and into
    Lib/ beside socket.py when built in place."""

    def run(self):
        # setuptools builds in place by building into build_lib and copying;
        # remember which layout was asked for before it flips `inplace`.
        self.package_layout = not self.inplace
        for ext in self.extensions:
            if ext.name == "_socket":
                add_openssl(ext)
        if self.inplace and sys.version_info[0] == 2:
            self.remove_untagged()
        build_ext.run(self)

    def get_ext_filename(self, ext_name):
        # Python 2.7 names extensions <name>.so, which every Python 3 also
        # loads (and fails on: "dynamic module does not define module export
        # function") when Lib/ is on its path.  2.7 also looks for
        # <name>module.so, a name Python 3 never tries.
        if sys.version_info[0] == 2:
            return os.path.join(*ext_name.split(".")) + "module.so"
        return build_ext.get_ext_filename(self, ext_name)

    def remove_untagged(self):
        # An untagged <name>.so left in Lib/ by an older 2.7 build would be
        # found by 2.7 before the fresh <name>module.so, and by Python 3.
        for ext in self.extensions:
            stale = os.path.join(HERE, "Lib", ext.name + ".so")
            if os.path.exists(stale):
                self.announce("removing stale %s" % stale, 2)
                if not self.dry_run:
                    os.remove(stale)

    def copy_file(self, src, dst, *args, **kwargs):
        # In-place builds replace the module file by renaming a fresh copy
        # over it: writing into it would corrupt a process that has it loaded.
        if not self.inplace or self.dry_run:
            return build_ext.copy_file(self, src, dst, *args, **kwargs)
        if os.path.isdir(dst):
            dst = os.path.join(dst, os.path.basename(src))
        tmp = dst + ".tmp%d" % os.getpid()
        result = build_ext.copy_file(self, src, tmp, *args, **kwargs)
        os.rename(tmp, dst)
        return (dst, result[1])

    def get_ext_fullpath(self, ext_name):
        path = build_ext.get_ext_fullpath(self, ext_name)
        if ext_name == "_socket" and getattr(self, "package_layout", False):
            path = os.path.join(os.path.dirname(path), PACKAGE,
                                os.path.basename(path))
        return path


class BuildPy(build_py):
    """Installs Lib/socket.py as classicsocket/socket.py, and on Python 3
    its Python 3 layer Lib/_socket3.py beside it (2.7 cannot compile it)."""

    def run(self):
        build_py.run(self)
        names = ["socket.py"]
        if sys.version_info[0] >= 3:
            names.append("_socket3.py")
        for name in names:
            target = os.path.join(self.build_lib, PACKAGE, name)
            self.mkpath(os.path.dirname(target))
            self.copy_file(os.path.join("Lib", name), target)


def read(name):
    with open(os.path.join(HERE, name)) as f:
        return f.read()


setup(
    name="classicsocket",
    version="0.1.0",
    description="CPython 2.x's socket module and MacPython's mactcp and "
                "macdnr, in C, "
                "for CPython 2.7 and 3.8-3.13",
    long_description=read("README.md"),
    long_description_content_type="text/markdown",
    license="MIT",
    package_dir={"": "Lib"},
    packages=[PACKAGE],
    py_modules=["MACTCPconst"],
    ext_modules=[
        extension("_socket"),
        extension("mactcp"),
        extension("macdnr"),
    ],
    cmdclass={"build_ext": BuildExt, "build_py": BuildPy},
    python_requires=">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*, "
                    "!=3.5.*, !=3.6.*, !=3.7.*",
    classifiers=[
        "License :: OSI Approved :: MIT License",
        "Programming Language :: C",
        "Programming Language :: Python :: 2.7",
        "Programming Language :: Python :: 3",
        "Operating System :: POSIX :: Linux",
    ],
)
