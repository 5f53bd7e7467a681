"""JSON (for JSONB) from and to the domain's frozen dataclasses, driven by their type hints.

Handles dataclasses, ``tuple[X, ...]``, ``list[X]``, ``X | None``, enums, dates, UUIDs and scalars. Fields
with ``init=False`` (the aggregates' pending ``events``) are not stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
import uuid
from functools import cache
from typing import Any


def naar_json(waarde: Any) -> Any:
    if dataclasses.is_dataclass(waarde) and not isinstance(waarde, type):
        return {f.name: naar_json(getattr(waarde, f.name)) for f in dataclasses.fields(waarde) if f.init}
    if isinstance(waarde, enum.Enum):
        return waarde.value
    if isinstance(waarde, (dt.date, uuid.UUID)):  # dt.datetime is a dt.date too
        return waarde.isoformat() if isinstance(waarde, dt.date) else str(waarde)
    if isinstance(waarde, (list, tuple)):
        return [naar_json(w) for w in waarde]
    if waarde is None or isinstance(waarde, (str, int, float, bool)):
        return waarde
    raise TypeError(f"cannot store {type(waarde).__name__}")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def velden_uit_json(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """The constructor arguments of dataclass ``cls`` from its stored JSON."""
    hints = _hints(cls)
    return {f.name: uit_json(hints[f.name], data[f.name]) for f in dataclasses.fields(cls) if f.init and f.name in data}


def uit_json(tp: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"ambiguous union {tp}")
        return uit_json(args[0], data)
    if origin is tuple:
        (elem, *_) = typing.get_args(tp)
        return tuple(uit_json(elem, d) for d in data)
    if origin is list:
        (elem,) = typing.get_args(tp)
        return [uit_json(elem, d) for d in data]
    if isinstance(tp, type):
        if dataclasses.is_dataclass(tp):
            return tp(**velden_uit_json(tp, data))
        if issubclass(tp, enum.Enum):
            return tp(data)
        if tp is dt.date:
            return dt.date.fromisoformat(data)
        if tp is uuid.UUID:
            return uuid.UUID(data)
        if tp in (str, int, float, bool):
            return data
    raise TypeError(f"cannot load {tp}")
