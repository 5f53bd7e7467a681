"""Contract compatibility: can every released event version still be read, and produced, as its subscribers expect?

``contracts/released/`` holds the JSON Schemas of the last release (``make contracts-release`` writes it; commit it
with the release). :func:`check` compares each released ``(type, version)`` with what the code declares now and
reports every breaking change:

* the version is no longer registered (keep an old version's class registered for its deprecation period; to retire
  it afterwards, delete its file from ``contracts/released/`` in the same, reviewed change);
* a field removed or renamed;
* a field's type changed: narrowed (replaying old events fails) or widened (old consumers fail on the new values);
* a new required field, or an optional field that became required;
* enum values changed (added or removed: this project's consumers refuse unknown values), a ``const`` or ``format``
  changed;
* the topic, the key field or the privacy class changed.

Adding an optional field (one with a default) is compatible. A breaking change needs a NEW version: a new class with
``@event(..., version=N+1)`` next to the old one, both registered (and both in ``contracts/``).

    python -m jeugdhulp_common.contracts_compat check   [contracts/released]     (also a unit test in `make test`)
    python -m jeugdhulp_common.contracts_compat release [contracts/released]     (make contracts-release)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jeugdhulp_common.contracts  # noqa: F401 - registers every event type
from jeugdhulp_common.contracts_export import event_schema, schema_file_name
from jeugdhulp_common.events import REGISTRY, Event, Registry

Schema = dict[str, Any]
_META = ("x-topic", "x-key", "x-privacy-class")


def _resolve(node: Schema, root: Schema) -> Schema:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 50:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            break
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        seen += 1
    return node


def _variants(node: Schema, root: Schema) -> list[Schema]:
    node = _resolve(node, root)
    for key in ("anyOf", "oneOf"):
        if key in node:
            out: list[Schema] = []
            for v in node[key]:
                out.extend(_variants(v, root))
            return out
    t = node.get("type")
    if isinstance(t, list):
        return [{**node, "type": x} for x in t]
    return [node]


def _kind(v: Schema) -> str:
    if "enum" in v or "const" in v:
        return "enum"
    return str(v.get("type", "any"))


def _describe(kinds: set[str]) -> str:
    return "|".join(sorted(kinds)) or "nothing"


def breaking_changes(old: Schema, new: Schema, *, old_root: Schema | None = None, new_root: Schema | None = None, path: str = "$") -> list[str]:
    """Every breaking difference between a released schema and the current one (empty: compatible)."""
    old_root = old if old_root is None else old_root
    new_root = new if new_root is None else new_root
    out: list[str] = []
    where = path
    ov, nv = _variants(old, old_root), _variants(new, new_root)
    ok, nk = {_kind(v) for v in ov}, {_kind(v) for v in nv}
    if ok != nk:
        how = "narrowed" if nk < ok else "widened" if nk > ok else "changed"
        out.append(f"{where}: type {how} (was {_describe(ok)}, now {_describe(nk)})")
    for kind in sorted(ok & nk):
        o = [v for v in ov if _kind(v) == kind][0]
        n = [v for v in nv if _kind(v) == kind][0]
        if kind == "enum":
            ovals = set(map(json.dumps, o.get("enum", [o.get("const")])))
            nvals = set(map(json.dumps, n.get("enum", [n.get("const")])))
            if ovals != nvals:
                out.append(f"{where}: enum values changed (removed {sorted(ovals - nvals)}, added {sorted(nvals - ovals)})")
            continue
        if o.get("format") != n.get("format"):
            out.append(f"{where}: format changed (was {o.get('format')}, now {n.get('format')})")
        if kind == "object":
            oprops, nprops = o.get("properties", {}), n.get("properties", {})
            oreq, nreq = set(o.get("required", [])), set(n.get("required", []))
            for name, sub in oprops.items():
                if name not in nprops:
                    out.append(f"{path}.{name}: field removed or renamed")
                    continue
                if name in nreq and name not in oreq:
                    out.append(f"{path}.{name}: field became required")
                out.extend(breaking_changes(sub, nprops[name], old_root=old_root, new_root=new_root, path=f"{path}.{name}"))
            for name in nprops:
                if name not in oprops and name in nreq:
                    out.append(f"{path}.{name}: new required field")
            oa, na = o.get("additionalProperties"), n.get("additionalProperties")
            if isinstance(oa, dict) and isinstance(na, dict):
                out.extend(breaking_changes(oa, na, old_root=old_root, new_root=new_root, path=f"{path}{{*}}"))
            elif isinstance(oa, dict) != isinstance(na, dict):
                out.append(f"{where}: map values changed")
        if kind == "array" and "items" in o and "items" in n:
            out.extend(breaking_changes(o["items"], n["items"], old_root=old_root, new_root=new_root, path=f"{path}[]"))
    return out


def compare_event(released: Schema, current: Schema) -> list[str]:
    out = [f"{k} changed ({released.get(k)} -> {current.get(k)})" for k in _META if released.get(k) != current.get(k)]
    return out + breaking_changes(released, current)


def check(released_dir: Path, registry: Registry = REGISTRY, schema_of=event_schema) -> list[str]:  # noqa: ANN001
    """One message per breaking change against ``released_dir`` (empty: every released version is intact)."""
    problems: list[str] = []
    for f in sorted(released_dir.glob("*.schema.json")):
        released = json.loads(f.read_text())
        etype, version = released["x-cloudevents-type"], int(released["x-schema-version"])
        cls: type[Event] | None = registry.get(etype, version)
        label = f"{etype} v{version}"
        if cls is None:
            problems.append(f"{label}: released version no longer registered (keep its class registered during the deprecation period)")
            continue
        for p in compare_event(released, schema_of(cls)):
            problems.append(f"{label}: {p} -> breaking: declare version {version + 1} as a new class and keep v{version} registered")
    return problems


def release(released_dir: Path, registry: Registry = REGISTRY) -> int:
    """Snapshot every registered version as released (a version missing from the code keeps its released file)."""
    released_dir.mkdir(parents=True, exist_ok=True)
    for cls in registry.all():
        (released_dir / schema_file_name(cls)).write_text(json.dumps(event_schema(cls), indent=2, ensure_ascii=False) + "\n")
    return len(registry.all())


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("check", "release"):
        print("usage: python -m jeugdhulp_common.contracts_compat check|release [contracts/released]", file=sys.stderr)
        return 2
    folder = Path(argv[1] if len(argv) > 1 else "contracts/released")
    if argv[0] == "release":
        print(f"released {release(folder)} event schemas to {folder}")
        return 0
    problems = check(folder)
    for p in problems:
        print(p)
    print(f"{len(problems)} breaking change(s) against {folder}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
