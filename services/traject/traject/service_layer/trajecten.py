"""Use cases on trajecten (§4.2, §4.3, §5.2): each loads, calls the domain, and saves + outbox + audit in one
transaction (:meth:`Context.wijzig_traject`). Rules live in the domain; nothing here decides."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from jeugdhulp_common import audit
from jeugdhulp_common.auth import Principal
from jeugdhulp_common.contracts.vocabulary import AfrondingsReden, BlokkadeStatus

from traject.adapters.repository import TrajectRepository
from traject.domain import (
    Deelnemer,
    RolInTraject,
    RondeTafel,
    Startgesprek,
    Traject,
    TrajectStatus,
    VraagAntwoord,
)
from traject.service_layer.unit_of_work import TRAJECT, Context


def _scope(principal: Principal) -> str | None:
    """The organisation a caller is limited to: none for the team, its own organisation for a partner."""
    return None if principal.is_team else principal.organisatie


async def lees(ctx: Context, principal: Principal, traject_id: uuid.UUID) -> Traject:
    """One traject; a partner only sees it if its organisation has a role in it (else 404, §9). Audited."""
    async with ctx.sessionmaker.begin() as session:
        traject = await TrajectRepository(session).get(traject_id, organisatie=_scope(principal))
        await audit.record(session, principal, audit.LEZEN, TRAJECT, traject_id)
    return traject


async def lijst(
    ctx: Context, principal: Principal, *, status: TrajectStatus | None, limit: int, offset: int
) -> tuple[list[Traject], int]:
    async with ctx.sessionmaker.begin() as session:
        trajecten, totaal = await TrajectRepository(session).lijst(
            organisatie=_scope(principal), status=status, limit=limit, offset=offset
        )
        await audit.record(session, principal, audit.LEZEN, TRAJECT, *(t.traject_id for t in trajecten))
    return trajecten, totaal


async def plan_startgesprek(ctx: Context, p: Principal, traject_id: uuid.UUID, *, overleg_id: uuid.UUID, datum: dt.date, genodigden: Sequence[Deelnemer]) -> Traject:
    t, _ = await ctx.wijzig_traject(
        p, traject_id, "STARTGESPREK_PLANNEN", lambda t: t.plan_startgesprek(overleg_id=overleg_id, datum=datum, genodigden=genodigden)
    )
    return t


async def houd_startgesprek(ctx: Context, p: Principal, traject_id: uuid.UUID, startgesprek: Startgesprek, rollen: Sequence[RolInTraject]) -> Traject:
    t, _ = await ctx.wijzig_traject(
        p, traject_id, "STARTGESPREK_HOUDEN", lambda t: t.houd_startgesprek(startgesprek, rollen=rollen, regels=ctx.traject_regels)
    )
    return t


async def wijs_rol_toe(ctx: Context, p: Principal, traject_id: uuid.UUID, rol: RolInTraject) -> Traject:
    t, _ = await ctx.wijzig_traject(p, traject_id, "ROL_TOEWIJZEN", lambda t: t.wijs_rol_toe(rol))
    return t


async def voeg_partner_toe(ctx: Context, p: Principal, traject_id: uuid.UUID, organisatie: str) -> Traject:
    t, _ = await ctx.wijzig_traject(p, traject_id, "PARTNER_TOEVOEGEN", lambda t: t.voeg_partner_toe(organisatie))
    return t


async def houd_ronde_tafel(ctx: Context, p: Principal, traject_id: uuid.UUID, ronde_tafel: RondeTafel) -> Traject:
    t, _ = await ctx.wijzig_traject(p, traject_id, "RONDE_TAFEL_HOUDEN", lambda t: t.houd_ronde_tafel(ronde_tafel))
    return t


async def wijzig_blokkade(ctx: Context, p: Principal, traject_id: uuid.UUID, *, status: BlokkadeStatus | None, acute_crisis: bool | None) -> Traject:
    t, _ = await ctx.wijzig_traject(
        p, traject_id, "BLOKKADE_WIJZIGEN", lambda t: t.wijzig_blokkade(status=status, acute_crisis=acute_crisis)
    )
    return t


async def draag_regie_over(ctx: Context, p: Principal, traject_id: uuid.UUID, naar_organisatie: str) -> Traject:
    t, _ = await ctx.wijzig_traject(p, traject_id, "REGIE_OVERDRAGEN", lambda t: t.draag_regie_over(naar_organisatie))
    return t


async def verleng(ctx: Context, p: Principal, traject_id: uuid.UUID, *, besluit_overleg_id: uuid.UUID, op: dt.date | None) -> Traject:
    dag = op or ctx.vandaag()
    t, _ = await ctx.wijzig_traject(
        p, traject_id, "VERLENGEN", lambda t: t.verleng(besluit_overleg_id=besluit_overleg_id, op=dag, regels=ctx.traject_regels)
    )
    return t


async def plan_samenwerkingsoverleg_einde(ctx: Context, p: Principal, traject_id: uuid.UUID, *, overleg_id: uuid.UUID, datum: dt.date) -> Traject:
    t, _ = await ctx.wijzig_traject(
        p, traject_id, "SAMENWERKINGSOVERLEG_EINDE_PLANNEN", lambda t: t.plan_samenwerkingsoverleg_einde(overleg_id=overleg_id, datum=datum)
    )
    return t


async def houd_samenwerkingsoverleg_einde(
    ctx: Context, p: Principal, traject_id: uuid.UUID, *, overleg_id: uuid.UUID, datum: dt.date, antwoorden: Sequence[VraagAntwoord]
) -> Traject:
    t, _ = await ctx.wijzig_traject(
        p,
        traject_id,
        "SAMENWERKINGSOVERLEG_EINDE_HOUDEN",
        lambda t: t.houd_samenwerkingsoverleg_einde(overleg_id=overleg_id, datum=datum, antwoorden=antwoorden),
    )
    return t


async def rond_af(
    ctx: Context,
    p: Principal,
    traject_id: uuid.UUID,
    *,
    besluit_overleg_id: uuid.UUID,
    redenen: Sequence[AfrondingsReden],
    override_reden: str | None,
    op: dt.date | None,
) -> Traject:
    dag = op or ctx.vandaag()
    t, _ = await ctx.wijzig_traject(
        p,
        traject_id,
        "AFRONDEN",
        lambda t: t.rond_af(besluit_overleg_id=besluit_overleg_id, op=dag, redenen=redenen, override_reden=override_reden, regels=ctx.traject_regels),
    )
    return t


async def sluit_af_wegens_projecteinde(ctx: Context, p: Principal, traject_id: uuid.UUID, *, op: dt.date | None) -> Traject:
    dag = op or ctx.vandaag()
    t, _ = await ctx.wijzig_traject(
        p, traject_id, "PROJECT_EINDE", lambda t: t.sluit_af_wegens_projecteinde(op=dag, regels=ctx.traject_regels)
    )
    return t
