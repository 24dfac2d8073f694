"""The shape of Modules/: which C file calls which, checked.

    python Tools/depcheck.py            # report; exit 1 on any violation
    python Tools/depcheck.py --graph    # also print every file's dependencies

Each extension is built from its folder plus Modules/common/ (setup.py).
This compiles every C file of each extension on its own (the running
interpreter's headers, no optimisation) and reads its symbols with nm, so the
calls it sees are the linker's, not a guess from the text.  It fails on:

- a call cycle: file A uses a symbol defined in B and B one defined in A,
  directly or round a ring (a lower layer reaches up only through a function
  pointer it was given);
- an include cycle between the headers of a folder;
- a global symbol of a file that does not start with that file's prefix
  (<tag><stem>_, tag "mt" in mactcp/, "dnr" in macdnr/, none elsewhere; module files export
  only their init function);
- a global symbol that no other file uses: it should be static.
"""
from __future__ import print_function

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = os.path.join(ROOT, "Modules")
COMMON = "common"
# Folder -> prefix tag of its files' global names.
TAGS = {"mactcp": "mt", "macdnr": "dnr"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def python_include():
    try:
        import sysconfig
        return sysconfig.get_paths()["include"]
    except ImportError:                      # pragma: no cover (2.6)
        from distutils import sysconfig as ds
        return ds.get_python_inc()


def extensions():
    """Folder names of Modules/ that build an extension (all but common)."""
    return sorted(d for d in os.listdir(MODULES)
                  if os.path.isdir(os.path.join(MODULES, d)) and d != COMMON)


def c_files(folder):
    path = os.path.join(MODULES, folder)
    return sorted(os.path.join(folder, n) for n in os.listdir(path)
                  if n.endswith(".c"))


def compile_object(rel, ext, outdir):
    """Compiles Modules/<rel> as setup.py would; returns the object path."""
    obj = os.path.join(outdir, rel.replace(os.sep, "__") + ".o")
    cmd = [os.environ.get("CC", "cc"), "-c", "-O0", "-fPIC", "-w",
           "-I", os.path.join(MODULES, ext), "-I", os.path.join(MODULES, COMMON),
           "-I", python_include(), os.path.join(MODULES, rel), "-o", obj]
    subprocess.check_call(cmd)
    return obj


def symbols(obj):
    """(defined global names, undefined names) of one object file."""
    out = subprocess.check_output(["nm", obj]).decode()
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRCGSV":
            defined.add(parts[2])
    return defined, undefined


def prefix_of(rel):
    folder, name = os.path.split(rel)
    stem = os.path.splitext(name)[0]
    return TAGS.get(folder, "") + stem + "_"


def strongly_connected(graph):
    """Tarjan's algorithm: the components of more than one node."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def include_graph(folder):
    """Header -> headers of its folder or common/ it includes."""
    graph = {}
    for d in (folder, COMMON):
        path = os.path.join(MODULES, d)
        for name in os.listdir(path):
            if not name.endswith((".c", ".h")):
                continue
            with open(os.path.join(path, name)) as f:
                text = f.read()
            deps = set()
            for inc in INCLUDE.findall(text):
                for cand in (d, folder, COMMON):
                    if os.path.exists(os.path.join(MODULES, cand, inc)):
                        deps.add(os.path.join(cand, inc))
                        break
            graph[os.path.join(d, name)] = deps
    return graph


def check_extension(ext, outdir, show_graph, common_used):
    """The problems of one extension; adds to `common_used` the names of
    common/ that it uses (common/ is judged over every extension)."""
    problems = []
    files = c_files(ext) + c_files(COMMON)
    defs, uses = {}, {}
    for rel in files:
        defs[rel], uses[rel] = symbols(compile_object(rel, ext, outdir))
    owner = {}
    for rel in files:
        for name in defs[rel]:
            owner[name] = rel
    graph = dict((rel, set()) for rel in files)
    used_elsewhere = set()
    for rel in files:
        for name in uses[rel]:
            other = owner.get(name)
            if other and other != rel:
                graph[rel].add(other)
                used_elsewhere.add(name)

    for component in strongly_connected(graph):
        problems.append("call cycle: " + " <-> ".join(component))
    for component in strongly_connected(include_graph(ext)):
        problems.append("include cycle: " + " <-> ".join(component))
    for rel in files:
        stem = os.path.splitext(os.path.basename(rel))[0]
        for name in sorted(defs[rel]):
            if stem.endswith("module"):
                if not name.startswith(("PyInit_", "init")):
                    problems.append("%s: %s: a module file exports only its "
                                    "init function" % (rel, name))
                continue
            if not name.startswith(prefix_of(rel)):
                problems.append("%s: %s does not start with %s"
                                % (rel, name, prefix_of(rel)))
            if rel.startswith(COMMON + os.sep):
                if name in used_elsewhere:
                    common_used.add(name)
            elif name not in used_elsewhere:
                problems.append("%s: %s is used in no other file: make it "
                                "static" % (rel, name))
    if show_graph:
        print("== %s" % ext)
        for rel in files:
            print("  %-28s -> %s" % (rel, ", ".join(sorted(graph[rel])) or "-"))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--graph", action="store_true",
                        help="print every file's dependencies")
    args = parser.parse_args()
    outdir = tempfile.mkdtemp(prefix="depcheck-")
    try:
        problems = []
        common_used = set()
        for ext in extensions():
            problems += check_extension(ext, outdir, args.graph, common_used)
        for rel in c_files(COMMON):
            obj = compile_object(rel, COMMON, outdir)
            for name in sorted(symbols(obj)[0] - common_used):
                problems.append("%s: %s is used by no extension file: make "
                                "it static" % (rel, name))
    finally:
        shutil.rmtree(outdir)
    # common/ is checked with every extension: report each finding once.
    problems = sorted(set(problems))
    for p in problems:
        print(p)
    print("depcheck: %d problem(s) in %s" % (len(problems),
                                              ", ".join(extensions())))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
