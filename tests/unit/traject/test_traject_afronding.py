"""Samenwerkingsoverleg einde and afronding (domain guide §5.2 "→ IN_AFRONDING", "→ AFGEROND", §7, §9)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from jeugdhulp_common import topics
from jeugdhulp_common.contracts.traject import (
    IdentificerendeGegevens,
    SamenwerkingsoverlegGehouden,
    TrajectAfgerond,
    TrajectBlokkadeGewijzigd,
)
from jeugdhulp_common.contracts.vocabulary import AfrondingsReden, BlokkadeStatus, OverlegSoort, SignaalSoort
from jeugdhulp_common.domain import OngeldigeInvoer, RegelGeschonden
from jeugdhulp_common.events import PrivacyClass
from traject.domain import SamenwerkingsoverlegEinde, Traject, TrajectRegels, TrajectStatus, VraagAntwoord

from traject_bouwers import (
    AANMELDER_PERSOON,
    EVAL,
    START,
    SWO_DATUM,
    SWO_ID,
    event_types,
    traject_in,
)

D = dt.date
S = TrajectStatus
B = BlokkadeStatus
R = AfrondingsReden
MINIMUM = EVAL  # START + 3 months


# --------------------------------------------------------------------------- planning the SWO einde


@pytest.mark.parametrize("status", [S.LOPEND, S.TE_EVALUEREN, S.VERLENGD])
def test_plan_swo_einde_moves_to_in_afronding(status: TrajectStatus) -> None:
    t = traject_in(status)
    t.plan_samenwerkingsoverleg_einde(overleg_id=SWO_ID, datum=SWO_DATUM)
    assert t.status is S.IN_AFRONDING
    assert (t.gepland_samenwerkingsoverleg_einde.overleg_id, t.gepland_samenwerkingsoverleg_einde.datum) == (
        SWO_ID,
        SWO_DATUM,
    )


@pytest.mark.parametrize("status", [S.LOPEND, S.TE_EVALUEREN, S.VERLENGD])
def test_plan_swo_einde_refused_in_acute_crisis(status: TrajectStatus) -> None:
    t = traject_in(status, acute_crisis=True)
    with pytest.raises(RegelGeschonden) as e:
        t.plan_samenwerkingsoverleg_einde(overleg_id=SWO_ID, datum=SWO_DATUM)
    assert e.value.veld == "acuteCrisis"
    assert t.status is status and t.gepland_samenwerkingsoverleg_einde is None


# --------------------------------------------------------------------------- holding it


ANTWOORDEN = [
    VraagAntwoord("E3", blokkade_status=B.GEBLOKKEERD),
    VraagAntwoord("E4", blokkade_status=B.DREIGEND_TE_BLOKKEREN),
    VraagAntwoord("E5a", "wachtlijst GES+"),
    VraagAntwoord("E5c", "niemand nam de zorg op"),
    VraagAntwoord("E6d3", "planmaker belt na een maand"),
    VraagAntwoord("E7a", "Contextbegeleiding"),
    VraagAntwoord("E7b", "Eén structuur die VAPH en opgroeien onderbrengt."),
]


def test_swo_einde_emits_the_internal_event_with_candidates_and_themes() -> None:
    t = traject_in(S.IN_AFRONDING, blokkade_status=B.GEBLOKKEERD)
    t.houd_samenwerkingsoverleg_einde(
        overleg_id=SWO_ID,
        datum=SWO_DATUM,
        antwoorden=ANTWOORDEN,
        identificerend=IdentificerendeGegevens(namen=["Jonas Jongere"], leeftijd=14),
    )
    assert event_types(t.events) == [SamenwerkingsoverlegGehouden, TrajectBlokkadeGewijzigd]
    ev = t.events[0]
    assert ev.privacy is PrivacyClass.P and ev.topic == topics.TRAJECT_MICRO_INTERN
    assert (ev.traject_id, ev.overleg_id, ev.soort, ev.datum) == (
        t.traject_id,
        SWO_ID,
        OverlegSoort.SAMENWERKINGSOVERLEG_EINDE,
        SWO_DATUM,
    )
    assert "antwoorden" not in type(ev).model_fields  # data minimisation: only the candidates cross (since v2)
    assert [(k.vraag_id, k.soort) for k in ev.kandidaat_signalen] == [
        ("E5a", SignaalSoort.DREMPEL),
        ("E5c", SignaalSoort.KNELPUNT),
        ("E7b", SignaalSoort.BRIEF_NAAR_BRUSSEL),
    ]
    assert ev.thema_voorstellen == ["Contextbegeleiding"]
    # data minimisation (v3): no names leave traject (it masks them); the gate still gets the other data
    assert "namen" not in type(ev.identificerend).model_fields
    assert ev.identificerend.leeftijd == 14
    assert t.samenwerkingsoverleg_einde.afrondingsafspraken == ["planmaker belt na een maand"]
    assert t.samenwerkingsoverleg_einde.situatie_vroeger is B.GEBLOKKEERD
    # E4 "Situatie nu" is the reassessed blokkadeStatus
    blokkade = t.events[1]
    assert (blokkade.van, blokkade.naar) == (B.GEBLOKKEERD, B.DREIGEND_TE_BLOKKEREN)
    assert t.blokkade_status is B.DREIGEND_TE_BLOKKEREN
    assert t.status is S.IN_AFRONDING


def test_swo_einde_with_unchanged_situatie_nu_emits_no_blokkade_event() -> None:
    t = traject_in(S.IN_AFRONDING, blokkade_status=B.DREIGEND_TE_BLOKKEREN)
    t.houd_samenwerkingsoverleg_einde(overleg_id=SWO_ID, datum=SWO_DATUM, antwoorden=ANTWOORDEN)
    assert event_types(t.events) == [SamenwerkingsoverlegGehouden]


def test_swo_einde_must_be_the_planned_one() -> None:
    t = traject_in(S.IN_AFRONDING)
    with pytest.raises(RegelGeschonden) as e:
        t.houd_samenwerkingsoverleg_einde(overleg_id=uuid.uuid4(), datum=SWO_DATUM, antwoorden=[])
    assert e.value.veld == "overlegId"
    assert t.samenwerkingsoverleg_einde is None and t.events == []


def test_swo_einde_is_recorded_once() -> None:
    t = traject_in(S.IN_AFRONDING, swo_gehouden=True)
    with pytest.raises(RegelGeschonden) as e:
        t.houd_samenwerkingsoverleg_einde(overleg_id=SWO_ID, datum=SWO_DATUM, antwoorden=[])
    assert e.value.veld == "overlegId"


def test_swo_einde_not_before_the_startdatum() -> None:
    t = traject_in(S.IN_AFRONDING)
    with pytest.raises(RegelGeschonden) as e:
        t.houd_samenwerkingsoverleg_einde(overleg_id=SWO_ID, datum=START - dt.timedelta(days=1), antwoorden=[])
    assert e.value.veld == "datum"


def test_swo_einde_invalid_answer_changes_nothing() -> None:
    t = traject_in(S.IN_AFRONDING)
    with pytest.raises(OngeldigeInvoer) as e:
        t.houd_samenwerkingsoverleg_einde(
            overleg_id=SWO_ID, datum=SWO_DATUM, antwoorden=[VraagAntwoord("E1", "ok"), VraagAntwoord("X1", "?")]
        )
    assert e.value.veld == "antwoorden[1].vraagId"
    assert t.samenwerkingsoverleg_einde is None and t.events == []


# --------------------------------------------------------------------------- afronding


def _rond_af(t: Traject, **kw: object) -> None:
    args = {"besluit_overleg_id": SWO_ID, "op": SWO_DATUM, "redenen": [R.ADEMRUIMTE_GECREEERD]}
    args.update(kw)
    t.rond_af(**args)


def test_afronding_decided_in_the_swo() -> None:
    t = traject_in(S.IN_AFRONDING, swo_gehouden=True, blokkade_status=B.NIET_GEBLOKKEERD)
    _rond_af(t, op=D(2024, 5, 10), redenen=[R.BLOKKADES_DOORBROKEN, R.CONCREET_PLAN_MET_VERTROUWEN])
    assert t.status is S.AFGEROND
    assert (t.afgerond_op, t.afronding_besluit_overleg_id) == (D(2024, 5, 10), SWO_ID)
    assert t.afrondings_redenen == [R.BLOKKADES_DOORBROKEN, R.CONCREET_PLAN_MET_VERTROUWEN]
    (ev,) = t.events
    assert isinstance(ev, TrajectAfgerond)
    assert (ev.traject_id, ev.afgerond_op, ev.redenen, ev.blokkade_status_einde, ev.voor_minimale_looptijd) == (
        t.traject_id,
        D(2024, 5, 10),
        [R.BLOKKADES_DOORBROKEN, R.CONCREET_PLAN_MET_VERTROUWEN],
        B.NIET_GEBLOKKEERD,
        False,
    )


def _vroeg_swo() -> Traject:
    """A traject whose SWO einde was held early, on 1 March 2024 (the minimum is 15 April)."""
    return traject_in(
        S.IN_AFRONDING,
        samenwerkingsoverleg_einde=SamenwerkingsoverlegEinde(overleg_id=SWO_ID, datum=D(2024, 3, 1)),
    )


def test_afronding_exactly_at_the_minimum_needs_no_override() -> None:
    t = _vroeg_swo()
    _rond_af(t, op=MINIMUM)
    assert t.status is S.AFGEROND
    assert t.events[0].voor_minimale_looptijd is False


@pytest.mark.parametrize(
    ("opzet", "kw", "veld", "fout"),
    [
        ("geen_swo", {}, "besluitOverlegId", RegelGeschonden),
        ("swo", {"besluit_overleg_id": uuid.uuid4()}, "besluitOverlegId", RegelGeschonden),
        ("swo", {"redenen": []}, "redenen", OngeldigeInvoer),
        ("swo", {"redenen": ["ADEMRUIMTE"]}, "redenen[0]", OngeldigeInvoer),
        ("crisis", {}, "acuteCrisis", RegelGeschonden),
        ("swo", {"op": SWO_DATUM - dt.timedelta(days=1)}, "afgerondOp", RegelGeschonden),
        ("vroeg", {"op": MINIMUM - dt.timedelta(days=1)}, "overrideReden", RegelGeschonden),
        ("vroeg", {"op": D(2024, 3, 1), "override_reden": "   "}, "overrideReden", RegelGeschonden),
    ],
    ids=["no-swo-held", "other-overleg", "no-reason", "unknown-reason", "acute-crisis", "before-swo", "before-minimum",
         "blank-override"],
)
def test_afronding_refused(opzet: str, kw: dict, veld: str, fout: type) -> None:
    if opzet == "geen_swo":
        t = traject_in(S.IN_AFRONDING)
    elif opzet == "crisis":
        t = traject_in(S.IN_AFRONDING, swo_gehouden=True, acute_crisis=True)
    elif opzet == "vroeg":
        t = _vroeg_swo()
    else:
        t = traject_in(S.IN_AFRONDING, swo_gehouden=True)
    with pytest.raises(fout) as e:
        _rond_af(t, **kw)
    assert e.value.veld == veld
    assert t.status is S.IN_AFRONDING and t.afgerond_op is None and t.events == []


def test_afronding_before_the_minimum_with_override() -> None:
    t = _vroeg_swo()
    _rond_af(t, op=D(2024, 3, 1), override_reden="jongere verhuist naar andere regio")
    assert t.status is S.AFGEROND
    assert t.afronding_override_reden == "jongere verhuist naar andere regio"
    (ev,) = t.events
    assert ev.voor_minimale_looptijd is True
    assert "verhuist" not in ev.model_dump_json()  # the free-text reason stays in the service


def test_minimum_follows_the_config() -> None:
    t = traject_in(S.IN_AFRONDING, swo_gehouden=True)  # SWO on 2 May; start 15 Jan
    with pytest.raises(RegelGeschonden) as e:
        _rond_af(t, op=D(2024, 5, 2), regels=TrajectRegels(minimale_looptijd_maanden=6))
    assert e.value.veld == "overrideReden"
    _rond_af(t, op=D(2024, 5, 2), regels=TrajectRegels(minimale_looptijd_maanden=3))
    assert t.status is S.AFGEROND


def test_acute_crisis_blocks_afronding_until_it_is_lifted() -> None:
    t = traject_in(S.IN_AFRONDING, swo_gehouden=True)
    t.wijzig_blokkade(acute_crisis=True)
    with pytest.raises(RegelGeschonden):
        _rond_af(t)
    t.wijzig_blokkade(acute_crisis=False)
    _rond_af(t)
    assert t.status is S.AFGEROND


def test_duplicate_reasons_are_kept_once() -> None:
    t = traject_in(S.IN_AFRONDING, swo_gehouden=True)
    _rond_af(t, redenen=[R.REGIE_OVERGEDRAGEN, R.REGIE_OVERGEDRAGEN])
    assert t.afrondings_redenen == [R.REGIE_OVERGEDRAGEN]


# --------------------------------------------------------------------------- project einde


@pytest.mark.parametrize(
    ("status", "voor_minimum"),
    [(S.IN_OPSTART, True), (S.LOPEND, False), (S.TE_EVALUEREN, False), (S.VERLENGD, False), (S.IN_AFRONDING, False)],
)
def test_project_einde_closes_from_any_open_state(status: TrajectStatus, voor_minimum: bool) -> None:
    t = traject_in(status, acute_crisis=True)  # no guard: the project ends regardless
    t.sluit_af_wegens_projecteinde(op=D(2024, 12, 31))
    assert t.status is S.AFGEROND
    assert t.afrondings_redenen == [R.PROJECT_EINDE]
    (ev,) = t.events
    assert (ev.redenen, ev.afgerond_op, ev.voor_minimale_looptijd) == ([R.PROJECT_EINDE], D(2024, 12, 31), voor_minimum)


def test_project_einde_before_the_minimum_is_flagged() -> None:
    t = traject_in(S.LOPEND)
    t.sluit_af_wegens_projecteinde(op=MINIMUM - dt.timedelta(days=1))
    assert t.events[0].voor_minimale_looptijd is True


@pytest.mark.parametrize(
    "geschreven",
    [
        "Piet Planmaker",  # as written
        "piet planmaker",  # case
        "Piet",  # a part of the name alone
        "Plánmaker",  # an accent
        "P\u0456et Pl\u0430nmaker",  # Cyrillic look-alike letters
        "Pi\u200bet Plan\u200dmaker",  # zero-width characters inside the name
        "\uff30iet",  # a full-width letter
    ],
)
def test_role_holders_names_are_masked_before_the_event_leaves(geschreven: str) -> None:
    """Data minimisation (§9): the names traject knows (role holders, and those given) are masked as [NAAM] in the
    candidate texts and theme proposals; the event has no names field at all."""
    t = traject_in(S.IN_AFRONDING, blokkade_status=B.DREIGEND_TE_BLOKKEREN)
    antwoorden = [
        VraagAntwoord("E5a", f"Volgens {geschreven} duurde de wachtlijst te lang."),
        VraagAntwoord("E5c", f"Jonas' school en {AANMELDER_PERSOON.upper()} vonden geen plaats; Pietje bleef."),
        VraagAntwoord("E7a", f"Zorg op maat ({geschreven})"),
    ]
    t.houd_samenwerkingsoverleg_einde(
        overleg_id=SWO_ID, datum=SWO_DATUM, antwoorden=antwoorden, identificerend=IdentificerendeGegevens(namen=["Jonas Jongere"])
    )
    [ev] = t.events
    assert isinstance(ev, SamenwerkingsoverlegGehouden) and ev.schema_version == 3
    assert [k.tekst for k in ev.kandidaat_signalen] == [
        "Volgens [NAAM] duurde de wachtlijst te lang.",
        "[NAAM]' school en [NAAM] vonden geen plaats; Pietje bleef.",  # a longer word is no name
    ]
    assert ev.thema_voorstellen == ["Zorg op maat ([NAAM])"]
    body = ev.model_dump_json()
    assert "namen" not in body
    for deel in ("Piet", "Planmaker", "Vandenbroucke", "Karel", "Jonas Jongere"):
        assert deel.lower() not in body.lower().replace("pietje", "")
    # the answers as given stay in traject (micro), unmasked
    assert t.samenwerkingsoverleg_einde.antwoorden[0].tekst == f"Volgens {geschreven} duurde de wachtlijst te lang."
