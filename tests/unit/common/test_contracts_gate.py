"""Every str field of an anonymous (class A) event is covered: a code (enum), an id, or a str annotated with a
:class:`jeugdhulp_common.events.Tekstsoort` (gated free text, an organisation name, a reference built by code).
A new free-text field without one fails here, so nothing reaches meso or macro around the gate. Older versions
kept only for reading (``<Event>V<n>``, never produced) are not walked."""

from __future__ import annotations

import typing
from enum import Enum

import jeugdhulp_common.contracts.aanmelding  # noqa: F401 - registers the events
import jeugdhulp_common.contracts.signalering  # noqa: F401
import jeugdhulp_common.contracts.traject  # noqa: F401
from jeugdhulp_common.events import REGISTRY, GatedText, PrivacyClass, Tekstsoort


def _onbedekte_str(tp: object, pad: str) -> list[str]:
    """Paths of plain ``str`` inside a type (through Optional, list, dict keys and values, Annotated)."""
    if typing.get_origin(tp) is typing.Annotated:
        basis, *meta = typing.get_args(tp)
        if basis is str:
            return [] if any(isinstance(m, Tekstsoort) for m in meta) else [pad]
        return _onbedekte_str(basis, pad)
    if tp is str:
        return [pad]
    if isinstance(tp, type) and issubclass(tp, Enum):
        return []
    uit = []
    for i, arg in enumerate(typing.get_args(tp)):
        uit += _onbedekte_str(arg, f"{pad}[{i}]")
    return uit


def _nieuwste() -> list[type]:
    laatste: dict[str, type] = {}
    for cls in REGISTRY.all():
        if cls.event_type not in laatste or cls.schema_version > laatste[cls.event_type].schema_version:
            laatste[cls.event_type] = cls
    return list(laatste.values())


def test_elk_str_veld_van_een_a_event_is_gedekt() -> None:
    a_klassen = [c for c in _nieuwste() if c.privacy is PrivacyClass.A]
    assert len(a_klassen) >= 10
    onbedekt = []
    for cls in a_klassen:
        hints = typing.get_type_hints(cls, include_extras=True)
        for naam in cls.model_fields:
            onbedekt += [f"{cls.__name__}.{p}" for p in _onbedekte_str(hints[naam], naam)]
    assert not onbedekt, f"str fields of class-A events not covered by the gate: {onbedekt}"


def test_de_walker_ziet_een_onbedekt_veld() -> None:
    assert _onbedekte_str(str, "x") == ["x"]
    assert _onbedekte_str(list[str] | None, "x") != []
    assert _onbedekte_str(dict[str, int], "x") == ["x[0]"]
    assert _onbedekte_str(list[GatedText], "x") == []
