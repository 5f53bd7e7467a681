"""Every traject state × action (domain guide §5.2): the table, and the aggregate's methods against it."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable

import pytest

from jeugdhulp_common.contracts.traject import (
    RondeTafelGehouden,
    SamenwerkingsoverlegGehouden,
    StartgesprekGepland,
    TrajectAfgerond,
    TrajectBlokkadeGewijzigd,
    TrajectEvaluatieVerschuldigd,
    TrajectGestart,
    TrajectRegieOvergedragen,
    TrajectRolToegewezen,
    TrajectVerlengd,
)
from jeugdhulp_common.contracts.vocabulary import AfrondingsReden, BlokkadeStatus, Rol
from jeugdhulp_common.domain import OngeldigeOvergang
from traject.domain import (
    TRAJECT_OVERGANGEN,
    RolInTraject,
    RondeTafel,
    Traject,
    TrajectActie,
    TrajectStatus,
    VraagAntwoord,
    toegestane_acties,
)

from traject_bouwers import PLANMAKER, SWO_ID, event_types, startgesprek, traject_in

S = TrajectStatus
A = TrajectActie
D = dt.date

_NIET_AFGEROND = {S.IN_OPSTART, S.LOPEND, S.TE_EVALUEREN, S.VERLENGD, S.IN_AFRONDING}
_ACTIEF = {S.LOPEND, S.TE_EVALUEREN, S.VERLENGD}

# Written out from §5.2 independently of the production table.
VERWACHT: dict[TrajectActie, dict[TrajectStatus, TrajectStatus]] = {
    A.ROL_TOEWIJZEN: {s: s for s in _NIET_AFGEROND},
    A.PARTNER_TOEVOEGEN: {s: s for s in _NIET_AFGEROND},
    A.STARTGESPREK_PLANNEN: {S.IN_OPSTART: S.IN_OPSTART},
    A.STARTGESPREK_HOUDEN: {S.IN_OPSTART: S.LOPEND},
    A.RONDE_TAFEL_HOUDEN: {S.LOPEND: S.LOPEND, S.TE_EVALUEREN: S.TE_EVALUEREN, S.VERLENGD: S.VERLENGD},
    A.EVALUATIE_VERSCHULDIGD: {S.LOPEND: S.TE_EVALUEREN, S.VERLENGD: S.TE_EVALUEREN},
    A.VERLENGEN: {S.TE_EVALUEREN: S.VERLENGD},
    A.BLOKKADE_WIJZIGEN: {s: s for s in _NIET_AFGEROND},
    A.REGIE_OVERDRAGEN: {s: s for s in _NIET_AFGEROND},
    A.SAMENWERKINGSOVERLEG_EINDE_PLANNEN: {s: S.IN_AFRONDING for s in _ACTIEF},
    A.SAMENWERKINGSOVERLEG_EINDE_HOUDEN: {S.IN_AFRONDING: S.IN_AFRONDING},
    A.AFRONDEN: {S.IN_AFRONDING: S.AFGEROND},
    A.PROJECT_EINDE: {s: S.AFGEROND for s in _NIET_AFGEROND},
}

LATER = D(2025, 6, 30)  # after every date in the builders: guards on dates pass


def _afronden(t: Traject) -> None:
    t.rond_af(besluit_overleg_id=SWO_ID, op=D(2024, 5, 2), redenen=[AfrondingsReden.BLOKKADES_DOORBROKEN])


ACTIES: dict[TrajectActie, tuple[Callable[[Traject], object], list[type], dict]] = {
    # action: (call, events of a legal call, builder kwargs)
    A.ROL_TOEWIJZEN: (
        lambda t: t.wijs_rol_toe(RolInTraject(rol=Rol.PLANMAKER, organisatie="Co-ncept", persoon="Piet Planmaker")),
        [TrajectRolToegewezen],
        {},
    ),
    A.PARTNER_TOEVOEGEN: (lambda t: t.voeg_partner_toe("CLB Trikant"), [], {}),
    A.STARTGESPREK_PLANNEN: (
        lambda t: t.plan_startgesprek(overleg_id=uuid.uuid4(), datum=D(2024, 1, 15), genodigden=[PLANMAKER]),
        [StartgesprekGepland],
        {},
    ),
    A.STARTGESPREK_HOUDEN: (lambda t: t.houd_startgesprek(startgesprek()), [TrajectGestart], {}),
    A.RONDE_TAFEL_HOUDEN: (
        lambda t: t.houd_ronde_tafel(RondeTafel(overleg_id=uuid.uuid4(), datum=D(2024, 3, 1), plan_aangepast=True)),
        [RondeTafelGehouden],
        {},
    ),
    A.EVALUATIE_VERSCHULDIGD: (lambda t: t.controleer_evaluatie(LATER), [TrajectEvaluatieVerschuldigd], {}),
    A.VERLENGEN: (lambda t: t.verleng(besluit_overleg_id=uuid.uuid4(), op=D(2024, 4, 20)), [TrajectVerlengd], {}),
    A.BLOKKADE_WIJZIGEN: (
        lambda t: t.wijzig_blokkade(status=BlokkadeStatus.GEBLOKKEERD),
        [TrajectBlokkadeGewijzigd],
        {},
    ),
    A.REGIE_OVERDRAGEN: (lambda t: t.draag_regie_over("Veilige Trajecten"), [TrajectRegieOvergedragen], {}),
    A.SAMENWERKINGSOVERLEG_EINDE_PLANNEN: (
        lambda t: t.plan_samenwerkingsoverleg_einde(overleg_id=SWO_ID, datum=D(2024, 5, 2)),
        [],
        {},
    ),
    A.SAMENWERKINGSOVERLEG_EINDE_HOUDEN: (
        lambda t: t.houd_samenwerkingsoverleg_einde(
            overleg_id=SWO_ID, datum=D(2024, 5, 2), antwoorden=[VraagAntwoord("E1", "kennismaking")]
        ),
        [SamenwerkingsoverlegGehouden],
        {},
    ),
    A.AFRONDEN: (_afronden, [TrajectAfgerond], {"swo_gehouden": True}),
    A.PROJECT_EINDE: (lambda t: t.sluit_af_wegens_projecteinde(op=D(2024, 12, 31)), [TrajectAfgerond], {}),
}


def test_the_table_is_the_one_of_the_spec() -> None:
    assert {a: dict(v) for a, v in TRAJECT_OVERGANGEN.rijen.items()} == VERWACHT


def test_every_action_has_a_test_call() -> None:
    assert set(ACTIES) == set(TrajectActie)


def test_afgerond_is_final() -> None:
    assert toegestane_acties(S.AFGEROND) == frozenset()


def test_toegestane_acties_in_opstart() -> None:
    assert toegestane_acties(S.IN_OPSTART) == {
        A.ROL_TOEWIJZEN,
        A.PARTNER_TOEVOEGEN,
        A.STARTGESPREK_PLANNEN,
        A.STARTGESPREK_HOUDEN,
        A.BLOKKADE_WIJZIGEN,
        A.REGIE_OVERDRAGEN,
        A.PROJECT_EINDE,
    }


def test_volgende_names_state_and_action() -> None:
    with pytest.raises(OngeldigeOvergang) as e:
        TRAJECT_OVERGANGEN.volgende(S.AFGEROND, A.RONDE_TAFEL_HOUDEN)
    assert (e.value.aggregate, e.value.toestand, e.value.actie) == ("Traject", "AFGEROND", "ronde_tafel_houden")


_MATRIX = list(itertools.product(TrajectStatus, TrajectActie))


@pytest.mark.parametrize(("status", "actie"), _MATRIX, ids=[f"{s.value}-{a.value}" for s, a in _MATRIX])
def test_every_state_and_action(status: TrajectStatus, actie: TrajectActie) -> None:
    doe, verwachte_events, kw = ACTIES[actie]
    t = traject_in(status, **kw)
    naar = VERWACHT[actie].get(status)
    if naar is not None:
        doe(t)
        assert t.status is naar
        assert event_types(t.events) == verwachte_events
    elif actie is A.EVALUATIE_VERSCHULDIGD:
        # The timer never raises: outside its rows it does nothing.
        assert doe(t) is False
        assert t.status is status
        assert t.events == []
    else:
        with pytest.raises(OngeldigeOvergang) as e:
            doe(t)
        assert e.value.toestand == status.value
        assert e.value.actie == actie.value
        assert t.status is status
        assert t.events == []
