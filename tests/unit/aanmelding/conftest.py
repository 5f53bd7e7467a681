"""Builders for the aanmelding domain tests. Fixtures only (no imports between test modules)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace
from typing import Any

import pytest

from aanmelding.domain import (
    Aanmelder,
    Aanmelding,
    AanmeldingGegevens,
    AanmeldingStatus,
    AlternatiefAdvies,
    Instemming,
    InstemmingDoor,
    InstemmingScope,
    Intake,
    ScreeningRegels,
    ScreeningResultaat,
)
from jeugdhulp_common.contracts.vocabulary import (
    AanmelderCategorie,
    Onderwerp,
    Ondersteuningsvorm,
    RedenNietOpstart,
    RedenVanAanmelding,
    RegioELZ,
)

NU = dt.datetime(2024, 3, 4, 10, 0, tzinfo=dt.UTC)
MIN_LEEFTIJD, MAX_LEEFTIJD = 10, 16  # the observed ages (§11.1); the seeds give no bounds

S = AanmeldingStatus


class Bouwer:
    """Makes aanmeldingen in a given state by running the real actions (not by restoring)."""

    nu = NU
    regels = ScreeningRegels(min_leeftijd=MIN_LEEFTIJD, max_leeftijd=MAX_LEEFTIJD)
    advies = AlternatiefAdvies(vorm=Ondersteuningsvorm.DOP)

    def later(self, minuten: int) -> dt.datetime:
        return NU + dt.timedelta(minutes=minuten)

    def gegevens(self, **velden: Any) -> AanmeldingGegevens:
        basis = AanmeldingGegevens(
            aanmelder=Aanmelder(organisatie="SDJ Brugge", categorie=AanmelderCategorie.SDJ),
            onderwerp=Onderwerp.JONGERE,
            jongere_ref="ref-0001",
            leeftijd_bij_aanmelding=14,
            regio_jongere=RegioELZ.WESTHOEK,
            redenen=(RedenVanAanmelding.REFLECTIE,),
        )
        return replace(basis, **velden)

    def open_intake(self) -> Intake:
        return Intake(open=True)

    def nieuw(self, **velden: Any) -> Aanmelding:
        return Aanmelding.ontvangen(self.gegevens(**velden), intake=self.open_intake(), nu=NU)

    def in_status(
        self,
        status: AanmeldingStatus,
        *,
        screening_ok: bool = True,
        instemmingen: tuple[InstemmingDoor, ...] = (),
        niet_opgestart_vanuit: AanmeldingStatus = S.IN_BESPREKING,
        **velden: Any,
    ) -> Aanmelding:
        """An aanmelding brought to ``status`` along the §5.1 path, events drained.

        ``instemmingen``: consents (scope TRAJECT_OPSTART) recorded while WACHT_OP_INSTEMMING, if reached.
        ``screening_ok=False`` fails the age criterion. NIET_OPGESTART is reached from ``niet_opgestart_vanuit``.
        """
        if not screening_ok:
            velden.setdefault("leeftijd_bij_aanmelding", MAX_LEEFTIJD + 1)
        a = self.nieuw(**velden)
        pad = [S.ONTVANGEN, S.GESCREEND, S.IN_BESPREKING, S.WACHT_OP_INSTEMMING]
        doel_op_pad = niet_opgestart_vanuit if status is S.NIET_OPGESTART else status
        if status is S.OPGESTART:
            doel_op_pad = S.WACHT_OP_INSTEMMING
        for stap in pad[1 : pad.index(doel_op_pad) + 1]:
            if stap is S.GESCREEND:
                a.screenen(self.regels, nu=NU)
            elif stap is S.IN_BESPREKING:
                a.in_bespreking_nemen(nu=NU)
            elif stap is S.WACHT_OP_INSTEMMING:
                a.opstart_beslissen(nu=NU)
                for door in instemmingen:
                    a.instemming_vastleggen(door=door, op=NU, scope={InstemmingScope.TRAJECT_OPSTART}, nu=NU)
        if status is S.OPGESTART:
            a.opstarten(nu=NU)
        elif status is S.NIET_OPGESTART:
            reden = {
                S.GESCREEND: RedenNietOpstart.EXCLUSIE_LEEFTIJD,
                S.IN_BESPREKING: RedenNietOpstart.GEEN_CAPACITEIT,
                S.WACHT_OP_INSTEMMING: RedenNietOpstart.GEEN_INSTEMMING,
            }[niet_opgestart_vanuit]
            a.niet_opstarten(reden=reden, alternatief_advies=self.advies, nu=NU)
        assert a.status is status
        a.neem_events()
        return a

    def hersteld(self, status: AanmeldingStatus) -> Aanmelding:
        """An aanmelding restored in ``status`` with a passed screening and an active jongere consent."""
        return Aanmelding(
            aanmelding_id=uuid.uuid4(),
            ontvangen_op=NU,
            gegevens=self.gegevens(),
            status=status,
            screening=ScreeningResultaat(regio_ok=True, leeftijd_ok=True, op=NU),
            instemmingen=[
                Instemming(
                    instemming_id=uuid.uuid4(),
                    door=InstemmingDoor.JONGERE,
                    op=NU,
                    scope=frozenset({InstemmingScope.TRAJECT_OPSTART}),
                )
            ],
        )


@pytest.fixture
def bouwer() -> Bouwer:
    return Bouwer()
