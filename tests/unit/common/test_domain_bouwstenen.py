"""The shared domain building blocks: the transition table (:class:`Overgangen`) and the aggregate base
(:class:`Aggregaat`) every service's aggregates use."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum

import pytest

from jeugdhulp_common.contracts.aanmelding import IntakeStatusGewijzigd
from jeugdhulp_common.domain import Aggregaat, OngeldigeOvergang, Overgangen


T = StrEnum("T", {"OPEN": "OPEN", "DICHT": "DICHT", "WEG": "WEG"})
Act = StrEnum("Act", {"SLUITEN": "sluiten", "OPENEN": "openen", "NOTEREN": "noteren", "VERWIJDEREN": "verwijderen"})

# one small table, written both ways
PAREN = {(T.OPEN, Act.NOTEREN): T.OPEN, (T.OPEN, Act.SLUITEN): T.DICHT, (T.DICHT, Act.OPENEN): T.OPEN}
PAREN |= {(T.OPEN, Act.VERWIJDEREN): T.WEG, (T.DICHT, Act.VERWIJDEREN): T.WEG}
RIJEN = {Act.NOTEREN: {T.OPEN: T.OPEN}, Act.SLUITEN: {T.OPEN: T.DICHT}, Act.OPENEN: {T.DICHT: T.OPEN}}
RIJEN |= {Act.VERWIJDEREN: {T.OPEN: T.WEG, T.DICHT: T.WEG}}
TABEL: Overgangen[T, Act] = Overgangen("Ding", PAREN)


def test_per_actie_and_pairs_build_the_same_table() -> None:
    per_actie = Overgangen.per_actie("Ding", RIJEN)
    assert per_actie.aggregaat == "Ding"
    assert dict(per_actie.tabel) == dict(TABEL.tabel) == PAREN
    assert {a: dict(r) for a, r in per_actie.rijen.items()} == {a: dict(r) for a, r in TABEL.rijen.items()} == RIJEN


@pytest.mark.parametrize(("van", "actie"), [(s, a) for s in T for a in Act])
def test_volgende_and_mag_follow_the_table(van: T, actie: Act) -> None:
    if (van, actie) in PAREN:
        assert TABEL.mag(van, actie)
        assert TABEL.volgende(van, actie) is PAREN[(van, actie)]
    else:
        assert not TABEL.mag(van, actie)
        with pytest.raises(OngeldigeOvergang) as fout:
            TABEL.volgende(van, actie)
        assert (fout.value.aggregate, fout.value.toestand, fout.value.actie) == ("Ding", van.value, actie.value)


def test_acties_in_table_order() -> None:
    assert TABEL.acties(T.OPEN) == [Act.NOTEREN, Act.SLUITEN, Act.VERWIJDEREN]
    assert TABEL.acties(T.DICHT) == [Act.OPENEN, Act.VERWIJDEREN]
    assert TABEL.acties(T.WEG) == []
    assert Overgangen.per_actie("Ding", RIJEN).acties(T.OPEN) == [Act.NOTEREN, Act.SLUITEN, Act.VERWIJDEREN]


def test_the_table_is_read_only_and_a_copy() -> None:
    bron = dict(PAREN)
    rijen = {a: dict(r) for a, r in RIJEN.items()}
    tabel = Overgangen("Ding", bron)
    per_actie = Overgangen.per_actie("Ding", rijen)
    bron[(T.WEG, Act.OPENEN)] = T.OPEN
    rijen[Act.OPENEN][T.WEG] = T.OPEN
    assert not tabel.mag(T.WEG, Act.OPENEN) and not per_actie.mag(T.WEG, Act.OPENEN)
    with pytest.raises(TypeError):
        tabel.tabel[(T.WEG, Act.OPENEN)] = T.OPEN  # type: ignore[index]
    with pytest.raises(TypeError):
        tabel.rijen[Act.OPENEN][T.WEG] = T.OPEN  # type: ignore[index]


@dataclasses.dataclass(eq=False)
class _Teller(Aggregaat):
    naam: str
    aantal: int = 0

    def tel(self, nu: dt.datetime) -> None:
        self.aantal += 1
        self._emit(IntakeStatusGewijzigd(open=True, reden_code=None, occurred_at=nu))


def test_aggregaat_collects_and_hands_over_events_once() -> None:
    nu = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    t = _Teller("x")
    assert t.events == []
    t.tel(nu)
    t.tel(nu)
    eerst = t.neem_events()
    assert [e.occurred_at for e in eerst] == [nu, nu]
    assert t.events == [] and t.neem_events() == []


def test_aggregaat_events_are_not_a_constructor_field() -> None:
    """The constructor restores stored fields; storage adapters skip ``events`` (it is init=False)."""
    assert [f.name for f in dataclasses.fields(_Teller) if f.init] == ["naam", "aantal"]
    with pytest.raises(TypeError):
        _Teller("x", events=[])  # type: ignore[call-arg]
    assert _Teller("a").events is not _Teller("b").events
