#!/usr/bin/env python3
"""Prove keybound's compile-only stubs match the real platform.

Compares every class, constructor, method (name, parameter types, return
type, static) and superclass of the android.* stubs with the API 36
signatures in the PyPI package chaquopy-stubs-android (.pyi files generated
from the real android.jar), the io.flutter.* stubs with
tools/android/flutter-embedding.sigs (taken from the Flutter sources), and
every constant the code uses with docs/android-facts.md (or the source-cited rows
of tools/android/constants.tsv). Also checks that each stub class is used by
android/src/main (or is the supertype or enclosing class of one that is).

Usage: check_stubs.py --stubs STUBS.jar --main MAIN_CLASSES_DIR
       [--pyi DIR] [--facts docs/android-facts.md] [--stub-src DIR] [--main-src DIR]
Exit status 0 when everything matches; every mismatch is printed.
"""
from __future__ import annotations

import argparse
import ast
import os
import re
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

PRIMS = {
    "java.jint": "int", "java.jlong": "long", "java.jshort": "short", "java.jbyte": "byte",
    "java.jchar": "char", "java.jfloat": "float", "java.jdouble": "double", "java.jboolean": "boolean",
}
# e.g. java.chaquopy.JavaArrayJByte -> byte[]
ARRAY_PRIMS = {"java.chaquopy.JavaArray" + k.split(".")[1][0].upper() + k.split(".")[1][1:].capitalize(): v
               for k, v in PRIMS.items()}
PY_BUILTINS = {
    "int": {"int", "long", "short", "byte", "char"},
    "float": {"float", "double"},
    "bool": {"boolean"},
    "str": {"java.lang.String"},
    "bytes": {"byte[]"},
}
ABSOLUTE_ROOTS = {"java", "javax", "android", "dalvik", "org", "com", "kotlin", "typing", "builtins"}


def find_pyi_root(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    candidates = [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *sys.path]
    try:
        import site
        candidates += site.getsitepackages() + [site.getusersitepackages()]
    except Exception:  # noqa: BLE001 - site may be trimmed in some interpreters
        pass
    for c in candidates:
        p = Path(c) / "android-stubs"
        if (p / "__init__.pyi").exists():
            return p
    sys.exit("chaquopy-stubs-android is not installed: run `bash .ci/install.d/android.sh`")


# --------------------------------------------------------------------------- pyi model

@dataclass
class PyMethod:
    static: bool
    params: list  # list[set[str]]
    ret: set


@dataclass
class PyClass:
    name: str
    bases: list
    methods: dict = field(default_factory=dict)  # name -> list[PyMethod]
    ctors: list = field(default_factory=list)
    fields: dict = field(default_factory=dict)  # name -> set[str]


class Platform:
    """The API 36 classes, read lazily from chaquopy's .pyi files."""

    def __init__(self, root: Path):
        self.root = root
        self.modules: dict[str, dict[str, PyClass]] = {}
        self.typevars: dict[str, dict[str, str]] = {}

    def _module(self, package: str) -> dict[str, PyClass] | None:
        if package in self.modules:
            return self.modules[package]
        parts = package.split(".")
        if parts[0] != "android":
            self.modules[package] = None
            return None
        path = self.root.joinpath(*parts[1:], "__init__.pyi")
        if not path.exists():
            self.modules[package] = None
            return None
        tree = ast.parse(path.read_text(encoding="utf-8"))
        classes: dict[str, PyClass] = {}
        self.typevars[package] = {}
        self._walk(tree.body, package, [], classes)
        self.modules[package] = classes
        return classes

    def _walk(self, body, package, outer, classes):
        for node in body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                fn = ast.unparse(node.value.func)
                if fn == "typing.TypeVar" and isinstance(node.targets[0], ast.Name):
                    bound = "java.lang.Object"
                    for kw in node.value.keywords:
                        if kw.arg == "bound":
                            types = self.types(kw.value, package)
                            bound = sorted(types)[0] if len(types) == 1 else bound
                    self.typevars[package][node.targets[0].id] = bound
            if not isinstance(node, ast.ClassDef):
                continue
            path = outer + [node.name]
            name = package + "." + ".".join(path)
            cls = PyClass(name, [])
            classes[".".join(path)] = cls
            # Nested TypeVars first, so annotations below resolve.
            self._walk([n for n in node.body if isinstance(n, ast.Assign)], package, path, classes)
            cls.bases = [self.resolve(ast.unparse(b), package) for b in node.bases]
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    self._method(cls, item, package)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    cls.fields[item.target.id] = self.types(item.annotation, package)
            self._walk([n for n in node.body if isinstance(n, ast.ClassDef)], package, path, classes)

    def _method(self, cls: PyClass, fn: ast.FunctionDef, package: str):
        decorators = {ast.unparse(d) for d in fn.decorator_list}
        static = "staticmethod" in decorators
        args = list(fn.args.posonlyargs) + list(fn.args.args)
        if not static and args and args[0].arg == "self":
            args = args[1:]
        params = [self.types(a.annotation, package) for a in args]
        if fn.args.vararg is not None:
            params.append({t + "[]" for t in self.types(fn.args.vararg.annotation, package)})
        ret = self.types(fn.returns, package) if fn.returns is not None else {"void"}
        m = PyMethod(static, params, ret)
        if fn.name == "__init__":
            cls.ctors.append(m)
        else:
            cls.methods.setdefault(fn.name, []).append(m)

    def resolve(self, dotted: str, package: str) -> str:
        dotted = re.sub(r"\[.*\]$", "", dotted)
        if dotted.split(".")[0] in ABSOLUTE_ROOTS:
            return dotted
        return package + "." + dotted

    def types(self, node, package: str) -> set:
        """The Java types (erased, canonical) an annotation stands for."""
        if node is None:
            return {"?"}
        if isinstance(node, ast.Constant) and node.value is None:
            return {"void"}
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            parts = []
            stack = [node]
            while stack:
                n = stack.pop()
                if isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitOr):
                    stack += [n.right, n.left]
                else:
                    parts.append(n)
            parts = [p for p in parts if not (isinstance(p, ast.Constant) and p.value is None)]
            dotted = [ast.unparse(p) for p in parts]
            for d in dotted:
                if d in PRIMS:
                    return {PRIMS[d]}
            java = [p for p, d in zip(parts, dotted) if d not in PY_BUILTINS]
            if java:
                return self.types(java[0], package)
            out = set()
            for p in parts:
                out |= self.types(p, package)
            return out
        if isinstance(node, ast.Subscript):
            head = ast.unparse(node.value)
            if head == "typing.ClassVar":
                return self.types(node.slice, package)
            if head == "typing.Type":
                return {"java.lang.Class"}
            if head == "java.chaquopy.JavaArray":
                return {t + "[]" for t in self.types(node.slice, package)}
            return {self.resolve(head, package)}
        dotted = ast.unparse(node)
        if dotted in PRIMS:
            return {PRIMS[dotted]}
        if dotted in ARRAY_PRIMS:
            return {ARRAY_PRIMS[dotted] + "[]"}
        if dotted in PY_BUILTINS:
            return set(PY_BUILTINS[dotted])
        if dotted in self.typevars.get(package, {}):
            return {self.typevars[package][dotted]}
        if dotted.startswith("_") and "__" in dotted:
            return {"java.lang.Object"}  # an unbound type variable declared elsewhere
        return {self.resolve(dotted, package)}

    def find(self, name: str) -> PyClass | None:
        parts = name.split(".")
        for i in range(len(parts) - 1, 0, -1):
            module = self._module(".".join(parts[:i]))
            if module is not None:
                cls = module.get(".".join(parts[i:]))
                if cls is not None:
                    return cls
        return None

    def ancestry(self, name: str):
        """The class and its pyi ancestors, nearest first."""
        seen, queue = set(), [name]
        while queue:
            n = queue.pop(0)
            if n in seen:
                continue
            seen.add(n)
            cls = self.find(n)
            if cls is None:
                continue
            yield cls
            queue += cls.bases


# --------------------------------------------------------------------------- stub model

@dataclass
class StubClass:
    name: str
    kind: str
    superclass: str | None
    interfaces: list
    origin: str
    methods: list = field(default_factory=list)  # (static, name, ret, params)
    ctors: list = field(default_factory=list)  # params
    fields: list = field(default_factory=list)  # (static, name, type)


_DUMPER: list = []
_PLATFORMS: dict = {}  # parsed .pyi files, reused across runs in one process (the checker's tests)


def dumper_classes() -> str:
    """StubDump compiled once per process (the source launcher would compile it on every run)."""
    if not _DUMPER:
        import atexit
        import tempfile
        out = tempfile.mkdtemp(prefix="kb-stubdump-")
        atexit.register(lambda: __import__("shutil").rmtree(out, ignore_errors=True))
        subprocess.run(["javac", "--release", "11", "-nowarn", "-d", out, str(HERE / "StubDump.java")],
                       check=True, capture_output=True, text=True)
        _DUMPER.append(out)
    return _DUMPER[0]


def dump(stubs_jar: Path, main_dir: Path):
    out = subprocess.run(
        ["java", "-cp", dumper_classes(), "StubDump", str(stubs_jar), str(main_dir)],
        check=True, capture_output=True, text=True,
    ).stdout
    classes: dict[str, StubClass] = {}
    main_fields: dict[str, str] = {}
    mirrors: list = []
    for line in out.splitlines():
        cols = line.split("\t")
        split = (lambda s: [p for p in s.split(",") if p])
        if cols[0] == "class":
            classes[cols[1]] = StubClass(cols[1], cols[2], None if cols[3] == "-" else cols[3],
                                         [] if cols[4] == "-" else cols[4].split(","), cols[5])
        elif cols[0] == "method":
            classes[cols[1]].methods.append((cols[2] == "1", cols[3], cols[4], split(cols[5])))
        elif cols[0] == "ctor":
            classes[cols[1]].ctors.append(split(cols[2]))
        elif cols[0] == "field":
            if classes[cols[1]].origin == "stub":
                classes[cols[1]].fields.append((cols[2] == "1", cols[3], cols[4]))
            else:
                main_fields[cols[1] + "." + cols[3]] = cols[5]
        elif cols[0] == "mirror":
            mirrors.append((cols[1] + "." + cols[2], cols[3], cols[4]))
    return classes, main_fields, mirrors


def stub_constants(stubs_jar: Path, classes) -> dict[str, str]:
    """Compile-time constant values of the stubs (javap -constants)."""
    names = [c.name for c in classes.values() if c.origin == "stub" and c.fields]
    binary = []
    for n in names:
        # canonical -> binary name: the first capitalised part starts the class.
        parts = n.split(".")
        i = next(k for k, p in enumerate(parts) if p[:1].isupper())
        binary.append(".".join(parts[:i + 1]) + "".join("$" + p for p in parts[i + 1:]))
    values = {}
    if not binary:
        return values
    out = subprocess.run(["javap", "-public", "-constants", "-cp", str(stubs_jar), *binary],
                         check=True, capture_output=True, text=True).stdout
    current = None
    for line in out.splitlines():
        m = re.match(r"^(?:public |protected )?(?:static |final |abstract )*(?:class|interface) ([\w.$]+)", line)
        if m:
            current = m.group(1).replace("$", ".")
            continue
        m = re.match(r"^\s+public static final [\w.]+ (\w+) = (.*);$", line)
        if m and current:
            values[current + "." + m.group(1)] = m.group(2)
    return values


# --------------------------------------------------------------------------- constants

def find_facts() -> Path:
    """The project's own docs/android-facts.md ($ANDROID_FACTS overrides it)."""
    if os.environ.get("ANDROID_FACTS"):
        return Path(os.environ["ANDROID_FACTS"])
    return ROOT / "docs/android-facts.md"


def read_facts_sections(facts: Path) -> dict[str, str]:
    sections, heading, buf = {}, None, []
    for line in facts.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            if heading is not None:
                sections[heading] = " ".join(buf)
            heading, buf = line[3:].strip(), []
        else:
            buf.append(line.strip())
    if heading is not None:
        sections[heading] = " ".join(buf)
    return sections


def read_constants_table(path: Path, facts: Path | None, errors: list) -> dict[str, tuple]:
    """CONSTANT -> (value, where, optional)."""
    sections = read_facts_sections(facts) if facts and facts.exists() else None
    table = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 3:
            errors.append(f"{path.name}:{n}: expected 3 tab-separated columns")
            continue
        name, source, match = cols
        optional = name.startswith("?")
        name = name.lstrip("?")
        if source.startswith("facts:"):
            if sections is None:
                errors.append(f"docs/android-facts.md not found ({facts}): cannot check {name}")
                continue
            heading = source[len("facts:"):]
            text = next((t for h, t in sections.items() if h.startswith(heading)), None)
            if text is None:
                errors.append(f"{path.name}:{n}: no section '## {heading}' in docs/android-facts.md")
                continue
            found = set(re.findall(match, " " + text))
            if len(found) != 1:
                errors.append(f"{path.name}:{n}: /{match}/ gives {sorted(found) or 'nothing'} in "
                              f"docs/android-facts.md '{heading}' (need exactly one value)")
                continue
            table[name] = (found.pop(), f"docs/android-facts.md ({heading})", optional)
        elif source.startswith("ref:"):
            table[name] = (match, source[len("ref:"):], optional)
        else:
            errors.append(f"{path.name}:{n}: unknown source {source!r}")
    return table


def same_value(java_repr: str, expected: str) -> bool:
    if expected.startswith('"'):
        return java_repr == expected
    try:
        return int(java_repr.rstrip("L")) == int(expected, 0)
    except ValueError:
        return False


# --------------------------------------------------------------------------- flutter reference

def read_flutter_sigs(path: Path):
    types = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            words = line.split()
            kind, name = words[0], words[1]
            sup = words[words.index("extends") + 1] if "extends" in words else None
            current = {"kind": kind, "super": sup, "complete": "complete" in words, "methods": set(),
                       "ctors": set(), "fields": set()}
            types[name] = current
            continue
        if current is None:
            raise SystemExit(f"{path.name}: a member before any type: {line!r}")
        c = re.match(r"^\s+new\((.*)\)$", line)
        if c:
            current["ctors"].add(tuple(p.strip() for p in c.group(1).split(",") if p.strip()))
            continue
        f = re.match(r"^\s+field (static )?(\S+) (\w+)$", line)
        if f:
            current["fields"].add((bool(f.group(1)), f.group(3), f.group(2)))
            continue
        m = re.match(r"^\s+(static )?(\S+) (\w+)\((.*)\)$", line)
        if not m or current is None:
            raise SystemExit(f"{path.name}: cannot read {line!r}")
        params = tuple(p.strip() for p in m.group(4).split(",") if p.strip())
        current["methods"].add((bool(m.group(1)), m.group(3), m.group(2), params))
    return types


# --------------------------------------------------------------------------- checks

def fmt(static, name, ret, params):
    return f"{'static ' if static else ''}{ret} {name}({', '.join(params)})"


def check_android_class(stub: StubClass, platform: Platform, errors: list):
    real = platform.find(stub.name)
    if real is None:
        errors.append(f"{stub.name}: no such class in API 36")
        return
    bases = set(real.bases)
    if stub.superclass and stub.superclass != "java.lang.Object" and stub.superclass not in bases:
        errors.append(f"{stub.name}: stub extends {stub.superclass}; the real class's supertypes are "
                      f"{sorted(bases)}")
    if stub.kind == "class" and (stub.superclass in (None, "java.lang.Object")):
        others = bases - {"java.lang.Object"} - set(stub.interfaces)
        if others:
            errors.append(f"{stub.name}: stub extends java.lang.Object but the real class also has "
                          f"supertypes {sorted(others)} (declare the superclass, or the interface)")
    for iface in stub.interfaces:
        if iface not in bases:
            errors.append(f"{stub.name}: stub implements {iface}, the real class does not "
                          f"(its supertypes are {sorted(bases)})")
    ancestry = list(platform.ancestry(stub.name))
    for static, name, ret, params in stub.methods:
        overloads = [m for cls in ancestry for m in cls.methods.get(name, [])]
        if not overloads:
            errors.append(f"{stub.name}: no method {name} in API 36 (stub: {fmt(static, name, ret, params)})")
            continue
        if not any(m.static == static and len(m.params) == len(params)
                   and all(p in mp for p, mp in zip(params, m.params)) and ret in m.ret
                   for m in overloads):
            real_sigs = "; ".join(fmt(m.static, name, "|".join(sorted(m.ret)),
                                      ["|".join(sorted(p)) for p in m.params]) for m in overloads)
            errors.append(f"{stub.name}: {fmt(static, name, ret, params)} does not match API 36: {real_sigs}")
    for params in stub.ctors:
        if not any(len(m.params) == len(params) and all(p in mp for p, mp in zip(params, m.params))
                   for m in real.ctors):
            real_sigs = "; ".join("(" + ", ".join("|".join(sorted(p)) for p in m.params) + ")"
                                  for m in real.ctors) or "none public"
            errors.append(f"{stub.name}: constructor ({', '.join(params)}) does not match API 36: {real_sigs}")
    for static, name, typ in stub.fields:
        found = next((cls.fields[name] for cls in ancestry if name in cls.fields), None)
        if found is None:
            errors.append(f"{stub.name}: no field {name} in API 36")
        elif typ not in found:
            errors.append(f"{stub.name}.{name}: stub type {typ}, API 36 {sorted(found)}")


def check_flutter_class(stub: StubClass, sigs: dict, errors: list):
    ref = sigs.get(stub.name)
    if ref is None:
        errors.append(f"{stub.name}: not in flutter-embedding.sigs (add its real signatures, with the source)")
        return
    if ref["kind"] != stub.kind:
        errors.append(f"{stub.name}: stub is a {stub.kind}, the embedding's is a {ref['kind']}")
    if stub.kind == "class" and (ref["super"] or "java.lang.Object") != (stub.superclass or "java.lang.Object"):
        errors.append(f"{stub.name}: stub extends {stub.superclass}, the embedding's extends {ref['super']}")
    declared = {(s, n, r, tuple(p)) for s, n, r, p in stub.methods}
    for sig in sorted(declared - ref["methods"]):
        errors.append(f"{stub.name}: {fmt(*sig)} is not in the embedding "
                      f"(real: {'; '.join(fmt(*m) for m in sorted(ref['methods'])) or 'nothing'})")
    if ref["complete"]:
        for sig in sorted(ref["methods"] - declared):
            errors.append(f"{stub.name}: stub lacks {fmt(*sig)} (keybound implements this interface)")
    for params in stub.ctors:
        if tuple(params) not in ref["ctors"]:
            real = "; ".join("new(" + ", ".join(c) + ")" for c in sorted(ref["ctors"])) or "none listed"
            errors.append(f"{stub.name}: constructor ({', '.join(params)}) is not in the embedding (real: {real})")
    for static, name, typ in stub.fields:
        if (static, name, typ) not in ref["fields"]:
            errors.append(f"{stub.name}.{name}: stub field {'static ' if static else ''}{typ} is not in the "
                          f"embedding (real: {sorted(ref['fields']) or 'none listed'})")


def used_classes(main_dir: Path, stubs_jar: Path, main_src: Path) -> set:
    out = subprocess.run(["jdeps", "-verbose:class", "-cp", str(stubs_jar), str(main_dir)],
                         check=True, capture_output=True, text=True).stdout
    used = set()
    for line in out.splitlines():
        m = re.match(r"^\s+\S+\s+->\s+((?:android|io\.flutter)\.\S+)", line)
        if m:
            used.add(m.group(1).replace("$", "."))
    for src in main_src.rglob("*.java"):
        for ref in re.findall(r"\b((?:android|io\.flutter)(?:\.[a-z]\w*)+(?:\.[A-Z]\w*)+)", src.read_text()):
            used.add(ref)
    return used


def check_usage(classes: dict, used: set, errors: list):
    stubs = {n: c for n, c in classes.items() if c.origin == "stub"}
    needed = set()
    queue = [n for n in used if n in stubs]
    while queue:
        n = queue.pop()
        if n in needed:
            continue
        needed.add(n)
        c = stubs[n]
        related = [c.superclass, *c.interfaces, n.rsplit(".", 1)[0]]
        queue += [r for r in related if r in stubs]
    for n in sorted(set(stubs) - needed):
        errors.append(f"{n}: stub class not used by android/src/main (remove it: stubs cover exactly what is used)")


def check_constants(classes, stub_values, main_fields, mirrors, table, platform, errors):
    checked = 0
    for name, value in sorted(stub_values.items()):
        row = table.get(name)
        if row is None:
            errors.append(f"{name} = {value}: stub constant with no row in constants.tsv")
            continue
        if not same_value(value, row[0]):
            errors.append(f"{name}: stub value {value}, {row[1]} says {row[0]}")
        checked += 1
    for field_name, target, value in mirrors:
        row = table.get(target)
        if row is None:
            errors.append(f"{field_name} @Mirrors {target}: no row in constants.tsv")
            continue
        if not same_value(value, row[0]):
            errors.append(f"{field_name} = {value} copies {target}, but {row[1]} says {row[0]}")
        owner, _, member = target.rpartition(".")
        cls = next(iter(platform.ancestry(owner)), None)
        if cls is None or not any(member in c.fields for c in platform.ancestry(owner)):
            errors.append(f"{field_name} @Mirrors {target}: no such field in API 36")
        checked += 1
    for name, (expected, where, optional) in sorted(table.items()):
        if not name.startswith("dev.keybound."):
            continue
        if name not in main_fields:
            if not optional:
                errors.append(f"{name}: listed in constants.tsv but not found in android/src/main")
            continue
        if not same_value(main_fields[name], expected):
            errors.append(f"{name} = {main_fields[name]}, {where} says {expected}")
        checked += 1
    return checked


def main(argv=None) -> int:
    errors, summary = run(argv)
    for e in errors:
        print("MISMATCH: " + e)
    print(summary)
    return 1 if errors else 0


def run(argv=None) -> tuple[list, str]:
    """The check, without printing: (mismatches, summary line)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stubs", required=True, type=Path)
    ap.add_argument("--main", required=True, type=Path)
    ap.add_argument("--pyi", default=os.environ.get("ANDROID_PYI_DIR"))
    ap.add_argument("--facts", type=Path, default=find_facts(),
                    help="the facts page (default: $ANDROID_FACTS, else docs/android-facts.md)")
    ap.add_argument("--main-src", type=Path, default=ROOT / "android" / "src" / "main" / "java")
    ap.add_argument("--flutter-sigs", type=Path, default=HERE / "flutter-embedding.sigs")
    ap.add_argument("--constants", type=Path, default=HERE / "constants.tsv")
    args = ap.parse_args(argv)

    root = find_pyi_root(args.pyi)
    platform = _PLATFORMS.get(root) or _PLATFORMS.setdefault(root, Platform(root))
    classes, main_fields, mirrors = dump(args.stubs, args.main)
    errors: list[str] = []
    sigs = read_flutter_sigs(args.flutter_sigs)
    stubs = [c for c in classes.values() if c.origin == "stub"]
    for stub in stubs:
        if stub.name.startswith("android."):
            check_android_class(stub, platform, errors)
        elif stub.name.startswith("io.flutter."):
            check_flutter_class(stub, sigs, errors)
        else:
            errors.append(f"{stub.name}: stubs may only be android.* or io.flutter.*")
    check_usage(classes, used_classes(args.main, args.stubs, args.main_src), errors)
    table = read_constants_table(args.constants, args.facts, errors)
    n_constants = check_constants(classes, stub_constants(args.stubs, classes), main_fields, mirrors,
                                  table, platform, errors)
    n_members = sum(len(c.methods) + len(c.ctors) + len(c.fields) for c in stubs)
    return errors, (f"check_stubs: {len(stubs)} stub classes, {n_members} members, {n_constants} constants "
                    f"checked; {len(errors)} mismatches")


if __name__ == "__main__":
    sys.exit(main())
