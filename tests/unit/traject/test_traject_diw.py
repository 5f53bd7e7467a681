"""The DIW-fonds aanvraag (domain guide §4.8, §5.3): every state × action, the §4.8 fields, the guards, the timer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import uuid
from collections.abc import Callable

import pytest

from jeugdhulp_common.contracts.traject import (
    DIWAanvraagBeslist,
    DIWAanvraagEvaluatieVerschuldigd,
    DIWAanvraagIngediend,
)
from jeugdhulp_common.contracts.vocabulary import DIWAanvraagStatus
from jeugdhulp_common.domain import OngeldigeInvoer, OngeldigeOvergang, RegelGeschonden
from traject.domain import (
    DIW_OVERGANGEN,
    TELT_MEE_IN_FONDS,
    DIWActie,
    DIWAanvraagGegevens,
    DIWEvaluatie,
    DIWFondsAanvraag,
    DIWFondsRegels,
    DIWPartner,
    evaluatiedata,
    goedgekeurd_totaal,
    laatste_evaluatiedatum,
)

from traject_bouwers import (
    AANVRAGER_DIW,
    CASEMANAGER_DIW,
    DIW_BESLIST,
    DIW_GEBRUIK_TOT,
    DIW_GEBRUIK_VANAF,
    event_types,
    diw_in,
    volledige_gegevens,
)

D = dt.date
S = DIWAanvraagStatus
A = DIWActie
CAP = 2_500_000

VERWACHT: dict[DIWActie, dict[DIWAanvraagStatus, DIWAanvraagStatus]] = {
    A.WIJZIGEN: {S.CONCEPT: S.CONCEPT},
    A.INDIENEN: {S.CONCEPT: S.INGEDIEND},
    A.BESPREKEN_OP_TEAM: {S.INGEDIEND: S.BESPROKEN_OP_TEAM},
    A.GOEDKEUREN: {S.BESPROKEN_OP_TEAM: S.GOEDGEKEURD},
    A.AFWIJZEN: {S.BESPROKEN_OP_TEAM: S.AFGEWEZEN},
    A.GEBRUIK_STARTEN: {S.GOEDGEKEURD: S.IN_GEBRUIK},
    A.EVALUATIE_REGISTREREN: {S.IN_GEBRUIK: S.IN_GEBRUIK},
    A.EVALUATIE_VERSCHULDIGD: {S.IN_GEBRUIK: S.IN_GEBRUIK},
    A.AFSLUITEN: {S.IN_GEBRUIK: S.AFGESLOTEN},
}

ACTIES: dict[DIWActie, tuple[Callable[[DIWFondsAanvraag], object], list[type]]] = {
    A.WIJZIGEN: (lambda a: a.wijzig(volledige_gegevens(bedrag_eurocent=100)), []),
    A.INDIENEN: (lambda a: a.indienen(op=D(2024, 2, 1)), [DIWAanvraagIngediend]),
    A.BESPREKEN_OP_TEAM: (lambda a: a.bespreek_op_team(overleg_id=uuid.uuid4(), op=D(2024, 2, 8)), []),
    A.GOEDKEUREN: (
        lambda a: a.keur_goed(besluit_overleg_id=uuid.uuid4(), op=D(2024, 2, 15), goedgekeurd_totaal_eurocent=0),
        [DIWAanvraagBeslist],
    ),
    A.AFWIJZEN: (
        lambda a: a.wijs_af(besluit_overleg_id=uuid.uuid4(), op=D(2024, 2, 15), reden="past binnen de module"),
        [DIWAanvraagBeslist],
    ),
    A.GEBRUIK_STARTEN: (lambda a: a.start_gebruik(op=D(2024, 3, 1)), []),
    A.EVALUATIE_REGISTREREN: (lambda a: a.registreer_evaluatie(overleg_id=uuid.uuid4(), datum=D(2024, 6, 1)), []),
    A.EVALUATIE_VERSCHULDIGD: (lambda a: a.controleer_evaluatie(D(2024, 6, 1)), [DIWAanvraagEvaluatieVerschuldigd]),
    A.AFSLUITEN: (lambda a: a.sluit_af(op=D(2024, 8, 15)), []),
}


def test_the_table_is_the_one_of_the_spec() -> None:
    assert {a: dict(v) for a, v in DIW_OVERGANGEN.rijen.items()} == VERWACHT
    assert set(ACTIES) == set(DIWActie)


_MATRIX = list(itertools.product(DIWAanvraagStatus, DIWActie))


@pytest.mark.parametrize(("status", "actie"), _MATRIX, ids=[f"{s.value}-{a.value}" for s, a in _MATRIX])
def test_every_state_and_action(status: DIWAanvraagStatus, actie: DIWActie) -> None:
    doe, verwachte_events = ACTIES[actie]
    a = diw_in(status)
    naar = VERWACHT[actie].get(status)
    if naar is not None:
        doe(a)
        assert a.status is naar
        assert event_types(a.events) == verwachte_events
    elif actie is A.EVALUATIE_VERSCHULDIGD:
        assert doe(a) is False
        assert a.status is status and a.events == []
    else:
        with pytest.raises(OngeldigeOvergang) as e:
            doe(a)
        assert (e.value.aggregate, e.value.toestand, e.value.actie) == ("DIWFondsAanvraag", status.value, actie.value)
        assert a.status is status and a.events == []


# --------------------------------------------------------------------------- indienen: §4.8 fields and ACT


def test_new_aanvraag_is_a_concept_without_events() -> None:
    a = DIWFondsAanvraag.nieuw(aanvraag_id=uuid.uuid4(), traject_id=uuid.uuid4())
    assert a.status is S.CONCEPT and a.gegevens == DIWAanvraagGegevens() and a.events == []


def test_indienen_publishes_ids_amount_and_status() -> None:
    a = DIWFondsAanvraag.nieuw(aanvraag_id=uuid.uuid4(), traject_id=uuid.uuid4(), gegevens=volledige_gegevens())
    a.indienen(op=D(2024, 2, 1))
    assert (a.status, a.ingediend_op) == (S.INGEDIEND, D(2024, 2, 1))
    (ev,) = a.events
    assert isinstance(ev, DIWAanvraagIngediend)
    assert (ev.aanvraag_id, ev.traject_id, ev.bedrag_eurocent, ev.status) == (
        a.aanvraag_id,
        a.traject_id,
        300_000,
        S.INGEDIEND,
    )


LEEG: dict[str, object] = {
    "aanvrager": None,
    "aanvrager_organisatie": "",
    "bestemming": None,
    "bedrag_eurocent": None,
    "gewenst_effect": " ",
    "partners": (),
    "geschatte_duur_maanden": None,
    "engagement_driemaandelijkse_evaluatie": False,
    "zonder_extra_middelen": None,
    "afbouwplan": None,
    "casemanager": None,
    "casemanager_engagement": "",
    "act_bevraagd_op": None,
}
VELD = {
    "aanvrager": "aanvrager",
    "aanvrager_organisatie": "aanvragerOrganisatie",
    "bestemming": "bestemming",
    "bedrag_eurocent": "bedragEurocent",
    "gewenst_effect": "gewenstEffect",
    "partners": "partners",
    "geschatte_duur_maanden": "geschatteDuurMaanden",
    "engagement_driemaandelijkse_evaluatie": "engagementDriemaandelijkseEvaluatie",
    "zonder_extra_middelen": "zonderExtraMiddelen",
    "afbouwplan": "afbouwplan",
    "casemanager": "casemanager",
    "casemanager_engagement": "casemanagerEngagement",
    "act_bevraagd_op": "actBevraagdOp",
}


def test_every_form_field_is_covered() -> None:
    assert set(LEEG) == {f.name for f in dataclasses.fields(DIWAanvraagGegevens)}


@pytest.mark.parametrize("veld", sorted(LEEG))
def test_indienen_refused_when_a_field_is_missing(veld: str) -> None:
    a = diw_in(S.CONCEPT, gegevens=volledige_gegevens(**{veld: LEEG[veld]}))
    with pytest.raises(RegelGeschonden) as e:
        a.indienen(op=D(2024, 2, 1))
    assert e.value.veld == VELD[veld]
    assert a.status is S.CONCEPT and a.events == []


def test_indienen_refused_when_act_was_not_consulted() -> None:
    a = diw_in(S.CONCEPT, gegevens=volledige_gegevens(act_bevraagd_op=None))
    with pytest.raises(RegelGeschonden) as e:
        a.indienen(op=D(2024, 2, 1))
    assert e.value.veld == "actBevraagdOp"


@pytest.mark.parametrize(
    ("kw", "veld"),
    [
        ({"bedrag_eurocent": 0}, "bedragEurocent"),
        ({"bedrag_eurocent": -5}, "bedragEurocent"),
        ({"geschatte_duur_maanden": 0}, "geschatteDuurMaanden"),
        ({"partners": (DIWPartner(organisatie="VZW De Patio", taak=""),)}, "partners[0].taak"),
        ({"partners": (DIWPartner(organisatie="", taak="opvolging"),)}, "partners[0].organisatie"),
    ],
)
def test_indienen_refuses_bad_values(kw: dict, veld: str) -> None:
    with pytest.raises(RegelGeschonden) as e:
        diw_in(S.CONCEPT, gegevens=volledige_gegevens(**kw)).indienen(op=D(2024, 2, 1))
    assert e.value.veld == veld


def test_indienen_not_after_the_subsidy_end() -> None:
    a = diw_in(S.CONCEPT)
    with pytest.raises(RegelGeschonden) as e:
        a.indienen(op=D(2025, 1, 1))
    assert e.value.veld == "ingediendOp"
    a.indienen(op=D(2024, 12, 31))
    assert a.status is S.INGEDIEND


def test_wijzig_replaces_the_concept_form() -> None:
    a = DIWFondsAanvraag.nieuw(aanvraag_id=uuid.uuid4(), traject_id=uuid.uuid4())
    a.wijzig(volledige_gegevens(bedrag_eurocent=12_345))
    assert a.bedrag_eurocent == 12_345


def test_team_discussion_not_before_submission() -> None:
    with pytest.raises(RegelGeschonden) as e:
        diw_in(S.INGEDIEND).bespreek_op_team(overleg_id=uuid.uuid4(), op=D(2024, 1, 31))
    assert e.value.veld == "besprokenOp"


# --------------------------------------------------------------------------- goedkeuren: cap and subsidy end


def _keur_goed(a: DIWFondsAanvraag, **kw: object) -> None:
    args: dict = {"besluit_overleg_id": uuid.uuid4(), "op": DIW_BESLIST, "goedgekeurd_totaal_eurocent": 0}
    args.update(kw)
    a.keur_goed(**args)


def test_goedkeuren_publishes_the_decision() -> None:
    a = diw_in(S.BESPROKEN_OP_TEAM)
    _keur_goed(a, goedgekeurd_totaal_eurocent=1_000_000)
    assert a.status is S.GOEDGEKEURD
    assert a.gebruik_tot == D(2024, 8, 15)  # beslist 15 Feb + 6 months geschatte duur
    (ev,) = a.events
    assert isinstance(ev, DIWAanvraagBeslist)
    assert (ev.aanvraag_id, ev.traject_id, ev.bedrag_eurocent, ev.status) == (
        a.aanvraag_id,
        a.traject_id,
        300_000,
        S.GOEDGEKEURD,
    )


def test_cap_allows_exactly_the_cap() -> None:
    a = diw_in(S.BESPROKEN_OP_TEAM)
    _keur_goed(a, goedgekeurd_totaal_eurocent=CAP - 300_000)
    assert a.status is S.GOEDGEKEURD


def test_cap_refuses_one_cent_more() -> None:
    a = diw_in(S.BESPROKEN_OP_TEAM)
    with pytest.raises(RegelGeschonden) as e:
        _keur_goed(a, goedgekeurd_totaal_eurocent=CAP - 300_000 + 1)
    assert e.value.veld == "bedragEurocent"
    assert a.status is S.BESPROKEN_OP_TEAM and a.events == [] and a.gebruik_tot is None


def test_cap_is_configurable() -> None:
    a = diw_in(S.BESPROKEN_OP_TEAM)
    with pytest.raises(RegelGeschonden):
        _keur_goed(a, regels=DIWFondsRegels(plafond_eurocent=299_999))
    _keur_goed(a, regels=DIWFondsRegels(plafond_eurocent=300_000))
    assert a.status is S.GOEDGEKEURD


def test_negative_total_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        _keur_goed(diw_in(S.BESPROKEN_OP_TEAM), goedgekeurd_totaal_eurocent=-1)


def test_use_past_the_subsidy_end_refused() -> None:
    # beslist 15 Oct 2024 + 6 months = 15 Apr 2025 > 31 Dec 2024
    a = diw_in(S.BESPROKEN_OP_TEAM)
    with pytest.raises(RegelGeschonden) as e:
        _keur_goed(a, op=D(2024, 10, 15))
    assert e.value.veld == "gebruikTot"
    assert a.status is S.BESPROKEN_OP_TEAM


def test_explicit_use_until_the_subsidy_end_allowed_one_day_more_refused() -> None:
    a = diw_in(S.BESPROKEN_OP_TEAM)
    with pytest.raises(RegelGeschonden) as e:
        _keur_goed(a, op=D(2024, 10, 15), gebruik_tot=D(2025, 1, 1))
    assert e.value.veld == "gebruikTot"
    _keur_goed(a, op=D(2024, 10, 15), gebruik_tot=D(2024, 12, 31))
    assert (a.status, a.gebruik_tot) == (S.GOEDGEKEURD, D(2024, 12, 31))


def test_use_cannot_end_before_the_decision() -> None:
    with pytest.raises(RegelGeschonden) as e:
        _keur_goed(diw_in(S.BESPROKEN_OP_TEAM), gebruik_tot=DIW_BESLIST - dt.timedelta(days=1))
    assert e.value.veld == "gebruikTot"


def test_no_approval_after_the_subsidy_end() -> None:
    with pytest.raises(RegelGeschonden) as e:
        _keur_goed(diw_in(S.BESPROKEN_OP_TEAM), op=D(2025, 1, 2), gebruik_tot=D(2025, 1, 2))
    assert e.value.veld == "beslistOp"


def test_subsidy_end_is_configurable() -> None:
    a = diw_in(S.BESPROKEN_OP_TEAM)
    _keur_goed(a, op=D(2025, 3, 1), regels=DIWFondsRegels(subsidie_einddatum=D(2025, 12, 31)))
    assert a.gebruik_tot == D(2025, 9, 1)


def test_afwijzen_keeps_the_reason_out_of_the_event() -> None:
    a = diw_in(S.BESPROKEN_OP_TEAM)
    a.wijs_af(besluit_overleg_id=uuid.uuid4(), op=DIW_BESLIST, reden="past binnen de module van de leefgroep")
    assert a.status is S.AFGEWEZEN
    (ev,) = a.events
    assert ev.status is S.AFGEWEZEN
    assert "module" not in ev.model_dump_json()
    with pytest.raises(OngeldigeInvoer) as e:
        diw_in(S.BESPROKEN_OP_TEAM).wijs_af(besluit_overleg_id=uuid.uuid4(), op=DIW_BESLIST, reden="")
    assert e.value.veld == "reden"


# --------------------------------------------------------------------------- use


@pytest.mark.parametrize(
    "op", [DIW_BESLIST - dt.timedelta(days=1), DIW_GEBRUIK_TOT + dt.timedelta(days=1)], ids=["before", "after"]
)
def test_use_starts_within_the_approved_period(op: dt.date) -> None:
    a = diw_in(S.GOEDGEKEURD)
    with pytest.raises(RegelGeschonden) as e:
        a.start_gebruik(op=op)
    assert e.value.veld == "gebruikVanaf"
    assert a.status is S.GOEDGEKEURD


def test_afsluiten_not_before_the_start() -> None:
    with pytest.raises(RegelGeschonden) as e:
        diw_in(S.IN_GEBRUIK).sluit_af(op=DIW_GEBRUIK_VANAF - dt.timedelta(days=1))
    assert e.value.veld == "afgeslotenOp"


def test_evaluations_are_recorded_once_per_overleg() -> None:
    a = diw_in(S.IN_GEBRUIK)
    o = uuid.uuid4()
    a.registreer_evaluatie(overleg_id=o, datum=D(2024, 6, 1))
    assert a.evaluaties == [DIWEvaluatie(overleg_id=o, datum=D(2024, 6, 1))]
    with pytest.raises(RegelGeschonden) as e:
        a.registreer_evaluatie(overleg_id=o, datum=D(2024, 6, 2))
    assert e.value.veld == "overlegId"


# --------------------------------------------------------------------------- 3-monthly evaluation


def test_evaluatiedata_every_three_months_clamped() -> None:
    assert evaluatiedata(D(2023, 11, 30), D(2024, 12, 31)) == [
        D(2024, 2, 29),
        D(2024, 5, 30),
        D(2024, 8, 30),
        D(2024, 11, 30),
    ]
    assert evaluatiedata(D(2024, 3, 1), D(2024, 5, 31)) == []


@pytest.mark.parametrize(
    ("vandaag", "verwacht"),
    [
        (D(2024, 5, 31), None),
        (D(2024, 6, 1), D(2024, 6, 1)),
        (D(2024, 8, 31), D(2024, 6, 1)),
        (D(2024, 9, 1), D(2024, 9, 1)),
        (D(2025, 1, 15), D(2024, 12, 1)),
    ],
)
def test_laatste_evaluatiedatum(vandaag: dt.date, verwacht: dt.date | None) -> None:
    assert laatste_evaluatiedatum(D(2024, 3, 1), vandaag) == verwacht


def test_laatste_evaluatiedatum_month_end() -> None:
    assert laatste_evaluatiedatum(D(2024, 1, 31), D(2024, 4, 29)) is None
    assert laatste_evaluatiedatum(D(2024, 1, 31), D(2024, 4, 30)) == D(2024, 4, 30)


def test_evaluation_due_once_per_period() -> None:
    a = diw_in(S.IN_GEBRUIK)  # in use since 1 March 2024
    assert a.evaluatiedata(D(2024, 12, 31)) == [D(2024, 6, 1), D(2024, 9, 1), D(2024, 12, 1)]
    runs = [D(2024, 5, 31), D(2024, 6, 1), D(2024, 6, 2), D(2024, 8, 31), D(2024, 9, 1), D(2024, 9, 30)]
    assert [a.controleer_evaluatie(d) for d in runs] == [False, True, False, False, True, False]
    assert [(type(e), e.evaluatie_datum, e.status) for e in a.events] == [
        (DIWAanvraagEvaluatieVerschuldigd, D(2024, 6, 1), S.IN_GEBRUIK),
        (DIWAanvraagEvaluatieVerschuldigd, D(2024, 9, 1), S.IN_GEBRUIK),
    ]
    assert a.laatste_evaluatie_gemeld == D(2024, 9, 1)


def test_missed_timer_runs_report_only_the_latest_period() -> None:
    a = diw_in(S.IN_GEBRUIK)
    assert a.controleer_evaluatie(D(2024, 10, 1)) is True
    assert [e.evaluatie_datum for e in a.events] == [D(2024, 9, 1)]
    assert a.controleer_evaluatie(D(2024, 11, 30)) is False


def test_restored_aanvraag_remembers_what_was_reported() -> None:
    a = diw_in(S.IN_GEBRUIK, laatste_evaluatie_gemeld=D(2024, 6, 1))
    assert a.verschuldigde_evaluatie(D(2024, 7, 1)) is None
    assert a.verschuldigde_evaluatie(D(2024, 9, 1)) == D(2024, 9, 1)


def test_interval_is_configurable() -> None:
    a = diw_in(S.IN_GEBRUIK)
    assert a.controleer_evaluatie(D(2024, 4, 1), DIWFondsRegels(evaluatie_interval_maanden=1)) is True
    assert a.events[0].evaluatie_datum == D(2024, 4, 1)


# --------------------------------------------------------------------------- fund total, privacy


def test_goedgekeurd_totaal_counts_committed_aanvragen_only() -> None:
    bedragen = {s: (i + 1) * 1000 for i, s in enumerate(DIWAanvraagStatus)}
    aanvragen = [diw_in(s, gegevens=volledige_gegevens(bedrag_eurocent=b)) for s, b in bedragen.items()]
    assert TELT_MEE_IN_FONDS == {S.GOEDGEKEURD, S.IN_GEBRUIK, S.AFGESLOTEN}
    assert goedgekeurd_totaal(aanvragen) == sum(bedragen[s] for s in TELT_MEE_IN_FONDS)


def test_diw_events_carry_no_person_names() -> None:
    a = DIWFondsAanvraag.nieuw(aanvraag_id=uuid.uuid4(), traject_id=uuid.uuid4(), gegevens=volledige_gegevens())
    a.indienen(op=D(2024, 2, 1))
    a.bespreek_op_team(overleg_id=uuid.uuid4(), op=D(2024, 2, 8))
    a.keur_goed(besluit_overleg_id=uuid.uuid4(), op=D(2024, 2, 15), goedgekeurd_totaal_eurocent=0)
    a.start_gebruik(op=D(2024, 3, 1))
    a.controleer_evaluatie(D(2024, 6, 1))
    assert len(a.events) == 3
    for ev in a.events:
        body = ev.model_dump_json()
        assert AANVRAGER_DIW not in body and CASEMANAGER_DIW not in body


# --------------------------------------------------------------------------- the evaluation schedule (kept next to
# the row for the timer's query; the rule is the domain's)


@pytest.mark.parametrize("status", [s for s in DIWAanvraagStatus if s is not DIWAanvraagStatus.IN_GEBRUIK])
def test_no_evaluation_scheduled_outside_in_gebruik(status: DIWAanvraagStatus) -> None:
    assert diw_in(status).volgende_evaluatiedatum() is None


def test_evaluation_schedule_starts_one_interval_after_the_use_began() -> None:
    a = diw_in(DIWAanvraagStatus.IN_GEBRUIK, gebruik_vanaf=D(2024, 3, 1))
    assert a.volgende_evaluatiedatum() == D(2024, 6, 1)
    assert a.volgende_evaluatiedatum(DIWFondsRegels(evaluatie_interval_maanden=2)) == D(2024, 5, 1)


def test_evaluation_schedule_moves_past_what_was_reported_and_stays_anchored_on_the_start() -> None:
    a = diw_in(DIWAanvraagStatus.IN_GEBRUIK, gebruik_vanaf=D(2024, 1, 31))
    assert a.volgende_evaluatiedatum() == D(2024, 4, 30)  # clamped to the month end
    assert a.controleer_evaluatie(D(2024, 5, 1)) is True
    assert a.volgende_evaluatiedatum() == D(2024, 7, 31)  # anchored on the 31st, not on the clamped 30th
    a.laatste_evaluatie_gemeld = D(2024, 10, 31)  # after missed runs only the latest period was reported
    assert a.volgende_evaluatiedatum() == D(2025, 1, 31)


def test_evaluation_schedule_ends_when_the_use_is_closed() -> None:
    a = diw_in(DIWAanvraagStatus.IN_GEBRUIK)
    a.sluit_af(op=DIW_GEBRUIK_TOT)
    assert a.volgende_evaluatiedatum() is None


def test_the_timer_fires_exactly_on_the_scheduled_date() -> None:
    a = diw_in(DIWAanvraagStatus.IN_GEBRUIK, gebruik_vanaf=D(2024, 3, 1))
    d = a.volgende_evaluatiedatum()
    assert a.controleer_evaluatie(d - dt.timedelta(days=1)) is False
    assert a.controleer_evaluatie(d) is True and a.laatste_evaluatie_gemeld == d
