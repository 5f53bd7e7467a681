"""Use cases on trajecten (§4.2, §4.3, §5.2): each opens the unit of work, loads the traject (locked for change),
lets the domain act and records what the caller did; the unit of work saves, stages the events and writes the
audit row in one transaction. Rules live in the domain; nothing here decides. The caller is ``uow.principal``;
a date left out is today (``uow.klok``); configured rules come in as arguments."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from jeugdhulp_common import audit
from jeugdhulp_common.auth import Principal
from jeugdhulp_common.contracts.vocabulary import AfrondingsReden, BlokkadeStatus

from traject.domain import (
    Deelnemer,
    RolInTraject,
    RondeTafel,
    Startgesprek,
    Traject,
    TrajectRegels,
    TrajectStatus,
    VraagAntwoord,
)
from traject.service_layer.unit_of_work import TRAJECT, TrajectUnitOfWork


def _scope(principal: Principal | None) -> str | None:
    """The organisation a caller is limited to: none for the team, its own organisation for a partner."""
    return None if principal is None or principal.is_team else principal.organisatie


async def lees(uow: TrajectUnitOfWork, traject_id: uuid.UUID) -> Traject:
    """One traject; a partner only sees it if its organisation has a role in it (else NietGevonden, §9). Audited."""
    async with uow:
        traject = await uow.trajecten.lees(traject_id, where=uow.trajecten.zichtbaar_voor(_scope(uow.principal)))
        uow.audit(audit.LEZEN, TRAJECT, traject_id)
    return traject


async def lijst(uow: TrajectUnitOfWork, *, status: TrajectStatus | None, limit: int, offset: int) -> tuple[list[Traject], int]:
    """A page of trajecten (a partner's: those in which its organisation has a role) and the total. Audited."""
    async with uow:
        trajecten, totaal = await uow.trajecten.lijst(organisatie=_scope(uow.principal), status=status, limit=limit, offset=offset)
        uow.audit(audit.LEZEN, TRAJECT, *(t.traject_id for t in trajecten))
    return trajecten, totaal


async def plan_startgesprek(uow: TrajectUnitOfWork, traject_id: uuid.UUID, *, overleg_id: uuid.UUID, datum: dt.date, genodigden: Sequence[Deelnemer]) -> Traject:
    async with uow.wijziging("trajecten", traject_id, "STARTGESPREK_PLANNEN") as t:
        t.plan_startgesprek(overleg_id=overleg_id, datum=datum, genodigden=genodigden)
    return t


async def houd_startgesprek(
    uow: TrajectUnitOfWork, traject_id: uuid.UUID, startgesprek: Startgesprek, rollen: Sequence[RolInTraject], *, regels: TrajectRegels
) -> Traject:
    async with uow.wijziging("trajecten", traject_id, "STARTGESPREK_HOUDEN") as t:
        t.houd_startgesprek(startgesprek, rollen=rollen, regels=regels)
    return t


async def wijs_rol_toe(uow: TrajectUnitOfWork, traject_id: uuid.UUID, rol: RolInTraject) -> Traject:
    async with uow.wijziging("trajecten", traject_id, "ROL_TOEWIJZEN") as t:
        t.wijs_rol_toe(rol)
    return t


async def voeg_partner_toe(uow: TrajectUnitOfWork, traject_id: uuid.UUID, organisatie: str) -> Traject:
    async with uow.wijziging("trajecten", traject_id, "PARTNER_TOEVOEGEN") as t:
        t.voeg_partner_toe(organisatie)
    return t


async def houd_ronde_tafel(uow: TrajectUnitOfWork, traject_id: uuid.UUID, ronde_tafel: RondeTafel) -> Traject:
    async with uow.wijziging("trajecten", traject_id, "RONDE_TAFEL_HOUDEN") as t:
        t.houd_ronde_tafel(ronde_tafel)
    return t


async def wijzig_blokkade(uow: TrajectUnitOfWork, traject_id: uuid.UUID, *, status: BlokkadeStatus | None, acute_crisis: bool | None) -> Traject:
    async with uow.wijziging("trajecten", traject_id, "BLOKKADE_WIJZIGEN") as t:
        t.wijzig_blokkade(status=status, acute_crisis=acute_crisis)
    return t


async def draag_regie_over(uow: TrajectUnitOfWork, traject_id: uuid.UUID, naar_organisatie: str) -> Traject:
    async with uow.wijziging("trajecten", traject_id, "REGIE_OVERDRAGEN") as t:
        t.draag_regie_over(naar_organisatie)
    return t


async def verleng(uow: TrajectUnitOfWork, traject_id: uuid.UUID, *, besluit_overleg_id: uuid.UUID, op: dt.date | None, regels: TrajectRegels) -> Traject:
    async with uow.wijziging("trajecten", traject_id, "VERLENGEN") as t:
        t.verleng(besluit_overleg_id=besluit_overleg_id, op=op or uow.klok.vandaag(), regels=regels)
    return t


async def plan_samenwerkingsoverleg_einde(uow: TrajectUnitOfWork, traject_id: uuid.UUID, *, overleg_id: uuid.UUID, datum: dt.date) -> Traject:
    async with uow.wijziging("trajecten", traject_id, "SAMENWERKINGSOVERLEG_EINDE_PLANNEN") as t:
        t.plan_samenwerkingsoverleg_einde(overleg_id=overleg_id, datum=datum)
    return t


async def houd_samenwerkingsoverleg_einde(
    uow: TrajectUnitOfWork, traject_id: uuid.UUID, *, overleg_id: uuid.UUID, datum: dt.date, antwoorden: Sequence[VraagAntwoord]
) -> Traject:
    async with uow.wijziging("trajecten", traject_id, "SAMENWERKINGSOVERLEG_EINDE_HOUDEN") as t:
        t.houd_samenwerkingsoverleg_einde(overleg_id=overleg_id, datum=datum, antwoorden=antwoorden)
    return t


async def rond_af(
    uow: TrajectUnitOfWork,
    traject_id: uuid.UUID,
    *,
    besluit_overleg_id: uuid.UUID,
    redenen: Sequence[AfrondingsReden],
    override_reden: str | None,
    op: dt.date | None,
    regels: TrajectRegels,
) -> Traject:
    async with uow.wijziging("trajecten", traject_id, "AFRONDEN") as t:
        t.rond_af(besluit_overleg_id=besluit_overleg_id, op=op or uow.klok.vandaag(), redenen=redenen, override_reden=override_reden, regels=regels)
    return t


async def sluit_af_wegens_projecteinde(uow: TrajectUnitOfWork, traject_id: uuid.UUID, *, op: dt.date | None, regels: TrajectRegels) -> Traject:
    async with uow.wijziging("trajecten", traject_id, "PROJECT_EINDE") as t:
        t.sluit_af_wegens_projecteinde(op=op or uow.klok.vandaag(), regels=regels)
    return t
