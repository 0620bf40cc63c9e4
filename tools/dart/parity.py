#!/usr/bin/env python3
"""Parity between the generated frb bindings and the public Dart wrapper.

Reads the generated Dart (lib/src/rust/api/*.dart) and the wrapper
(lib/src/*.dart outside lib/src/rust) with tree-sitter, and fails when:
  * an frb API function has no `Biometric` static method calling it, or a
    `Biometric` method names a function that no longer exists;
  * a Rust error code has no `BiometricErrorCode` value (or one is extra),
    or the exhaustive mapping lacks its arm; the same for every other
    generated enum (same name in the wrapper);
  * example/lib/messages.dart lacks a user message for a code;
  * a generated request struct is built somewhere without one of its fields,
    or a generated result struct is converted without reading all fields.
Nothing here compiles Dart: it catches drift after `frb codegen` on a
machine without a Dart SDK. Usage: parity.py [--root DIR]. Ends with
`N passed, N failed`.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dartparse  # noqa: E402
from dartparse import text, walk  # noqa: E402

GENERATED_API = "lib/src/rust/api"
FUNCTIONS_FILE = "lib/src/rust/api/keybound.dart"
WRAPPER_DIR = "lib/src"
WRAPPER_CLASS = "Biometric"
WRAPPER_CLASS_FILE = "lib/src/biometric.dart"
EXAMPLE_MESSAGES = "example/lib/messages.dart"  # maps every code to user text
API_PREFIX = "rust_api"  # import 'rust/api/keybound.dart' as rust_api;
TYPES_PREFIX = "rust"  # import 'rust/api/{types,error}.dart' as rust;
# Generated enum -> its public counterpart (same name unless listed).
ENUM_RENAMES = {"ErrorCode": "BiometricErrorCode"}


@dataclass
class GenClass:
    name: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> type text
    is_error: bool = False


@dataclass
class Generated:
    functions: dict[str, tuple[list[str], str]]  # name -> (param types, return type)
    classes: dict[str, GenClass]
    enums: dict[str, list[str]]


def _named(node, kind):
    return [c for c in node.children if c.type == kind]


def _enum_values(enum_node) -> list[str]:
    body = _named(enum_node, "enum_body")[0]
    return [text(_named(c, "identifier")[0]) for c in body.children if c.type == "enum_constant"]


def _name(node) -> str:
    ident = node.child_by_field_name("name") or _named(node, "identifier")[0]
    return text(ident)


def read_generated(root: Path) -> Generated:
    functions: dict[str, tuple[list[str], str]] = {}
    tree = dartparse.parse((root / FUNCTIONS_FILE).read_bytes())
    for node in tree.root_node.children:
        if node.type != "function_signature":
            continue
        name = _name(node)
        params = [n for n in walk(node) if n.type == "formal_parameter"]
        param_types = [" ".join(text(c) for c in p.children[:-1]) for p in params]
        ret = text(node)[: text(node).find(name)].strip()
        functions[name] = (param_types, ret)

    classes: dict[str, GenClass] = {}
    enums: dict[str, list[str]] = {}
    for path in sorted((root / GENERATED_API).glob("*.dart")):
        tree = dartparse.parse(path.read_bytes())
        for node in tree.root_node.children:
            if node.type == "enum_declaration":
                enums[_name(node)] = _enum_values(node)
            elif node.type == "class_definition":
                gen = GenClass(_name(node), is_error="FrbException" in text(node).split("{", 1)[0])
                body = _named(node, "class_body")[0]
                for decl in body.children:
                    if decl.type != "declaration" or not _named(decl, "final_builtin"):
                        continue
                    idents = [n for n in walk(decl) if n.type == "initialized_identifier"]
                    type_text = " ".join(
                        text(c) for c in decl.children
                        if c.type not in ("final_builtin", "initialized_identifier_list")
                    )
                    for ident in idents:
                        gen.fields[text(_named(ident, "identifier")[0])] = type_text
                classes[gen.name] = gen
    return Generated(functions, classes, enums)


@dataclass
class Wrapper:
    sources: dict[str, str]  # relative path -> text
    trees: dict[str, object]


def read_wrapper(root: Path) -> Wrapper:
    sources, trees = {}, {}
    base = root / WRAPPER_DIR
    for path in sorted(base.rglob("*.dart")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("lib/src/rust/"):
            continue
        data = path.read_bytes()
        sources[rel] = data.decode("utf-8")
        trees[rel] = dartparse.parse(data)
    return Wrapper(sources, trees)


def wrapper_methods(wrapper: Wrapper) -> dict[str, str]:
    """Public static methods of the wrapper class -> their body text."""
    tree = wrapper.trees.get(WRAPPER_CLASS_FILE)
    if tree is None:
        return {}
    methods: dict[str, str] = {}
    for node in tree.root_node.children:
        if node.type != "class_definition" or _name(node) != WRAPPER_CLASS:
            continue
        members = _named(node, "class_body")[0].children
        for i, member in enumerate(members):
            if member.type != "method_signature" or not _named(member, "static"):
                continue
            sig = _named(member, "function_signature")
            if not sig:
                continue
            name = _name(sig[0])
            if name.startswith("_"):
                continue
            body = members[i + 1] if i + 1 < len(members) else None
            methods[name] = text(body) if body is not None and body.type == "function_body" else ""
    return methods


def public_enums(wrapper: Wrapper) -> dict[str, list[str]]:
    found = {}
    for tree in wrapper.trees.values():
        for node in tree.root_node.children:
            if node.type == "enum_declaration" and not _name(node).startswith("_"):
                found[_name(node)] = _enum_values(node)
    return found


def constructor_calls(wrapper: Wrapper, cls: str) -> list[tuple[str, set[str]]]:
    """Each `rust.Cls(...)` call in the wrapper: (file, named argument labels)."""
    calls = []
    for rel, tree in wrapper.trees.items():
        for node in walk(tree.root_node):
            if node.type != "identifier" or text(node) != TYPES_PREFIX:
                continue
            sel = node.next_named_sibling
            args = sel.next_named_sibling if sel is not None else None
            if (sel is None or args is None or sel.type != "selector"
                    or text(sel) != f".{cls}" or args.type != "selector"
                    or not _named(args, "argument_part")):
                continue
            arguments = _named(_named(args, "argument_part")[0], "arguments")[0]
            labels = {
                text(_named(_named(a, "label")[0], "identifier")[0])
                for a in arguments.children if a.type == "named_argument"
            }
            calls.append((rel, labels))
    return calls


def conversions(wrapper: Wrapper, cls: str) -> list[tuple[str, str, set[str]]]:
    """Each wrapper function taking `rust.Cls p`: (file:function, p, fields read as p.x)."""
    found = []
    for rel, tree in wrapper.trees.items():
        children = tree.root_node.children
        for i, node in enumerate(children):
            if node.type != "function_signature":
                continue
            for param in (n for n in walk(node) if n.type == "formal_parameter"):
                parts = [text(c) for c in param.children]
                if parts[:-1] != [TYPES_PREFIX, ".", cls]:
                    continue
                pname = parts[-1]
                body = children[i + 1] if i + 1 < len(children) else None
                body_text = text(body) if body is not None else ""
                read = set(re.findall(rf"\b{re.escape(pname)}\.(\w+)", body_text))
                found.append((f"{rel}:{_name(node)}", pname, read))
    return found


def type_names(type_text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_]\w*", type_text))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    args = ap.parse_args(argv)
    root: Path = args.root

    results: list[tuple[bool, str]] = []

    def check(ok: bool, what: str) -> None:
        results.append((ok, what))
        print(("ok   " if ok else "FAIL ") + what)

    gen = read_generated(root)
    wrapper = read_wrapper(root)
    methods = wrapper_methods(wrapper)
    enums = public_enums(wrapper)
    all_wrapper_text = "\n".join(wrapper.sources.values())

    check(bool(gen.functions), f"generated API functions found in {FUNCTIONS_FILE}: {sorted(gen.functions)}")
    check("ErrorCode" in gen.enums and bool(gen.enums["ErrorCode"]),
          f"generated ErrorCode enum found ({len(gen.enums.get('ErrorCode', []))} codes)")

    # 1. Functions <-> Biometric static methods.
    for name in sorted(gen.functions):
        body = methods.get(name)
        if body is None:
            check(False, f"function {name}: no static {WRAPPER_CLASS}.{name} in {WRAPPER_CLASS_FILE}")
        elif not re.search(rf"\b{API_PREFIX}\.{re.escape(name)}\s*\(", body):
            check(False, f"function {name}: {WRAPPER_CLASS}.{name} does not call {API_PREFIX}.{name}(...)")
        else:
            check(True, f"function {name}: {WRAPPER_CLASS}.{name} wraps it")
    for name in sorted(set(methods) - set(gen.functions)):
        check(False, f"{WRAPPER_CLASS}.{name} has no generated function {name} (removed or renamed in Rust?)")

    # 2. Enums: values and mapping arms.
    for gname, values in sorted(gen.enums.items()):
        pname = ENUM_RENAMES.get(gname, gname)
        public = enums.get(pname)
        if public is None:
            check(False, f"enum {gname}: no public enum {pname} in {WRAPPER_DIR}")
            continue
        for v in values:
            if v not in public:
                check(False, f"enum {gname}.{v}: {pname}.{v} missing")
                continue
            arm = rf"\b{TYPES_PREFIX}\.{gname}\.{v}\s*=>\s*{pname}\.{v}\b"
            check(bool(re.search(arm, all_wrapper_text)),
                  f"enum {gname}.{v}: {pname}.{v} exists and is mapped")
        for v in public:
            if v not in values:
                check(False, f"enum {pname}.{v}: no generated {gname}.{v} (one value per Rust code)")

    # 2b. The example app has a user-facing message for every code.
    messages = root / EXAMPLE_MESSAGES
    public_codes = enums.get(ENUM_RENAMES["ErrorCode"], [])
    if messages.exists():
        mapped = set(re.findall(r"\bBiometricErrorCode\.(\w+)\s*=>", messages.read_text()))
        missing = [c for c in public_codes if c not in mapped]
        check(not missing, f"{EXAMPLE_MESSAGES} has a message for every BiometricErrorCode"
              + (f" (missing: {', '.join(missing)})" if missing else ""))

    # 3. Struct fields: requests built with every field, results read whole.
    inputs: set[str] = set()
    outputs: set[str] = {c.name for c in gen.classes.values() if c.is_error}
    for ptypes, ret in gen.functions.values():
        for t in ptypes:
            inputs |= type_names(t) & set(gen.classes)
        outputs |= type_names(ret) & set(gen.classes)

    def close(names: set[str]) -> set[str]:
        todo, seen = list(names), set(names)
        while todo:
            for t in gen.classes[todo.pop()].fields.values():
                for n in type_names(t) & set(gen.classes):
                    if n not in seen:
                        seen.add(n)
                        todo.append(n)
        return seen

    for cls in sorted(close(inputs)):
        fields = set(gen.classes[cls].fields)
        calls = constructor_calls(wrapper, cls)
        if not calls:
            check(False, f"request {cls}: never built as {TYPES_PREFIX}.{cls}(...) in the wrapper")
        for rel, labels in calls:
            missing = sorted(fields - labels)
            check(not missing, f"request {cls} built in {rel} with all fields"
                  + (f" (missing: {', '.join(missing)})" if missing else ""))
    for cls in sorted(close(outputs)):
        fields = set(gen.classes[cls].fields)
        convs = conversions(wrapper, cls)
        if not convs:
            check(False, f"result {cls}: no wrapper function takes {TYPES_PREFIX}.{cls}")
        for where, pname, read in convs:
            missing = sorted(fields - read)
            check(not missing, f"result {cls} converted whole in {where}"
                  + (f" (unread: {', '.join(missing)})" if missing else ""))

    passed = sum(1 for ok, _ in results if ok)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
