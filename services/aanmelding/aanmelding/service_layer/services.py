"""Use cases of the aanmelding service. Each takes the service's unit of work (with the caller and the clock),
loads, lets the domain decide and records what it did; the unit of work saves the aggregates, stages their events
in the outbox and writes the audit rows in ONE transaction (``jeugdhulp_common.unit_of_work``).

No HTTP and no rules here: refusals are domain errors (``jeugdhulp_common.domain``, ``aanmelding.domain.fouten``),
mapped to problem+json once for every service.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from jeugdhulp_common import audit
from jeugdhulp_common.auth import Principal
from jeugdhulp_common.contracts.vocabulary import IntakePauzeReden, RedenNietOpstart

from aanmelding.adapters.repository import Filter
from aanmelding.domain import (
    INTAKE_KEY,
    Aanmelding,
    AanmeldingActie,
    AanmeldingGegevens,
    AlternatiefAdvies,
    Instemming,
    InstemmingDoor,
    InstemmingScope,
    Intake,
    ScreeningRegels,
)
from aanmelding.service_layer.unit_of_work import AanmeldingUnitOfWork

AGGREGAAT = "Aanmelding"
INTAKE_AGGREGAAT = "Intake"


@dataclass(frozen=True)
class Ontvangst:
    status_code: int
    body: Any
    herhaald: bool  # a replay of an earlier request with the same Idempotency-Key


def _partner(principal: Principal | None) -> str | None:
    """The organisation a caller is limited to; None for the team (who acts for, and sees, all)."""
    if principal is None:
        raise ValueError("this use case needs the caller")
    return None if principal.is_team else principal.organisatie


async def ontvang_aanmelding(
    uow: AanmeldingUnitOfWork,
    gegevens: AanmeldingGegevens,
    *,
    regels: ScreeningRegels,
    idempotency_key: str,
    request_digest: str,
    antwoord: Callable[[Aanmelding], Any],
) -> Ontvangst:
    """Receive an aanmelding and screen it at once (ONTVANGEN → GESCREEND in the same transaction).

    The hot path: the key claim with the intake switch (share lock) and the advisory lock per jongereRef (one
    statement), and the duplicate lookup are the only round trips before the commit; the new row, its events, the audit rows and the remembered response
    go in one statement at commit (deferred writes of the unit of work).
    """
    async with uow:
        replay, intake = await uow.ontvangst_openen(idempotency_key, request_digest, gegevens.jongere_ref)
        if replay is not None:
            return Ontvangst(replay.status_code, replay.response, herhaald=True)
        bestaande = await uow.aanmeldingen.voor_jongere(gegevens.jongere_ref)
        nu = uow.klok.nu()
        aanmelding = Aanmelding.ontvangen(gegevens, intake=intake, nu=nu, bestaande=bestaande, partner=_partner(uow.principal))
        aanmelding.screenen(regels, nu=nu)
        uow.aanmeldingen.add(aanmelding)
        uow.audit(audit.AANMAKEN, AGGREGAAT, aanmelding.aanmelding_id)
        uow.audit(AanmeldingActie.SCREENEN.name, AGGREGAAT, aanmelding.aanmelding_id)
        body = antwoord(aanmelding)
        await uow.onthoud_antwoord(idempotency_key, 201, body)
    return Ontvangst(201, body, herhaald=False)


async def lees_aanmelding(uow: AanmeldingUnitOfWork, aanmelding_id: uuid.UUID) -> Aanmelding:
    """One aanmelding; another organisation's is NietGevonden (404) for a partner. The read is audited."""
    async with uow:
        aanmelding = await uow.aanmeldingen.lees_zichtbaar(aanmelding_id, _partner(uow.principal))
        uow.audit(audit.LEZEN, AGGREGAAT, aanmelding_id)
    return aanmelding


async def lijst_aanmeldingen(
    uow: AanmeldingUnitOfWork,
    *,
    status: Iterable[str] = (),
    regio: Iterable[str] = (),
    ontvangen_van: dt.datetime | None = None,
    ontvangen_tot: dt.datetime | None = None,
    limit: int,
    offset: int,
) -> tuple[list[Aanmelding], int]:
    """A page of aanmeldingen (a partner's own only); each one returned is audited as read."""
    f = Filter(
        organisatie=_partner(uow.principal),
        status=tuple(status),
        regio=tuple(regio),
        ontvangen_van=ontvangen_van,
        ontvangen_tot=ontvangen_tot,
    )
    async with uow:
        items, total = await uow.aanmeldingen.lijst(f, limit=limit, offset=offset)
        uow.audit(audit.LEZEN, AGGREGAAT, *(a.aanmelding_id for a in items))
    return items, total


# ---------------------------------------------------------------------- team decisions


async def in_bespreking_nemen(uow: AanmeldingUnitOfWork, aanmelding_id: uuid.UUID) -> Aanmelding:
    async with uow.wijziging("aanmeldingen", aanmelding_id, AanmeldingActie.IN_BESPREKING_NEMEN.name) as a:
        a.in_bespreking_nemen(nu=uow.klok.nu())
    return a


async def opstart_beslissen(uow: AanmeldingUnitOfWork, aanmelding_id: uuid.UUID) -> Aanmelding:
    async with uow.wijziging("aanmeldingen", aanmelding_id, AanmeldingActie.OPSTART_BESLISSEN.name) as a:
        a.opstart_beslissen(nu=uow.klok.nu())
    return a


async def niet_opstarten(
    uow: AanmeldingUnitOfWork, aanmelding_id: uuid.UUID, *, reden: RedenNietOpstart, alternatief_advies: AlternatiefAdvies | None
) -> Aanmelding:
    async with uow.wijziging("aanmeldingen", aanmelding_id, AanmeldingActie.NIET_OPSTARTEN.name) as a:
        a.niet_opstarten(reden=reden, alternatief_advies=alternatief_advies, nu=uow.klok.nu())
    return a


async def instemming_vastleggen(
    uow: AanmeldingUnitOfWork,
    aanmelding_id: uuid.UUID,
    *,
    door: InstemmingDoor,
    op: dt.datetime,
    scope: Iterable[InstemmingScope],
    instemming_id: uuid.UUID | None = None,
) -> tuple[Aanmelding, Instemming]:
    async with uow.wijziging("aanmeldingen", aanmelding_id, AanmeldingActie.INSTEMMING_VASTLEGGEN.name) as a:
        i = a.instemming_vastleggen(door=door, op=op, scope=tuple(scope), nu=uow.klok.nu(), instemming_id=instemming_id)
    return a, i


async def instemming_intrekken(
    uow: AanmeldingUnitOfWork, aanmelding_id: uuid.UUID, instemming_id: uuid.UUID, *, op: dt.datetime
) -> tuple[Aanmelding, Instemming]:
    async with uow.wijziging("aanmeldingen", aanmelding_id, AanmeldingActie.INSTEMMING_INTREKKEN.name) as a:
        i = a.instemming_intrekken(instemming_id, op=op, nu=uow.klok.nu())
    return a, i


async def opstarten(uow: AanmeldingUnitOfWork, aanmelding_id: uuid.UUID) -> Aanmelding:
    async with uow.wijziging("aanmeldingen", aanmelding_id, AanmeldingActie.OPSTARTEN.name) as a:
        a.opstarten(nu=uow.klok.nu())
    return a


# ---------------------------------------------------------------------- intake switch


async def lees_intake(uow: AanmeldingUnitOfWork) -> Intake:
    async with uow:
        return await uow.intake.huidige()


async def intake_wijzigen(
    uow: AanmeldingUnitOfWork,
    *,
    open: bool,
    reden: str | None,
    reden_code: IntakePauzeReden = IntakePauzeReden.ANDERE,
) -> Intake:
    """Open or close intake (team). Publishes IntakeStatusGewijzigd when the state changes; a repeat changes
    nothing and is not audited."""
    async with uow:
        intake = await uow.intake.voor_wijziging()  # FOR UPDATE: waits for receipts in flight
        nu = uow.klok.nu()
        if intake.openen(nu=nu) if open else intake.sluiten(reden=reden or "", nu=nu, reden_code=reden_code):
            uow.audit("OPENEN" if open else "SLUITEN", INTAKE_AGGREGAAT, INTAKE_KEY)
    return intake
