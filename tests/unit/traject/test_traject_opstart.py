"""Creation, startgesprek, roles and mandate (domain guide §4.2, §5.2 "create", "→ LOPEND")."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from jeugdhulp_common.contracts.traject import StartgesprekGepland, TrajectGestart, TrajectRolToegewezen
from jeugdhulp_common.contracts.vocabulary import BlokkadeStatus, Rol
from jeugdhulp_common.domain import OngeldigeInvoer
from traject.domain import (
    Deelnemer,
    RolInTraject,
    StartAfspraken,
    Traject,
    TrajectRegels,
    TrajectStatus,
    VraagAntwoord,
)

from traject_bouwers import (
    AANMELDER_ORG,
    AANMELDER_PERSOON,
    AFSPRAKEN,
    CONTEXTBEGELEIDER,
    COORDINATOR_PERSOON,
    PLANMAKER,
    PLANMAKER_ORG,
    event_types,
    nieuw_traject,
    startgesprek,
    traject_in,
)

D = dt.date
S = TrajectStatus


# --------------------------------------------------------------------------- creation


def test_created_in_opstart_with_the_aanmelder_role_and_no_events() -> None:
    t = nieuw_traject()
    assert t.status is S.IN_OPSTART
    assert t.rollen == [RolInTraject(rol=Rol.AANMELDER, organisatie=AANMELDER_ORG, persoon=AANMELDER_PERSOON)]
    assert t.startdatum is None and t.evaluatie_datum is None
    assert t.events == []


def test_blokkade_status_comes_from_the_aanmelding() -> None:
    t = nieuw_traject(blokkade_status_bij_aanmelding=BlokkadeStatus.DREIGEND_TE_BLOKKEREN)
    assert t.blokkade_status is BlokkadeStatus.DREIGEND_TE_BLOKKEREN
    assert t.acute_crisis is False


def test_blokkade_status_defaults_to_niet_geblokkeerd() -> None:
    assert nieuw_traject().blokkade_status is BlokkadeStatus.NIET_GEBLOKKEERD


def test_creation_needs_an_aanmelder_organisation() -> None:
    with pytest.raises(OngeldigeInvoer) as e:
        nieuw_traject(aanmelder_organisatie=" ")
    assert e.value.veld == "aanmelder.organisatie"


def test_herstel_emits_nothing_and_keeps_fields() -> None:
    t = traject_in(S.VERLENGD)
    assert t.events == []
    assert t.status is S.VERLENGD
    assert t.evaluatie_datum == D(2024, 7, 15)


def test_neem_events_hands_over_once() -> None:
    t = nieuw_traject()
    t.draag_regie_over("Co-ncept")
    eerst = t.neem_events()
    assert len(eerst) == 1
    assert t.neem_events() == [] and t.events == []


# --------------------------------------------------------------------------- startgesprek


def test_plan_startgesprek_invites_by_function_and_organisation() -> None:
    t = nieuw_traject()
    t.plan_startgesprek(overleg_id=uuid.uuid4(), datum=D(2024, 1, 10), genodigden=[PLANMAKER, CONTEXTBEGELEIDER])
    (ev,) = t.events
    assert isinstance(ev, StartgesprekGepland)
    assert ev.datum == D(2024, 1, 10)
    assert [(g.functie, g.organisatie) for g in ev.genodigden] == [
        ("planmaker", PLANMAKER_ORG),
        ("contextbegeleider", "VZW De Patio"),
    ]
    assert t.status is S.IN_OPSTART


def test_plan_startgesprek_needs_genodigden() -> None:
    with pytest.raises(OngeldigeInvoer) as e:
        nieuw_traject().plan_startgesprek(overleg_id=uuid.uuid4(), datum=D(2024, 1, 10), genodigden=[])
    assert e.value.veld == "genodigden"


def test_startdatum_is_the_date_of_the_startgesprek() -> None:
    t = nieuw_traject()
    t.houd_startgesprek(startgesprek(D(2024, 2, 20)))
    assert t.status is S.LOPEND
    assert t.startdatum == D(2024, 2, 20)
    assert t.evaluatie_datum == D(2024, 5, 20)
    (ev,) = t.events
    assert isinstance(ev, TrajectGestart)
    assert (ev.traject_id, ev.aanmelding_id) == (t.traject_id, t.aanmelding_id)
    assert (ev.startdatum, ev.evaluatie_datum) == (D(2024, 2, 20), D(2024, 5, 20))


@pytest.mark.parametrize(
    ("datum", "evaluatie"),
    [
        (D(2023, 11, 30), D(2024, 2, 29)),
        (D(2022, 11, 30), D(2023, 2, 28)),
        (D(2024, 10, 31), D(2025, 1, 31)),
        (D(2024, 3, 31), D(2024, 6, 30)),
    ],
)
def test_evaluatie_datum_clamps_to_month_end(datum: dt.date, evaluatie: dt.date) -> None:
    t = nieuw_traject()
    t.houd_startgesprek(startgesprek(datum))
    assert t.evaluatie_datum == evaluatie


def test_minimale_looptijd_is_configurable() -> None:
    t = nieuw_traject()
    t.houd_startgesprek(startgesprek(D(2024, 1, 15)), regels=TrajectRegels(minimale_looptijd_maanden=6))
    assert t.evaluatie_datum == D(2024, 7, 15)


def test_startgesprek_stores_meeting_and_partners() -> None:
    t = nieuw_traject()
    sg = startgesprek(D(2024, 1, 15))
    t.houd_startgesprek(sg)
    assert t.startgesprek == sg
    assert t.partners == [PLANMAKER_ORG, AANMELDER_ORG, "VZW De Patio"]


@pytest.mark.parametrize(
    ("afspraken", "veld"),
    [
        (StartAfspraken(overzicht_bewaarder=None, ronde_tafels_organisator=PLANMAKER), "afspraken.overzichtBewaarder"),
        (StartAfspraken(overzicht_bewaarder=PLANMAKER, ronde_tafels_organisator=None), "afspraken.rondeTafelsOrganisator"),
        (
            StartAfspraken(overzicht_bewaarder=Deelnemer("", "VZW De Patio"), ronde_tafels_organisator=PLANMAKER),
            "afspraken.overzichtBewaarder.functie",
        ),
        (
            StartAfspraken(overzicht_bewaarder=PLANMAKER, ronde_tafels_organisator=Deelnemer("planmaker", " ")),
            "afspraken.rondeTafelsOrganisator.organisatie",
        ),
        (
            StartAfspraken(overzicht_bewaarder=PLANMAKER, ronde_tafels_organisator=PLANMAKER, overige=("",)),
            "afspraken.overige[0]",
        ),
    ],
)
def test_startgesprek_must_name_who_keeps_the_overview_and_organises_the_ronde_tafels(
    afspraken: StartAfspraken, veld: str
) -> None:
    t = nieuw_traject()
    with pytest.raises(OngeldigeInvoer) as e:
        t.houd_startgesprek(startgesprek(afspraken=afspraken))
    assert e.value.veld == veld
    assert t.status is S.IN_OPSTART and t.startdatum is None and t.events == []


@pytest.mark.parametrize(
    ("deelnemers", "veld"),
    [((), "deelnemers"), ((PLANMAKER, Deelnemer("consulent", "")), "deelnemers[1].organisatie")],
)
def test_startgesprek_needs_deelnemers(deelnemers: tuple, veld: str) -> None:
    with pytest.raises(OngeldigeInvoer) as e:
        nieuw_traject().houd_startgesprek(startgesprek(deelnemers=deelnemers))
    assert e.value.veld == veld


def test_startgesprek_with_only_the_closest_partner_is_allowed() -> None:
    t = nieuw_traject()
    t.houd_startgesprek(startgesprek(deelnemers=(CONTEXTBEGELEIDER,)))
    assert t.status is S.LOPEND


def test_startgesprek_answers_are_validated_against_the_start_questions() -> None:
    t = nieuw_traject()
    t.houd_startgesprek(startgesprek(antwoorden=(VraagAntwoord("S3", "context geschetst"),)))
    assert t.status is S.LOPEND
    t2 = nieuw_traject()
    with pytest.raises(OngeldigeInvoer) as e:
        t2.houd_startgesprek(startgesprek(antwoorden=(VraagAntwoord("S3", "ok"), VraagAntwoord("E1", "einde?"))))
    assert e.value.veld == "antwoorden[1].vraagId"


def test_rollen_at_the_startgesprek_are_emitted_before_trajectgestart() -> None:
    t = nieuw_traject()
    tc = RolInTraject(
        rol=Rol.TRAJECTCOORDINATOR,
        organisatie="VZW De Patio",
        persoon=COORDINATOR_PERSOON,
        mandaat_van=(AANMELDER_ORG,),
    )
    pm = RolInTraject(rol=Rol.PLANMAKER, organisatie=PLANMAKER_ORG, persoon="Piet Planmaker")
    t.houd_startgesprek(startgesprek(), rollen=[tc, pm])
    assert event_types(t.events) == [TrajectRolToegewezen, TrajectRolToegewezen, TrajectGestart]
    gestart = t.events[-1]
    assert [(r.rol, r.organisatie) for r in gestart.rollen] == [
        (Rol.AANMELDER, AANMELDER_ORG),
        (Rol.TRAJECTCOORDINATOR, "VZW De Patio"),
        (Rol.PLANMAKER, PLANMAKER_ORG),
    ]
    assert gestart.rollen[1].mandaat_van == [AANMELDER_ORG]
    assert gestart.trajectcoordinator_gemandateerd is True


def test_invalid_role_at_the_startgesprek_changes_nothing() -> None:
    t = nieuw_traject()
    with pytest.raises(OngeldigeInvoer) as e:
        t.houd_startgesprek(startgesprek(), rollen=[RolInTraject(rol=Rol.CASEMANAGER, organisatie="")])
    assert e.value.veld == "rollen[0].organisatie"
    assert t.status is S.IN_OPSTART and len(t.rollen) == 1 and t.events == []


# --------------------------------------------------------------------------- roles and mandate


def _tc(*mandaat: str, org: str = "VZW De Patio", persoon: str = COORDINATOR_PERSOON) -> RolInTraject:
    return RolInTraject(rol=Rol.TRAJECTCOORDINATOR, organisatie=org, persoon=persoon, mandaat_van=mandaat)


def test_rol_toegewezen_event_carries_role_organisation_and_mandate() -> None:
    t = traject_in(S.LOPEND)
    t.wijs_rol_toe(_tc(AANMELDER_ORG))
    (ev,) = t.events
    assert isinstance(ev, TrajectRolToegewezen)
    assert (ev.traject_id, ev.rol, ev.organisatie, ev.mandaat_van) == (
        t.traject_id,
        Rol.TRAJECTCOORDINATOR,
        "VZW De Patio",
        [AANMELDER_ORG],
    )
    assert "persoon" not in TrajectRolToegewezen.model_fields
    assert COORDINATOR_PERSOON not in ev.model_dump_json()


def test_warns_without_trajectcoordinator() -> None:
    t = traject_in(S.LOPEND)
    assert t.trajectcoordinator is None
    assert t.zonder_gemandateerde_trajectcoordinator is True
    assert t.ontbrekend_mandaat == {AANMELDER_ORG, "VZW De Patio"}


def test_warns_when_an_involved_organisation_did_not_mandate() -> None:
    t = traject_in(S.LOPEND)
    t.voeg_partner_toe("CLB Trikant")
    t.wijs_rol_toe(_tc(AANMELDER_ORG))
    assert t.zonder_gemandateerde_trajectcoordinator is True
    assert t.ontbrekend_mandaat == {"CLB Trikant"}


def test_no_warning_when_all_involved_organisations_mandate() -> None:
    t = traject_in(S.LOPEND)
    t.voeg_partner_toe("CLB Trikant")
    t.wijs_rol_toe(RolInTraject(rol=Rol.JEUGDHULPREGISSEUR, organisatie="ACT W-VL"))
    t.wijs_rol_toe(_tc(AANMELDER_ORG, "CLB Trikant", "ACT W-VL"))
    # the planmaker's organisation (process facilitator) and the coördinator's own organisation need not mandate
    assert t.betrokken_organisaties == {AANMELDER_ORG, "VZW De Patio", "CLB Trikant", "ACT W-VL"}
    assert t.ontbrekend_mandaat == frozenset()
    assert t.zonder_gemandateerde_trajectcoordinator is False


def test_a_new_trajectcoordinator_replaces_the_old_one() -> None:
    t = traject_in(S.LOPEND)
    t.wijs_rol_toe(_tc(AANMELDER_ORG))
    t.wijs_rol_toe(_tc("VZW De Patio", org=AANMELDER_ORG, persoon="Iemand Anders"))
    tcs = [r for r in t.rollen if r.rol is Rol.TRAJECTCOORDINATOR]
    assert len(tcs) == 1 and tcs[0].organisatie == AANMELDER_ORG
    assert t.trajectcoordinator_gemandateerd is True


def test_same_person_same_role_is_updated_other_persons_are_added() -> None:
    t = traject_in(S.LOPEND)
    t.wijs_rol_toe(RolInTraject(rol=Rol.PLANMAKER, organisatie=PLANMAKER_ORG, persoon="Piet"))
    t.wijs_rol_toe(RolInTraject(rol=Rol.PLANMAKER, organisatie=PLANMAKER_ORG, persoon="Piet", mandaat_van=("x",)))
    t.wijs_rol_toe(RolInTraject(rol=Rol.PLANMAKER, organisatie=PLANMAKER_ORG, persoon="Els"))
    planmakers = [r for r in t.rollen if r.rol is Rol.PLANMAKER]
    assert [(r.persoon, r.mandaat_van) for r in planmakers] == [
        ("Piet Planmaker", ()),  # from the builder
        ("Piet", ("x",)),
        ("Els", ()),
    ]
    assert len(t.events) == 3


@pytest.mark.parametrize(
    ("rol", "veld"),
    [
        (RolInTraject(rol=Rol.CASEMANAGER, organisatie=""), "rol.organisatie"),
        (RolInTraject(rol=Rol.CASEMANAGER, organisatie="CAW", persoon=" "), "rol.persoon"),
        (RolInTraject(rol=Rol.CASEMANAGER, organisatie="CAW", mandaat_van=("ok", "")), "rol.mandaatVan[1]"),
        (RolInTraject(rol="BUDDY", organisatie="CAW"), "rol.rol"),  # type: ignore[arg-type]
    ],
)
def test_invalid_roles_are_refused(rol: RolInTraject, veld: str) -> None:
    t = traject_in(S.LOPEND)
    with pytest.raises(OngeldigeInvoer) as e:
        t.wijs_rol_toe(rol)
    assert e.value.veld == veld
    assert t.events == []


def test_voeg_partner_toe_is_idempotent_and_needs_a_name() -> None:
    t = traject_in(S.LOPEND)
    assert t.voeg_partner_toe("CLB Trikant") is True
    assert t.voeg_partner_toe("CLB Trikant") is False
    assert t.partners.count("CLB Trikant") == 1
    with pytest.raises(OngeldigeInvoer) as e:
        t.voeg_partner_toe("")
    assert e.value.veld == "organisatie"
    assert t.events == []


def test_afspraken_fixture_is_complete() -> None:
    # guard against a builder that would hide the afspraken rule
    assert AFSPRAKEN.overzicht_bewaarder is not None and AFSPRAKEN.ronde_tafels_organisator is not None
    assert isinstance(nieuw_traject(), Traject)
