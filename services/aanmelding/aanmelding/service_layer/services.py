"""Use cases of the aanmelding service: load the aggregate, let the domain decide, then save it, stage its
events in the outbox and write the audit rows, all in ONE transaction (:class:`UnitOfWork`).

No HTTP here: refusals are domain errors (``jeugdhulp_common.domain``) or the exceptions below, which the
entrypoints map to problem+json.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jeugdhulp_common import audit, idempotency, outbox
from jeugdhulp_common.auth import Principal
from jeugdhulp_common.contracts.vocabulary import IntakePauzeReden, RedenNietOpstart
from jeugdhulp_common.domain import RegelGeschonden

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
from aanmelding.service_layer.unit_of_work import UnitOfWork

AGGREGAAT = "Aanmelding"
INTAKE_AGGREGAAT = "Intake"

T = TypeVar("T")


class IntakeGesloten(Exception):
    """Intake is closed: no new aanmeldingen (§5.1 "→ ONTVANGEN only if intakeOpen")."""

    def __init__(self, reden: str | None) -> None:
        super().__init__("intake is closed")
        self.reden = reden


class AndereOrganisatie(Exception):
    """A partner posted an aanmelding in another organisation's name."""


class OngeldigeInvoer(Exception):
    """The domain refused a field of a new aanmelding (a 422 on that field, not a state conflict)."""

    def __init__(self, veld: str, message: str) -> None:
        super().__init__(message)
        self.veld, self.message = veld, message


def _nu() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Ontvangst:
    status_code: int
    body: Any
    herhaald: bool  # a replay of an earlier request with the same Idempotency-Key


async def ontvang_aanmelding(
    sessionmaker: async_sessionmaker[AsyncSession],
    principal: Principal,
    gegevens: AanmeldingGegevens,
    *,
    regels: ScreeningRegels,
    idempotency_key: str,
    request_digest: str,
    antwoord: Callable[[Aanmelding], Any],
) -> Ontvangst:
    """Receive an aanmelding and screen it at once (ONTVANGEN → GESCREEND in the same transaction).

    A partner may refer only in its own organisation's name; the team (planmaker, coördinator) may refer
    for any organisation (§5.1 "→ ONTVANGEN: partner API / planmaker").
    """
    if not principal.is_team and gegevens.aanmelder.organisatie.strip() != principal.organisatie:
        raise AndereOrganisatie()
    nu = _nu()
    async with UnitOfWork(sessionmaker) as uow:
        replay = await idempotency.claim(uow.session, principal.organisatie, idempotency_key, request_digest)
        if replay is not None:
            return Ontvangst(replay.status_code, replay.response, herhaald=True)
        intake = await uow.intake.get()
        if not intake.open:
            raise IntakeGesloten(intake.reden)
        try:
            gegevens = gegevens.gevalideerd()
        except RegelGeschonden as exc:
            if exc.veld:
                raise OngeldigeInvoer(exc.veld, exc.message) from None
            raise
        await uow.aanmeldingen.vergrendel_jongere(gegevens.jongere_ref)
        bestaande = await uow.aanmeldingen.voor_jongere(gegevens.jongere_ref)
        aanmelding = Aanmelding.ontvangen(gegevens, intake=intake, nu=nu, bestaande=bestaande)
        aanmelding.screenen(regels, nu=nu)
        await uow.aanmeldingen.add(aanmelding)
        await outbox.add(uow.session, aanmelding.neem_events())  # AanmeldingOntvangen, AanmeldingGescreend
        await audit.record(uow.session, principal, audit.AANMAKEN, AGGREGAAT, aanmelding.aanmelding_id)
        await audit.record(uow.session, principal, AanmeldingActie.SCREENEN.name, AGGREGAAT, aanmelding.aanmelding_id)
        body = antwoord(aanmelding)
        await idempotency.remember(uow.session, principal.organisatie, idempotency_key, 201, body)
    return Ontvangst(201, body, herhaald=False)


def _zichtbaar_voor(principal: Principal) -> str | None:
    """The organisation whose aanmeldingen the caller may see; None = all (the team)."""
    return None if principal.is_team else principal.organisatie


async def lees_aanmelding(sessionmaker: async_sessionmaker[AsyncSession], principal: Principal, aanmelding_id: uuid.UUID) -> Aanmelding:
    """One aanmelding; another organisation's is NietGevonden (404) for a partner. The read is audited."""
    async with UnitOfWork(sessionmaker) as uow:
        aanmelding = await uow.aanmeldingen.get(aanmelding_id, organisatie=_zichtbaar_voor(principal))
        await audit.record(uow.session, principal, audit.LEZEN, AGGREGAAT, aanmelding_id)
    return aanmelding


async def lijst_aanmeldingen(
    sessionmaker: async_sessionmaker[AsyncSession],
    principal: Principal,
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
        organisatie=_zichtbaar_voor(principal),
        status=tuple(status),
        regio=tuple(regio),
        ontvangen_van=ontvangen_van,
        ontvangen_tot=ontvangen_tot,
    )
    async with UnitOfWork(sessionmaker) as uow:
        items, total = await uow.aanmeldingen.lijst(f, limit=limit, offset=offset)
        await audit.record(uow.session, principal, audit.LEZEN, AGGREGAAT, *(a.aanmelding_id for a in items))
    return items, total


async def _handel(
    sessionmaker: async_sessionmaker[AsyncSession],
    principal: Principal,
    aanmelding_id: uuid.UUID,
    actie: AanmeldingActie,
    doe: Callable[[Aanmelding, dt.datetime], T],
) -> tuple[Aanmelding, T]:
    """A team action: load, let the domain act, save (optimistic lock), outbox, audit; one transaction."""
    nu = _nu()
    async with UnitOfWork(sessionmaker) as uow:
        aanmelding = await uow.aanmeldingen.get(aanmelding_id)
        resultaat = doe(aanmelding, nu)
        await uow.aanmeldingen.save(aanmelding)
        await outbox.add(uow.session, aanmelding.neem_events())
        await audit.record(uow.session, principal, actie.name, AGGREGAAT, aanmelding_id)
    return aanmelding, resultaat


async def in_bespreking_nemen(sm: async_sessionmaker[AsyncSession], principal: Principal, aanmelding_id: uuid.UUID) -> Aanmelding:
    a, _ = await _handel(sm, principal, aanmelding_id, AanmeldingActie.IN_BESPREKING_NEMEN, lambda a, nu: a.in_bespreking_nemen(nu=nu))
    return a


async def opstart_beslissen(sm: async_sessionmaker[AsyncSession], principal: Principal, aanmelding_id: uuid.UUID) -> Aanmelding:
    a, _ = await _handel(sm, principal, aanmelding_id, AanmeldingActie.OPSTART_BESLISSEN, lambda a, nu: a.opstart_beslissen(nu=nu))
    return a


async def niet_opstarten(
    sm: async_sessionmaker[AsyncSession],
    principal: Principal,
    aanmelding_id: uuid.UUID,
    *,
    reden: RedenNietOpstart,
    alternatief_advies: AlternatiefAdvies | None,
) -> Aanmelding:
    a, _ = await _handel(
        sm,
        principal,
        aanmelding_id,
        AanmeldingActie.NIET_OPSTARTEN,
        lambda a, nu: a.niet_opstarten(reden=reden, alternatief_advies=alternatief_advies, nu=nu),
    )
    return a


async def instemming_vastleggen(
    sm: async_sessionmaker[AsyncSession],
    principal: Principal,
    aanmelding_id: uuid.UUID,
    *,
    door: InstemmingDoor,
    op: dt.datetime,
    scope: Iterable[InstemmingScope],
    instemming_id: uuid.UUID | None = None,
) -> tuple[Aanmelding, Instemming]:
    scope = tuple(scope)
    return await _handel(
        sm,
        principal,
        aanmelding_id,
        AanmeldingActie.INSTEMMING_VASTLEGGEN,
        lambda a, nu: a.instemming_vastleggen(door=door, op=op, scope=scope, nu=nu, instemming_id=instemming_id),
    )


async def instemming_intrekken(
    sm: async_sessionmaker[AsyncSession], principal: Principal, aanmelding_id: uuid.UUID, instemming_id: uuid.UUID, *, op: dt.datetime
) -> tuple[Aanmelding, Instemming]:
    return await _handel(
        sm, principal, aanmelding_id, AanmeldingActie.INSTEMMING_INTREKKEN, lambda a, nu: a.instemming_intrekken(instemming_id, op=op, nu=nu)
    )


async def opstarten(sm: async_sessionmaker[AsyncSession], principal: Principal, aanmelding_id: uuid.UUID) -> Aanmelding:
    a, _ = await _handel(sm, principal, aanmelding_id, AanmeldingActie.OPSTARTEN, lambda a, nu: a.opstarten(nu=nu))
    return a


async def lees_intake(sm: async_sessionmaker[AsyncSession]) -> Intake:
    async with UnitOfWork(sm) as uow:
        return await uow.intake.lees()


async def intake_wijzigen(
    sm: async_sessionmaker[AsyncSession],
    principal: Principal,
    *,
    open: bool,
    reden: str | None,
    reden_code: IntakePauzeReden = IntakePauzeReden.ANDERE,
) -> Intake:
    """Open or close intake (team). Publishes IntakeStatusGewijzigd when the state changes; a repeat is a no-op."""
    nu = _nu()
    async with UnitOfWork(sm) as uow:
        intake = await uow.intake.get(voor_wijziging=True)  # FOR UPDATE: waits for receipts in flight
        gewijzigd = intake.openen(nu=nu) if open else intake.sluiten(reden=reden or "", nu=nu, reden_code=reden_code)
        if gewijzigd:
            await uow.intake.save(intake)
            await outbox.add(uow.session, intake.neem_events())
            await audit.record(uow.session, principal, "OPENEN" if open else "SLUITEN", INTAKE_AGGREGAAT, INTAKE_KEY)
    return intake
