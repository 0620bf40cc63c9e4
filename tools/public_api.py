#!/usr/bin/env python3
"""Count (and with --list, name) the public API of the workspace's library crates.

The count is read from rustdoc's JSON output (nightly's `--output-format json`),
which holds exactly what a user of the crate can name: items reachable through a
public path, the inherent methods of public types and their public fields.
Used to state a crate's public surface before and after a change; it is a
report, not a test.

    python3 tools/public_api.py [--list] [crate ...]
"""
import collections
import json
import os
import subprocess
import sys

CRATES = ["keybound-protocol", "keybound", "keybound-server"]


def rustdoc_json(crate):
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    subprocess.run(
        ["cargo", "+nightly", "rustdoc", "-q", "--locked", "-p", crate, "--lib", "--",
         "-Z", "unstable-options", "--output-format", "json"],
        check=True)
    with open(os.path.join(target, "doc", crate.replace("-", "_") + ".json")) as f:
        return json.load(f)


def public_items(doc):
    """Yields (kind, path) of every public item of the crate itself."""
    index, paths = doc["index"], doc["paths"]
    local_types = set()
    for item_id, summary in paths.items():
        if summary["crate_id"] != 0:
            continue
        kind, path = summary["kind"], "::".join(summary["path"])
        if kind in ("struct", "enum", "union", "trait", "type_alias"):
            local_types.add(item_id)
        yield kind, path
    for item in index.values():
        if item["crate_id"] != 0:
            continue
        inner = item["inner"]
        if "struct" in inner and str(item["id"]) in local_types:
            owner = "::".join(paths[str(item["id"])]["path"])
            kind = inner["struct"]["kind"]
            fields = kind.get("plain", {}).get("fields", []) if isinstance(kind, dict) else []
            for field in fields:
                f = index.get(str(field))
                if f and f["visibility"] == "public":
                    yield "field", owner + "." + f["name"]
        if "impl" in inner and inner["impl"]["trait"] is None:
            for_type = inner["impl"]["for"]
            rid = for_type.get("resolved_path", {}).get("id")
            if rid is None or str(rid) not in local_types:
                continue
            owner = "::".join(paths[str(rid)]["path"])
            for member in inner["impl"]["items"]:
                m = index.get(str(member))
                if m and m["visibility"] == "public":
                    yield "method", owner + "::" + m["name"]


def main(argv):
    listing = "--list" in argv
    crates = [a for a in argv if not a.startswith("--")] or CRATES
    for crate in crates:
        items = sorted(set(public_items(rustdoc_json(crate))))
        counts = collections.Counter(kind for kind, _ in items)
        detail = ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))
        print(f"{crate}: {len(items)} public items ({detail})")
        if listing:
            for kind, path in items:
                print(f"  {kind:10} {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
