"""The duplicate rule: a second open aanmelding for the same jongere is flagged, never merged (INFERRED)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from aanmelding.domain import (
    Aanmelding,
    AanmeldingStatus,
    InstemmingDoor,
    Intake,
    is_mogelijk_dubbel,
    open_aanmeldingen_voor,
)

S = AanmeldingStatus
REF = "ref-0001"


@dataclass(frozen=True)
class Rij:
    """A light row as storage might return it."""

    jongere_ref: str
    status: AanmeldingStatus | str
    aanmelding_id: uuid.UUID = uuid.UUID(int=0)


def _rij(status: AanmeldingStatus | str, ref: str = REF) -> Rij:
    return Rij(jongere_ref=ref, status=status, aanmelding_id=uuid.uuid4())


def test_geen_bestaande() -> None:
    assert is_mogelijk_dubbel(REF, []) is False


DUBBEL_PER_STATUS = {
    S.ONTVANGEN: True,
    S.GESCREEND: True,
    S.IN_BESPREKING: True,
    S.WACHT_OP_INSTEMMING: True,
    S.OPGESTART: False,
    S.NIET_OPGESTART: False,
}


def test_elke_status_heeft_een_verwachting() -> None:
    assert set(DUBBEL_PER_STATUS) == set(S)


@pytest.mark.parametrize(("status", "dubbel"), list(DUBBEL_PER_STATUS.items()))
def test_dubbel_alleen_naast_een_open_aanmelding(status: AanmeldingStatus, dubbel: bool) -> None:
    assert is_mogelijk_dubbel(REF, [_rij(status)]) is dubbel
    assert is_mogelijk_dubbel(REF, [_rij(status.value)]) is dubbel  # status as a stored code


def test_andere_jongere_telt_niet() -> None:
    assert is_mogelijk_dubbel(REF, [_rij(S.ONTVANGEN, ref="ref-0002")]) is False


def test_zichzelf_telt_niet() -> None:
    zelf = _rij(S.ONTVANGEN)
    assert is_mogelijk_dubbel(REF, [zelf], behalve=zelf.aanmelding_id) is False


def test_ids_van_de_open_aanmeldingen() -> None:
    open_1, open_2 = _rij(S.GESCREEND), _rij(S.WACHT_OP_INSTEMMING)
    rijen = [_rij(S.OPGESTART), open_1, _rij(S.NIET_OPGESTART), _rij(S.ONTVANGEN, ref="x"), open_2]
    assert open_aanmeldingen_voor(REF, rijen) == [open_1.aanmelding_id, open_2.aanmelding_id]


def test_ontvangen_markeert_maar_voegt_niet_samen(bouwer) -> None:
    eerste = bouwer.nieuw()
    afgesloten = bouwer.in_status(S.NIET_OPGESTART)
    tweede = Aanmelding.ontvangen(
        bouwer.gegevens(), intake=Intake(open=True), nu=bouwer.nu, bestaande=[eerste, afgesloten]
    )
    assert tweede.mogelijk_dubbel is True
    assert tweede.mogelijk_dubbel_van == (eerste.aanmelding_id,)
    # never merged: two aggregates, each with its own id, state and events
    assert tweede.aanmelding_id != eerste.aanmelding_id
    assert (tweede.status, eerste.status) == (S.ONTVANGEN, S.ONTVANGEN)
    assert [e.key for e in tweede.events] == [str(tweede.aanmelding_id)]


def test_ontvangen_zonder_open_dubbel(bouwer) -> None:
    opgestart = bouwer.in_status(S.OPGESTART, instemmingen=(InstemmingDoor.JONGERE,))
    nieuw = Aanmelding.ontvangen(bouwer.gegevens(), intake=Intake(open=True), nu=bouwer.nu, bestaande=[opgestart])
    assert nieuw.mogelijk_dubbel is False
    assert nieuw.mogelijk_dubbel_van == ()
