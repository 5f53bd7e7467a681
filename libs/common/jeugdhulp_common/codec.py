"""Aggregates ⇄ JSON documents (for one JSONB column), driven by the dataclass field types: no hand-written
mapping per aggregate. The one codec of every service's repository (:mod:`jeugdhulp_common.unit_of_work`).

Handles str/int/float/bool, uuid, date, datetime (ISO 8601 with offset), enums (their value), list/set/frozenset/
tuple (sets sorted), dict, ``X | None``, nested (frozen) dataclasses and pydantic models. Fields with
``init=False`` (an aggregate's pending ``events``) are never stored. Restoring calls the dataclass constructor,
which restores and never emits events. Keys in a document that the class no longer has are ignored (a field
removed from an aggregate does not break loading old rows); a field added with a default takes that default.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import types
import typing
import uuid
from typing import Any, TypeVar

from pydantic import BaseModel

T = TypeVar("T")

Document = dict[str, Any]


_SCALAIR = frozenset({str, int, float, bool, type(None)})


def naar_json(waarde: Any) -> Any:
    """A JSON-safe value (dicts, lists, str, numbers, bools, None) for ``waarde``."""
    soort = type(waarde)
    if soort in _SCALAIR:  # the common case first, by exact type (an enum subclassing str is not one)
        return waarde
    if _is_dataclass(soort):
        return {f.name: naar_json(getattr(waarde, f.name)) for f in _velden(soort)}
    if waarde is None or isinstance(waarde, (str, int, float, bool)) and not isinstance(waarde, enum.Enum):
        return waarde
    if isinstance(waarde, BaseModel):
        return waarde.model_dump(mode="json")
    if isinstance(waarde, enum.Enum):
        return waarde.value
    if isinstance(waarde, uuid.UUID):
        return str(waarde)
    if isinstance(waarde, (dt.date, dt.datetime)):
        return waarde.isoformat()
    if isinstance(waarde, dict):
        return {str(naar_json(k)): naar_json(v) for k, v in waarde.items()}
    if isinstance(waarde, (set, frozenset)):
        return sorted(naar_json(v) for v in waarde)
    if isinstance(waarde, (list, tuple)):
        return [naar_json(v) for v in waarde]
    raise TypeError(f"cannot store a {type(waarde).__name__}")


def laad(cls: type[T], data: Document) -> T:
    """An instance of dataclass ``cls`` from its document (see the module text for what is tolerated)."""
    hints = _hints(cls)
    return cls(**{f.name: van_json(hints[f.name], data[f.name]) for f in _velden(cls) if f.name in data})


def van_json(tp: Any, waarde: Any) -> Any:  # noqa: PLR0911 - one branch per kind of type
    """The value of type ``tp`` stored as ``waarde``."""
    if waarde is None:
        return None
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return van_json(typing.get_args(tp)[0], waarde)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"cannot load the ambiguous union {tp}")
        return van_json(args[0], waarde)
    if origin in (list, set, frozenset, tuple):
        (arg, *_) = typing.get_args(tp) or (Any,)
        return origin(van_json(arg, v) for v in waarde)
    if origin is dict:
        kt, vt = typing.get_args(tp)
        return {van_json(kt, k): van_json(vt, v) for k, v in waarde.items()}
    if origin is typing.Literal or tp is Any:
        return waarde
    if isinstance(tp, type):
        if issubclass(tp, BaseModel):
            return tp.model_validate(waarde)
        if dataclasses.is_dataclass(tp):
            return laad(tp, waarde)
        if issubclass(tp, enum.Enum):
            return tp(waarde)
        if tp is uuid.UUID:
            return uuid.UUID(waarde)
        if tp is dt.datetime:
            return dt.datetime.fromisoformat(waarde)
        if tp is dt.date:
            return dt.date.fromisoformat(waarde)
        if tp in (str, int, float, bool):
            return tp(waarde)
    raise TypeError(f"cannot load {tp}")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, include_extras=True)


@functools.cache
def _is_dataclass(cls: type) -> bool:
    """Instances of ``cls`` are dataclass instances (a dataclass type itself is not: its type is ``type``)."""
    return dataclasses.is_dataclass(cls)


@functools.cache
def _velden(cls: type) -> tuple[dataclasses.Field, ...]:
    return tuple(f for f in dataclasses.fields(cls) if f.init)
