"""Use cases on DIW-fonds aanvragen (§4.8, §5.3). Approvals are serialised on the fund (advisory transaction
lock) and the approved total is computed inside that transaction, so two racing approvals cannot together
exceed the cap."""

from __future__ import annotations

import datetime as dt
import uuid

from jeugdhulp_common import audit, outbox
from jeugdhulp_common.auth import Principal
from jeugdhulp_common.domain import RegelGeschonden

from traject.adapters.repository import DIWRepository, TrajectRepository
from traject.domain import DIWAanvraagGegevens, DIWFondsAanvraag, TrajectStatus
from traject.service_layer.unit_of_work import DIW_AANVRAAG, Context

# INFERRED: funds are asked for a traject that has started and is not closed (the domain leaves this to us).
_TRAJECT_LOOPT = {TrajectStatus.LOPEND, TrajectStatus.TE_EVALUEREN, TrajectStatus.VERLENGD, TrajectStatus.IN_AFRONDING}


async def maak(ctx: Context, p: Principal, traject_id: uuid.UUID, gegevens: DIWAanvraagGegevens) -> DIWFondsAanvraag:
    async with ctx.sessionmaker.begin() as session:
        traject = await TrajectRepository(session).get(traject_id, for_update=True)
        if traject.status not in _TRAJECT_LOOPT:
            raise RegelGeschonden("DIW funds are asked for a running traject", veld="trajectId")
        aanvraag = DIWFondsAanvraag.nieuw(aanvraag_id=uuid.uuid4(), traject_id=traject_id, gegevens=gegevens)
        await DIWRepository(session, ctx.diw_regels).add(aanvraag)
        await outbox.add(session, aanvraag.neem_events())
        await audit.record(session, p, audit.AANMAKEN, DIW_AANVRAAG, aanvraag.aanvraag_id)
    return aanvraag


async def lees(ctx: Context, p: Principal, aanvraag_id: uuid.UUID) -> DIWFondsAanvraag:
    async with ctx.sessionmaker.begin() as session:
        aanvraag = await DIWRepository(session, ctx.diw_regels).get(aanvraag_id)
        await audit.record(session, p, audit.LEZEN, DIW_AANVRAAG, aanvraag_id)
    return aanvraag


async def van_traject(ctx: Context, p: Principal, traject_id: uuid.UUID) -> list[DIWFondsAanvraag]:
    async with ctx.sessionmaker.begin() as session:
        await TrajectRepository(session).get(traject_id)  # 404 for an unknown traject
        aanvragen = await DIWRepository(session, ctx.diw_regels).van_traject(traject_id)
        await audit.record(session, p, audit.LEZEN, DIW_AANVRAAG, *(a.aanvraag_id for a in aanvragen))
    return aanvragen


async def wijzig(ctx: Context, p: Principal, aanvraag_id: uuid.UUID, gegevens: DIWAanvraagGegevens) -> DIWFondsAanvraag:
    async def doe(a: DIWFondsAanvraag, _: DIWRepository) -> None:
        a.wijzig(gegevens)

    return await ctx.wijzig_diw(p, aanvraag_id, "WIJZIGEN", doe)


async def dien_in(ctx: Context, p: Principal, aanvraag_id: uuid.UUID, *, op: dt.date | None) -> DIWFondsAanvraag:
    dag = op or ctx.vandaag()

    async def doe(a: DIWFondsAanvraag, _: DIWRepository) -> None:
        a.indienen(op=dag, regels=ctx.diw_regels)

    return await ctx.wijzig_diw(p, aanvraag_id, "INDIENEN", doe)


async def bespreek_op_team(ctx: Context, p: Principal, aanvraag_id: uuid.UUID, *, overleg_id: uuid.UUID, op: dt.date | None) -> DIWFondsAanvraag:
    dag = op or ctx.vandaag()

    async def doe(a: DIWFondsAanvraag, _: DIWRepository) -> None:
        a.bespreek_op_team(overleg_id=overleg_id, op=dag)

    return await ctx.wijzig_diw(p, aanvraag_id, "BESPREKEN_OP_TEAM", doe)


async def keur_goed(
    ctx: Context, p: Principal, aanvraag_id: uuid.UUID, *, besluit_overleg_id: uuid.UUID, op: dt.date | None, gebruik_tot: dt.date | None
) -> DIWFondsAanvraag:
    dag = op or ctx.vandaag()

    async def doe(a: DIWFondsAanvraag, repo: DIWRepository) -> None:
        totaal = await repo.goedgekeurd_totaal(behalve=a.aanvraag_id)  # under the fund lock
        a.keur_goed(besluit_overleg_id=besluit_overleg_id, op=dag, goedgekeurd_totaal_eurocent=totaal, gebruik_tot=gebruik_tot, regels=ctx.diw_regels)

    return await ctx.wijzig_diw(p, aanvraag_id, "GOEDKEUREN", doe, fonds_vergrendelen=True)


async def wijs_af(ctx: Context, p: Principal, aanvraag_id: uuid.UUID, *, besluit_overleg_id: uuid.UUID, op: dt.date | None, reden: str) -> DIWFondsAanvraag:
    dag = op or ctx.vandaag()

    async def doe(a: DIWFondsAanvraag, _: DIWRepository) -> None:
        a.wijs_af(besluit_overleg_id=besluit_overleg_id, op=dag, reden=reden)

    return await ctx.wijzig_diw(p, aanvraag_id, "AFWIJZEN", doe)


async def start_gebruik(ctx: Context, p: Principal, aanvraag_id: uuid.UUID, *, op: dt.date | None) -> DIWFondsAanvraag:
    dag = op or ctx.vandaag()

    async def doe(a: DIWFondsAanvraag, _: DIWRepository) -> None:
        a.start_gebruik(op=dag)

    return await ctx.wijzig_diw(p, aanvraag_id, "GEBRUIK_STARTEN", doe)


async def registreer_evaluatie(ctx: Context, p: Principal, aanvraag_id: uuid.UUID, *, overleg_id: uuid.UUID, datum: dt.date) -> DIWFondsAanvraag:
    async def doe(a: DIWFondsAanvraag, _: DIWRepository) -> None:
        a.registreer_evaluatie(overleg_id=overleg_id, datum=datum)

    return await ctx.wijzig_diw(p, aanvraag_id, "EVALUATIE_REGISTREREN", doe)


async def sluit_af(ctx: Context, p: Principal, aanvraag_id: uuid.UUID, *, op: dt.date | None) -> DIWFondsAanvraag:
    dag = op or ctx.vandaag()

    async def doe(a: DIWFondsAanvraag, _: DIWRepository) -> None:
        a.sluit_af(op=dag)

    return await ctx.wijzig_diw(p, aanvraag_id, "AFSLUITEN", doe)
