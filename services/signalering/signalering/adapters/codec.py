"""Aggregates ⇄ JSON documents, driven by the dataclass field types (no hand-written mapping per aggregate).

Handles str/int/bool, uuid, date, datetime, StrEnum, list/set/tuple/dict, ``X | None``, nested (frozen)
dataclasses and pydantic models. The ``events`` field of an aggregate (pending events) is never stored.
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


def naar_json(waarde: Any) -> Any:
    if isinstance(waarde, BaseModel):
        return waarde.model_dump(mode="json")
    if dataclasses.is_dataclass(waarde) and not isinstance(waarde, type):
        return {f.name: naar_json(getattr(waarde, f.name)) for f in dataclasses.fields(waarde) if f.name != "events"}
    if isinstance(waarde, enum.Enum):
        return waarde.value
    if isinstance(waarde, (uuid.UUID, dt.date, dt.datetime)):
        return waarde.isoformat() if not isinstance(waarde, uuid.UUID) else str(waarde)
    if isinstance(waarde, dict):
        return {str(k): naar_json(v) for k, v in waarde.items()}
    if isinstance(waarde, (set, frozenset)):
        return sorted(naar_json(v) for v in waarde)
    if isinstance(waarde, (list, tuple)):
        return [naar_json(v) for v in waarde]
    return waarde


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def van_json(tp: Any, waarde: Any) -> Any:  # noqa: PLR0911 - one branch per kind of type
    if waarde is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return van_json(args[0], waarde)
    if origin in (list, set, frozenset, tuple):
        (arg, *_) = typing.get_args(tp) or (Any,)
        return origin(van_json(arg, v) for v in waarde)
    if origin is dict:
        kt, vt = typing.get_args(tp)
        return {van_json(kt, k): van_json(vt, v) for k, v in waarde.items()}
    if tp is Any:
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
    return waarde


def laad(cls: type[T], data: dict[str, Any]) -> T:
    hints = _hints(cls)
    velden = {f.name for f in dataclasses.fields(cls) if f.init and f.name != "events"}  # type: ignore[arg-type]
    return cls(**{k: van_json(hints[k], v) for k, v in data.items() if k in velden})
