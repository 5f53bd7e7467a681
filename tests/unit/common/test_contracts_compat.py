"""Contract compatibility against contracts/released: the committed contracts are intact, a breaking change to an event
model fails the check (with what and where), a compatible addition passes, a raised version with the old one kept
registered passes."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Literal

import pytest

from jeugdhulp_common.contracts.aanmelding import AanmeldingGescreend, AanmeldingNietOpgestart
from jeugdhulp_common.contracts.vocabulary import Ondersteuningsvorm, RedenNietOpstart
from jeugdhulp_common.contracts_compat import breaking_changes, check
from jeugdhulp_common.contracts_export import event_schema, schema_file_name
from jeugdhulp_common.events import Event, Registry

ROOT = Path(__file__).resolve().parents[3]
RELEASED = ROOT / "contracts" / "released"


def test_every_released_event_version_is_still_compatible() -> None:
    assert sorted(RELEASED.glob("*.schema.json")), "contracts/released is empty: run make contracts-release"
    assert check(RELEASED) == []


def declare(cls: type[Event], like: type[Event], version: int | None = None) -> type[Event]:
    """Give a test model the identity of a real event without registering it globally."""
    for attr in ("event_type", "topic", "privacy", "key_field", "producer"):
        setattr(cls, attr, getattr(like, attr))
    cls.schema_version = version or like.schema_version
    return cls


def released_only(tmp_path: Path, *classes: type[Event]) -> Path:
    for c in classes:
        shutil.copy(RELEASED / schema_file_name(c), tmp_path / schema_file_name(c))
    return tmp_path


def problems(tmp_path: Path, real: type[Event], *models: type[Event]) -> list[str]:
    reg = Registry()
    for m in models:
        reg.register(m)
    return check(released_only(tmp_path, real), registry=reg)


# ---- variants of AanmeldingGescreend (aanmeldingId, aanmelderOrganisatie, regioOk, leeftijdOk)

class Removed(Event):
    aanmelding_id: uuid.UUID
    aanmelder_organisatie: str
    regio_ok: bool


class Renamed(Event):
    aanmelding_id: uuid.UUID
    aanmelder_organisatie: str
    regio_ok: bool
    leeftijd_in_orde: bool


class NewRequired(Event):
    aanmelding_id: uuid.UUID
    aanmelder_organisatie: str
    regio_ok: bool
    leeftijd_ok: bool
    screeningscode: str


class Retyped(Event):
    aanmelding_id: uuid.UUID
    aanmelder_organisatie: str
    regio_ok: bool
    leeftijd_ok: int


class CompatibleAddition(Event):
    aanmelding_id: uuid.UUID
    aanmelder_organisatie: str
    regio_ok: bool
    leeftijd_ok: bool
    screeningscode: str | None = None


# ---- variants of AanmeldingNietOpgestart (reden: enum, alternatiefAdvies: enum | null, optional)

class NarrowedEnum(Event):
    aanmelding_id: uuid.UUID
    aanmelder_organisatie: str
    reden: Literal["EXCLUSIE_REGIO", "EXCLUSIE_LEEFTIJD"]
    alternatief_advies: Ondersteuningsvorm | None = None


class NarrowedType(Event):
    aanmelding_id: uuid.UUID
    aanmelder_organisatie: str
    reden: RedenNietOpstart
    alternatief_advies: Ondersteuningsvorm


@pytest.mark.parametrize(
    ("model", "real", "expected"),
    [
        (Removed, AanmeldingGescreend, "$.leeftijdOk: field removed or renamed"),
        (Renamed, AanmeldingGescreend, "$.leeftijdInOrde: new required field"),
        (Renamed, AanmeldingGescreend, "$.leeftijdOk: field removed or renamed"),
        (NewRequired, AanmeldingGescreend, "$.screeningscode: new required field"),
        (Retyped, AanmeldingGescreend, "$.leeftijdOk: type changed (was boolean, now integer)"),
        (NarrowedEnum, AanmeldingNietOpgestart, "$.reden: enum values changed (removed ["),
        (NarrowedType, AanmeldingNietOpgestart, "$.alternatiefAdvies: type narrowed (was enum|null, now enum)"),
        (NarrowedType, AanmeldingNietOpgestart, "$.alternatiefAdvies: field became required"),
    ],
)
def test_a_breaking_change_fails_the_check(tmp_path: Path, model: type[Event], real: type[Event], expected: str) -> None:
    found = problems(tmp_path, real, declare(model, real))
    assert any(expected in p for p in found), found
    assert all(p.startswith(f"{real.event_type} v1: ") and "declare version 2" in p for p in found)


def test_a_compatible_addition_passes(tmp_path: Path) -> None:
    assert problems(tmp_path, AanmeldingGescreend, declare(CompatibleAddition, AanmeldingGescreend)) == []


def test_a_raised_version_with_the_old_one_kept_registered_passes(tmp_path: Path) -> None:
    v2 = declare(type("AanmeldingGescreendV2", (Renamed,), {}), AanmeldingGescreend, version=2)
    assert problems(tmp_path, AanmeldingGescreend, AanmeldingGescreend, v2) == []
    # Dropping v1 while it is still released is refused.
    [p] = problems(tmp_path, AanmeldingGescreend, v2)
    assert "no longer registered" in p


def test_metadata_changes_are_breaking() -> None:
    old = event_schema(AanmeldingGescreend)
    assert breaking_changes(old, old) == []
    from jeugdhulp_common.contracts_compat import compare_event

    assert compare_event(old, {**old, "x-topic": "jeugdhulp.other.micro"}) == ["x-topic changed (jeugdhulp.aanmelding.micro -> jeugdhulp.other.micro)"]
    nested = {"type": "object", "properties": {"a": {"type": "array", "items": {"$ref": "#/$defs/R"}}}, "$defs": {"R": {"type": "object", "properties": {"x": {"type": "string"}}}}}
    changed = {**nested, "$defs": {"R": {"type": "object", "properties": {}}}}
    assert breaking_changes(nested, changed) == ["$.a[].x: field removed or renamed"]
