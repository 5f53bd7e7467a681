"""A running traject: ronde tafels, the evaluation timer, verlenging, blokkade/crisis and regie (domain guide §5.2)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest

from jeugdhulp_common.contracts.traject import (
    RondeTafelGehouden,
    TrajectBlokkadeGewijzigd,
    TrajectEvaluatieVerschuldigd,
    TrajectRegieOvergedragen,
    TrajectVerlengd,
)
from jeugdhulp_common.contracts.vocabulary import BlokkadeStatus
from jeugdhulp_common.domain import OngeldigeInvoer, OngeldigeOvergang, RegelGeschonden
from traject.domain import RondeTafel, Traject, TrajectRegels, TrajectStatus, Verlenging

from traject_bouwers import EVAL, START, event_types, nieuw_traject, startgesprek, traject_in

D = dt.date
S = TrajectStatus
B = BlokkadeStatus
NIET_AFGEROND = [s for s in TrajectStatus if s is not S.AFGEROND]


# --------------------------------------------------------------------------- ronde tafel


@pytest.mark.parametrize("status", [S.LOPEND, S.TE_EVALUEREN, S.VERLENGD])
def test_ronde_tafel_is_recorded_and_published(status: TrajectStatus) -> None:
    t = traject_in(status)
    rt = RondeTafel(overleg_id=uuid.uuid4(), datum=D(2024, 3, 4), plan_aangepast=True, afspraken=("school bellen",))
    t.houd_ronde_tafel(rt)
    assert t.ronde_tafels == [rt]
    assert t.status is status
    (ev,) = t.events
    assert isinstance(ev, RondeTafelGehouden)
    assert (ev.traject_id, ev.overleg_id, ev.datum, ev.plan_aangepast) == (t.traject_id, rt.overleg_id, D(2024, 3, 4), True)
    assert "school bellen" not in ev.model_dump_json()  # free-text afspraken stay in the service


def test_ronde_tafel_not_before_the_startdatum() -> None:
    t = traject_in(S.LOPEND)
    with pytest.raises(RegelGeschonden) as e:
        t.houd_ronde_tafel(RondeTafel(overleg_id=uuid.uuid4(), datum=START - dt.timedelta(days=1), plan_aangepast=False))
    assert e.value.veld == "datum"
    assert t.ronde_tafels == [] and t.events == []


def test_ronde_tafel_on_the_startdatum_is_fine() -> None:
    t = traject_in(S.LOPEND)
    t.houd_ronde_tafel(RondeTafel(overleg_id=uuid.uuid4(), datum=START, plan_aangepast=False))
    assert len(t.ronde_tafels) == 1


def test_ronde_tafel_recorded_once_per_overleg() -> None:
    t = traject_in(S.LOPEND)
    rt = RondeTafel(overleg_id=uuid.uuid4(), datum=D(2024, 3, 4), plan_aangepast=False)
    t.houd_ronde_tafel(rt)
    with pytest.raises(RegelGeschonden) as e:
        t.houd_ronde_tafel(rt)
    assert e.value.veld == "overlegId"
    assert len(t.events) == 1


def test_ronde_tafel_blank_afspraak_refused() -> None:
    t = traject_in(S.LOPEND)
    with pytest.raises(OngeldigeInvoer) as e:
        t.houd_ronde_tafel(RondeTafel(overleg_id=uuid.uuid4(), datum=D(2024, 3, 4), plan_aangepast=False, afspraken=(" ",)))
    assert e.value.veld == "afspraken[0]"


# --------------------------------------------------------------------------- evaluation timer


def test_not_due_the_day_before() -> None:
    t = traject_in(S.LOPEND)
    assert t.evaluatie_verschuldigd(EVAL - dt.timedelta(days=1)) is False
    assert t.controleer_evaluatie(EVAL - dt.timedelta(days=1)) is False
    assert t.status is S.LOPEND and t.events == []


@pytest.mark.parametrize("vandaag", [EVAL, EVAL + dt.timedelta(days=40)])
def test_due_on_or_after_the_evaluation_date(vandaag: dt.date) -> None:
    t = traject_in(S.LOPEND)
    assert t.controleer_evaluatie(vandaag) is True
    assert t.status is S.TE_EVALUEREN
    (ev,) = t.events
    assert isinstance(ev, TrajectEvaluatieVerschuldigd)
    assert (ev.traject_id, ev.evaluatie_datum) == (t.traject_id, EVAL)


def test_evaluation_due_is_emitted_exactly_once() -> None:
    t = traject_in(S.LOPEND)
    assert [t.controleer_evaluatie(EVAL + dt.timedelta(days=d)) for d in range(5)] == [True, False, False, False, False]
    assert event_types(t.events) == [TrajectEvaluatieVerschuldigd]
    assert t.status is S.TE_EVALUEREN


@pytest.mark.parametrize("status", [S.IN_OPSTART, S.TE_EVALUEREN, S.IN_AFRONDING, S.AFGEROND])
def test_timer_does_nothing_outside_lopend_and_verlengd(status: TrajectStatus) -> None:
    t = traject_in(status)
    assert t.controleer_evaluatie(D(2030, 1, 1)) is False
    assert t.status is status and t.events == []


def test_full_cycle_lopend_evaluate_extend_evaluate_again() -> None:
    t = nieuw_traject()
    t.houd_startgesprek(startgesprek(D(2023, 11, 30)))
    assert t.evaluatie_datum == D(2024, 2, 29)
    assert t.controleer_evaluatie(D(2024, 2, 28)) is False
    assert t.controleer_evaluatie(D(2024, 2, 29)) is True
    besluit = uuid.uuid4()
    t.verleng(besluit_overleg_id=besluit, op=D(2024, 3, 5))
    assert t.status is S.VERLENGD
    assert t.evaluatie_datum == D(2024, 5, 30)  # counted from the startdatum: no accumulated clamping
    assert t.controleer_evaluatie(D(2024, 5, 29)) is False
    assert t.controleer_evaluatie(D(2024, 5, 30)) is True
    assert t.status is S.TE_EVALUEREN
    t.verleng(besluit_overleg_id=uuid.uuid4(), op=D(2024, 6, 3))
    assert t.evaluatie_datum == D(2024, 8, 30)
    verschuldigd = [e.evaluatie_datum for e in t.events if isinstance(e, TrajectEvaluatieVerschuldigd)]
    assert verschuldigd == [D(2024, 2, 29), D(2024, 5, 30)]


# --------------------------------------------------------------------------- verlenging


def test_verlenging_adds_the_months_and_is_logged() -> None:
    t = traject_in(S.TE_EVALUEREN)
    besluit = uuid.uuid4()
    t.verleng(besluit_overleg_id=besluit, op=D(2024, 4, 18))
    assert t.status is S.VERLENGD
    assert t.evaluatie_datum == D(2024, 7, 15)
    assert t.verlengingen == [
        Verlenging(op=D(2024, 4, 18), besluit_overleg_id=besluit, maanden=3, nieuwe_evaluatie_datum=D(2024, 7, 15))
    ]
    (ev,) = t.events
    assert isinstance(ev, TrajectVerlengd)
    assert (ev.traject_id, ev.besluit_overleg_id, ev.nieuwe_evaluatie_datum) == (t.traject_id, besluit, D(2024, 7, 15))


def test_verlenging_months_are_configurable() -> None:
    t = traject_in(S.TE_EVALUEREN)
    t.verleng(besluit_overleg_id=uuid.uuid4(), op=D(2024, 4, 18), regels=TrajectRegels(verlenging_maanden=2))
    assert t.evaluatie_datum == D(2024, 6, 15)
    assert t.verlengingen[-1].maanden == 2


def test_verlenging_is_unlimited() -> None:
    t = traject_in(S.TE_EVALUEREN)
    vandaag = EVAL
    for _ in range(6):
        t.verleng(besluit_overleg_id=uuid.uuid4(), op=vandaag)
        vandaag = t.evaluatie_datum
        assert t.controleer_evaluatie(vandaag) is True
    assert len(t.verlengingen) == 6
    assert t.evaluatie_datum == D(2025, 10, 15)  # start 15 Jan 2024 + 3 + 6×3 months
    assert t.status is S.TE_EVALUEREN


def test_one_overleg_decides_one_verlenging() -> None:
    t = traject_in(S.TE_EVALUEREN)
    besluit = uuid.uuid4()
    t.verleng(besluit_overleg_id=besluit, op=EVAL)
    t.controleer_evaluatie(D(2030, 1, 1))
    with pytest.raises(RegelGeschonden) as e:
        t.verleng(besluit_overleg_id=besluit, op=D(2024, 7, 20))
    assert e.value.veld == "besluitOverlegId"
    assert t.status is S.TE_EVALUEREN and len(t.verlengingen) == 1


# --------------------------------------------------------------------------- blokkade and crisis


_PAREN = [(s, van, naar) for s in NIET_AFGEROND for van, naar in itertools.permutations(B, 2)]


@pytest.mark.parametrize(("status", "van", "naar"), _PAREN, ids=[f"{s}-{v}-{n}" for s, v, n in _PAREN])
def test_every_blokkade_change_emits(status: TrajectStatus, van: BlokkadeStatus, naar: BlokkadeStatus) -> None:
    t = traject_in(status, blokkade_status=van)
    assert t.wijzig_blokkade(status=naar) is True
    assert t.blokkade_status is naar and t.status is status
    (ev,) = t.events
    assert isinstance(ev, TrajectBlokkadeGewijzigd)
    assert (ev.traject_id, ev.van, ev.naar, ev.acute_crisis) == (t.traject_id, van, naar, False)


@pytest.mark.parametrize("status", NIET_AFGEROND)
def test_every_crisis_change_emits(status: TrajectStatus) -> None:
    t = traject_in(status, blokkade_status=B.GEBLOKKEERD)
    assert t.wijzig_blokkade(acute_crisis=True) is True
    assert t.wijzig_blokkade(acute_crisis=False) is True
    assert [(e.van, e.naar, e.acute_crisis) for e in t.events] == [
        (B.GEBLOKKEERD, B.GEBLOKKEERD, True),
        (B.GEBLOKKEERD, B.GEBLOKKEERD, False),
    ]


def test_status_and_crisis_together_is_one_change() -> None:
    t = traject_in(S.LOPEND)
    assert t.wijzig_blokkade(status=B.GEBLOKKEERD, acute_crisis=True) is True
    assert [(e.van, e.naar, e.acute_crisis) for e in t.events] == [(B.NIET_GEBLOKKEERD, B.GEBLOKKEERD, True)]
    assert (t.blokkade_status, t.acute_crisis) == (B.GEBLOKKEERD, True)


def test_setting_the_same_values_is_no_change() -> None:
    t = traject_in(S.LOPEND, blokkade_status=B.DREIGEND_TE_BLOKKEREN)
    assert t.wijzig_blokkade(status=B.DREIGEND_TE_BLOKKEREN, acute_crisis=False) is False
    assert t.events == []


def test_blokkade_change_needs_something_to_change() -> None:
    with pytest.raises(OngeldigeInvoer) as e:
        traject_in(S.LOPEND).wijzig_blokkade()
    assert e.value.veld == "blokkadeStatus"


def test_blokkade_frozen_once_afgerond() -> None:
    t = traject_in(S.AFGEROND)
    with pytest.raises(OngeldigeOvergang):
        t.wijzig_blokkade(acute_crisis=True)
    assert t.acute_crisis is False and t.events == []


# --------------------------------------------------------------------------- regie


def test_regie_overdragen() -> None:
    t = traject_in(S.LOPEND)
    assert t.draag_regie_over("Veilige Trajecten") is True
    assert t.regie_bij == "Veilige Trajecten"
    (ev,) = t.events
    assert isinstance(ev, TrajectRegieOvergedragen)
    assert (ev.traject_id, ev.naar_organisatie) == (t.traject_id, "Veilige Trajecten")
    assert t.draag_regie_over("Veilige Trajecten") is False
    assert len(t.events) == 1


def test_regie_needs_an_organisation() -> None:
    with pytest.raises(OngeldigeInvoer) as e:
        traject_in(S.LOPEND).draag_regie_over("  ")
    assert e.value.veld == "naarOrganisatie"


def test_traject_is_a_plain_object() -> None:
    assert isinstance(traject_in(S.LOPEND), Traject)
