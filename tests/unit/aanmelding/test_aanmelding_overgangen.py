"""Every state × action of the aanmelding state machine (domain guide §5.1).

The expected table is written out here, independently of ``OVERGANGEN``, so a change to the production table
must be a deliberate change to this test too.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from aanmelding.domain import (
    OVERGANGEN,
    Aanmelding,
    AanmeldingActie,
    AanmeldingStatus,
    InstemmingDoor,
    InstemmingScope,
    toegestane_acties,
)
from jeugdhulp_common.contracts.aanmelding import (
    AanmeldingGescreend,
    AanmeldingNietOpgestart,
    AanmeldingOpgestart,
    InstemmingVastgelegd,
)
from jeugdhulp_common.contracts.vocabulary import RedenNietOpstart
from jeugdhulp_common.domain import OngeldigeOvergang
from jeugdhulp_common.events import Event

S = AanmeldingStatus
A = AanmeldingActie

VERWACHT: dict[tuple[AanmeldingActie, AanmeldingStatus], AanmeldingStatus] = {
    (A.SCREENEN, S.ONTVANGEN): S.GESCREEND,
    (A.IN_BESPREKING_NEMEN, S.GESCREEND): S.IN_BESPREKING,
    (A.OPSTART_BESLISSEN, S.IN_BESPREKING): S.WACHT_OP_INSTEMMING,
    (A.NIET_OPSTARTEN, S.GESCREEND): S.NIET_OPGESTART,
    (A.NIET_OPSTARTEN, S.IN_BESPREKING): S.NIET_OPGESTART,
    (A.NIET_OPSTARTEN, S.WACHT_OP_INSTEMMING): S.NIET_OPGESTART,
    (A.INSTEMMING_VASTLEGGEN, S.WACHT_OP_INSTEMMING): S.WACHT_OP_INSTEMMING,
    (A.INSTEMMING_INTREKKEN, S.WACHT_OP_INSTEMMING): S.WACHT_OP_INSTEMMING,
    (A.INSTEMMING_INTREKKEN, S.OPGESTART): S.OPGESTART,
    (A.INSTEMMING_INTREKKEN, S.NIET_OPGESTART): S.NIET_OPGESTART,
    (A.OPSTARTEN, S.WACHT_OP_INSTEMMING): S.OPGESTART,
}

ALLE = list(itertools.product(A, S))
LEGAAL = [(actie, van, naar) for (actie, van), naar in VERWACHT.items()]
ILLEGAAL = [(actie, van) for actie, van in ALLE if (actie, van) not in VERWACHT]

NIET_OPSTART_REDEN = {
    S.GESCREEND: RedenNietOpstart.EXCLUSIE_LEEFTIJD,
    S.IN_BESPREKING: RedenNietOpstart.GEEN_CAPACITEIT,
    S.WACHT_OP_INSTEMMING: RedenNietOpstart.GEEN_INSTEMMING,
}


def _voer_uit(actie: AanmeldingActie, a: Aanmelding, b) -> None:
    """Run ``actie`` with arguments that satisfy its guards when the state is right."""
    acties: dict[AanmeldingActie, Callable[[], object]] = {
        A.SCREENEN: lambda: a.screenen(b.regels, nu=b.nu),
        A.IN_BESPREKING_NEMEN: lambda: a.in_bespreking_nemen(nu=b.nu),
        A.OPSTART_BESLISSEN: lambda: a.opstart_beslissen(nu=b.nu),
        A.NIET_OPSTARTEN: lambda: a.niet_opstarten(
            reden=NIET_OPSTART_REDEN.get(a.status, RedenNietOpstart.GEEN_CAPACITEIT),
            alternatief_advies=b.advies,
            nu=b.nu,
        ),
        A.INSTEMMING_VASTLEGGEN: lambda: a.instemming_vastleggen(
            door=InstemmingDoor.JONGERE, op=b.nu, scope={InstemmingScope.TRAJECT_OPSTART}, nu=b.nu
        ),
        A.INSTEMMING_INTREKKEN: lambda: a.instemming_intrekken(
            next(i for i in a.instemmingen if i.actief).instemming_id, op=b.nu, nu=b.nu
        ),
        A.OPSTARTEN: lambda: a.opstarten(nu=b.nu),
    }
    acties[actie]()


def _klaar_voor(actie: AanmeldingActie, van: AanmeldingStatus, b) -> Aanmelding:
    """An aanmelding in ``van`` reached along the real path, with what the action's guards need."""
    if actie is A.NIET_OPSTARTEN and van is S.GESCREEND:
        return b.in_status(van, screening_ok=False)  # an EXCLUSIE_* reason needs a failed criterion
    if actie is A.INSTEMMING_INTREKKEN and van is S.NIET_OPGESTART:
        return b.in_status(van, instemmingen=(InstemmingDoor.OUDER,), niet_opgestart_vanuit=S.WACHT_OP_INSTEMMING)
    if actie in (A.INSTEMMING_INTREKKEN, A.OPSTARTEN):
        return b.in_status(van, instemmingen=(InstemmingDoor.JONGERE,))
    return b.in_status(van)


VERWACHTE_EVENTS: dict[AanmeldingActie, list[type[Event]]] = {
    A.SCREENEN: [AanmeldingGescreend],
    A.IN_BESPREKING_NEMEN: [],  # no contract event for this step (§10)
    A.OPSTART_BESLISSEN: [],  # idem
    A.NIET_OPSTARTEN: [AanmeldingNietOpgestart],
    A.INSTEMMING_VASTLEGGEN: [InstemmingVastgelegd],
    A.INSTEMMING_INTREKKEN: [InstemmingVastgelegd],
    A.OPSTARTEN: [AanmeldingOpgestart],
}


def test_productietabel_is_de_verwachte_tabel() -> None:
    tabel = {(actie, van): naar for actie, rij in OVERGANGEN.rijen.items() for van, naar in rij.items()}
    assert tabel == VERWACHT


def test_matrix_is_volledig() -> None:
    assert len(ALLE) == len(A) * len(S) == 42
    assert len(LEGAAL) + len(ILLEGAAL) == 42
    assert len(LEGAAL) == 11


@pytest.mark.parametrize(("actie", "van", "naar"), LEGAAL, ids=lambda x: str(x))
def test_legale_overgang_werkt(actie: AanmeldingActie, van: AanmeldingStatus, naar: AanmeldingStatus, bouwer) -> None:
    a = _klaar_voor(actie, van, bouwer)
    assert a.status is van
    _voer_uit(actie, a, bouwer)
    assert a.status is naar
    assert [type(e) for e in a.events] == VERWACHTE_EVENTS[actie]
    assert all(e.key == str(a.aanmelding_id) for e in a.events)


@pytest.mark.parametrize(("actie", "van"), ILLEGAAL, ids=lambda x: str(x))
def test_illegale_overgang_geweigerd(actie: AanmeldingActie, van: AanmeldingStatus, bouwer) -> None:
    a = bouwer.hersteld(van)
    with pytest.raises(OngeldigeOvergang) as fout:
        _voer_uit(actie, a, bouwer)
    assert fout.value.aggregate == "Aanmelding"
    assert fout.value.toestand == van.value
    assert fout.value.actie == actie.value
    assert a.status is van
    assert a.events == []


@pytest.mark.parametrize(("actie", "van"), ALLE, ids=lambda x: str(x))
def test_volgende_volgt_de_tabel(actie: AanmeldingActie, van: AanmeldingStatus) -> None:
    if (actie, van) in VERWACHT:
        assert OVERGANGEN.volgende(van, actie) is VERWACHT[(actie, van)]
        assert OVERGANGEN.mag(van, actie)
    else:
        assert not OVERGANGEN.mag(van, actie)
        with pytest.raises(OngeldigeOvergang):
            OVERGANGEN.volgende(van, actie)


@pytest.mark.parametrize(
    ("status", "acties"),
    [
        (S.ONTVANGEN, {A.SCREENEN}),
        (S.GESCREEND, {A.IN_BESPREKING_NEMEN, A.NIET_OPSTARTEN}),
        (S.IN_BESPREKING, {A.OPSTART_BESLISSEN, A.NIET_OPSTARTEN}),
        (
            S.WACHT_OP_INSTEMMING,
            {A.NIET_OPSTARTEN, A.INSTEMMING_VASTLEGGEN, A.INSTEMMING_INTREKKEN, A.OPSTARTEN},
        ),
        (S.OPGESTART, {A.INSTEMMING_INTREKKEN}),
        (S.NIET_OPGESTART, {A.INSTEMMING_INTREKKEN}),
    ],
)
def test_toegestane_acties(status: AanmeldingStatus, acties: set[AanmeldingActie]) -> None:
    assert toegestane_acties(status) == acties


def test_nieuwe_aanmelding_is_ontvangen(bouwer) -> None:
    assert bouwer.nieuw().status is S.ONTVANGEN


@pytest.mark.parametrize(
    ("status", "open_"),
    [(S.ONTVANGEN, True), (S.GESCREEND, True), (S.IN_BESPREKING, True), (S.WACHT_OP_INSTEMMING, True),
     (S.OPGESTART, False), (S.NIET_OPGESTART, False)],
)
def test_open_toestanden(status: AanmeldingStatus, open_: bool, bouwer) -> None:
    assert status.is_open is open_
    assert bouwer.hersteld(status).is_open is open_
