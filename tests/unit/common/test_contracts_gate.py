"""Every str field of an anonymous (class A) event is covered: a code (enum), an id, or a str annotated with a
:class:`jeugdhulp_common.events.Tekstsoort` (gated free text, an organisation name, a reference built by code).
A new free-text field without one fails here, so nothing reaches meso or macro around the gate. Likewise every int
field of a class-A event is a :data:`~jeugdhulp_common.events.SuppressedCount` (``int | None``, made with
``suppress_count``) or listed in ``GEEN_TELLING`` as no count. Older versions kept only for reading
(``<Event>V<n>``, never produced) are not walked."""

from __future__ import annotations

import typing
from enum import Enum

import pytest
from pydantic import TypeAdapter, ValidationError

import jeugdhulp_common.contracts.aanmelding  # noqa: F401 - registers the events
import jeugdhulp_common.contracts.signalering  # noqa: F401
import jeugdhulp_common.contracts.traject  # noqa: F401
from jeugdhulp_common.events import REGISTRY, GatedText, PrivacyClass, SuppressedCount, Tekstsoort, Telling
from jeugdhulp_common.suppression import suppress_count


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


# int fields of class-A events that are no count of trajecten, persons or organisations (so nothing to suppress)
GEEN_TELLING = {
    "BeleidsaanbevelingGeformuleerd.jaar",  # a calendar year
    "PrioriteringVastgesteld.prioritering[1]",  # a percentage of the forum's priority, summing to 100
}


def _ints(tp: object, pad: str) -> list[tuple[str, object]]:
    """(path, type) of every int inside a type; a ``SuppressedCount`` (Annotated with ``Telling``) is one unit."""
    if typing.get_origin(tp) is typing.Annotated:
        basis, *meta = typing.get_args(tp)
        if any(isinstance(m, Telling) for m in meta):
            return [(pad, tp)]
        return _ints(basis, pad)
    if tp is int:
        return [(pad, tp)]
    if isinstance(tp, type):
        return []
    return [x for i, arg in enumerate(typing.get_args(tp)) for x in _ints(arg, f"{pad}[{i}]")]


def _is_onderdrukte_telling(tp: object) -> bool:
    if typing.get_origin(tp) is not typing.Annotated:
        return False
    basis, *meta = typing.get_args(tp)
    return any(isinstance(m, Telling) for m in meta) and set(typing.get_args(basis)) == {int, type(None)}


def test_elke_telling_van_een_a_event_is_onderdrukt() -> None:
    a_klassen = [c for c in _nieuwste() if c.privacy is PrivacyClass.A]
    tellingen, fout = [], []
    for cls in a_klassen:
        hints = typing.get_type_hints(cls, include_extras=True)
        for naam in cls.model_fields:
            for pad, tp in _ints(hints[naam], naam):
                if f"{cls.__name__}.{pad}" in GEEN_TELLING:
                    continue
                (tellingen if _is_onderdrukte_telling(tp) else fout).append(f"{cls.__name__}.{pad}")
    assert not fout, f"int fields of class-A events that are neither a SuppressedCount nor listed as no count: {fout}"
    assert {"ThemaAangemaakt.aantal_trajecten", "ThemaTerugkerend.aantal_trajecten", "ThemaStatusGewijzigd.aantal_trajecten"} <= set(tellingen)


def test_de_int_walker_ziet_een_ruwe_telling() -> None:
    assert _ints(int, "x") == [("x", int)]
    assert [p for p, _ in _ints(dict[str, int], "x")] == ["x[1]"]
    assert [p for p, _ in _ints(list[int] | None, "x")] == ["x[0][0]"]
    assert _is_onderdrukte_telling(SuppressedCount) and not _is_onderdrukte_telling(int | None)
    assert [p for p, _ in _ints(SuppressedCount, "x")] == ["x"]


def test_suppressed_count_takes_what_suppress_count_makes() -> None:
    ta = TypeAdapter(SuppressedCount)
    assert [ta.validate_python(suppress_count(n, minimum=5)) for n in (0, 1, 4, 5, 17)] == [0, None, None, 5, 17]
    with pytest.raises(ValidationError):
        ta.validate_python(-1)
