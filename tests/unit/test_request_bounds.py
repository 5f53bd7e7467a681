"""Bounded input: every string, list and map in every request body of the three services has an upper bound."""

from __future__ import annotations

import aanmelding.entrypoints.api  # noqa: F401 - defines the request bodies
import aanmelding.entrypoints.schemas  # noqa: F401
import signalering.entrypoints.api  # noqa: F401
import traject.entrypoints.api  # noqa: F401
import traject.entrypoints.schemas  # noqa: F401
from jeugdhulp_common.api import RequestBody


def _all_request_models() -> list[type[RequestBody]]:
    out, todo = [], list(RequestBody.__subclasses__())
    while todo:
        cls = todo.pop()
        out.append(cls)
        todo.extend(cls.__subclasses__())
    services = ("aanmelding.", "traject.", "signalering.", "jeugdhulp_common.")
    return sorted({c for c in out if c.__module__.startswith(services)}, key=lambda c: (c.__module__, c.__qualname__))


def _unbounded(schema: dict, path: str, defs: dict, seen: set[str]) -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        return _unbounded(defs[name], path, defs, seen | {name})
    found: list[str] = []
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            found += _unbounded(sub, path, defs, seen)
    t = schema.get("type")
    if t == "string" and "enum" not in schema and "const" not in schema and schema.get("format") not in ("uuid", "date", "date-time"):
        if "maxLength" not in schema:
            found.append(path)
    if t == "array":
        if "maxItems" not in schema:
            found.append(path)
        found += _unbounded(schema.get("items", {}), path + "[]", defs, seen)
    if t == "object":
        for name, sub in schema.get("properties", {}).items():
            found += _unbounded(sub, f"{path}.{name}", defs, seen)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            if "maxProperties" not in schema:
                found.append(path + "{}")
            found += _unbounded(extra, path + "{}", defs, seen)
            names = schema.get("propertyNames")
            if names:
                found += _unbounded({"type": "string", **names}, path + "{key}", defs, seen)
    return found


def test_there_are_request_models_of_all_three_services() -> None:
    modules = {m.__module__.split(".")[0] for m in _all_request_models()}
    assert {"aanmelding", "traject", "signalering"} <= modules


def test_every_string_list_and_map_in_every_request_body_is_bounded() -> None:
    unbounded = []
    for model in _all_request_models():
        schema = model.model_json_schema(by_alias=True)
        unbounded += _unbounded(schema, f"{model.__module__}.{model.__qualname__}", schema.get("$defs", {}), set())
    assert unbounded == []
