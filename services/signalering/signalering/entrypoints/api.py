"""HTTP routes (thin): parse, check the role, call a use case with a unit of work, answer with a view.

Roles: the CONCEPT queue and the release gate — PLANMAKER, COORDINATOR; lerend netwerk — PLANMAKER, COORDINATOR,
STUURGROEP; forum, actiepunten, beleidsaanbevelingen — STUURGROEP, COORDINATOR; the anonymous read APIs (themes,
backlogs, sessions, fora, actiepunten, aanbevelingen) — any authenticated caller, PARTNER included. Refusals are
domain errors, answered by the one table of jeugdhulp_common.problems.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Query
from jeugdhulp_common.auth import STUURGROEP_EN_COORDINATOR, TEAM, TEAM_EN_STUURGROEP, Principal
from jeugdhulp_common.paging import Limit, Offset, Page
from jeugdhulp_common.service import Runtime

from signalering.domain import ActiepuntActie, ActiepuntOpdracht, Deelnemer, Doelstelling, ForumDeelnemer, PostIt, Stelling
from signalering.entrypoints.schemas import (
    AanbevelingUit,
    ActiepuntActieIn,
    ActiepuntUit,
    BacklogThemaUit,
    DeelnemerIn,
    Deelnemers,
    DoelstellingIn,
    ForumBacklogUit,
    ForumDeelnemerIn,
    ForumUit,
    NieuwActiepunt,
    NieuweAanbeveling,
    NieuweSessie,
    NieuweTafel,
    NieuweTafelUit,
    NieuwForum,
    NieuwThema,
    PostItIn,
    Prioritering,
    SessieUit,
    SignaalUit,
    SignaalWijziging,
    StellingIn,
    TellingUit,
    Terugkoppelen,
    ThemaKeuze,
    ThemaKortUit,
    ThemaUit,
    Uitkomst,
)
from signalering.service_layer import usecases as uc
from signalering.service_layer import views
from signalering.service_layer.unit_of_work import SignaleringUnitOfWork

T = TypeVar("T")


def routers(rt: Runtime) -> list[APIRouter]:
    s = rt.settings
    regels = s.regels()  # type: ignore[attr-defined]
    r = APIRouter()
    team, ln, macro, wie_dan_ook = rt.require(*TEAM), rt.require(*TEAM_EN_STUURGROEP), rt.require(*STUURGROEP_EN_COORDINATOR), rt.require()
    minimum = regels.minimum_celgrootte

    def uow(wie: Principal | None = None) -> SignaleringUnitOfWork:
        return SignaleringUnitOfWork(rt.engine, principal=wie, regels=regels)

    async def lees(fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """A read model (a view), in a unit of work that changes nothing."""
        async with uow() as u:
            return await fn(u, *args, **kwargs)

    def klein(wie: Principal, waarde: Any) -> Any:
        """Small-cell suppression for readers outside the team (the team sees exact counts)."""
        return waarde if wie.is_team else views.onderdruk_aantallen(waarde, minimum=minimum)

    def pagina(items: list[Any], totaal: int, limit: int, offset: int) -> dict[str, Any]:
        return {"items": items, "total": totaal, "limit": limit, "offset": offset}

    def snede(alles: list[Any], limit: int, offset: int) -> dict[str, Any]:
        """A page cut from a list that is ranked or suppressed as a whole (backlogs, counts)."""
        return pagina(alles[offset : offset + limit], len(alles), limit, offset)

    # -------------------------------------------------------------- signals: the de-identification gate

    @r.get("/signalen", tags=["signalen"], response_model=Page[SignaalUit])
    async def lijst_signalen(
        limit: Limit = 50,
        offset: Offset = 0,
        status: Literal["CONCEPT", "VRIJGEGEVEN", "GEKOPPELD"] | None = Query("CONCEPT"),
        wie: Principal = Depends(team),
    ) -> dict[str, Any]:
        """The CONCEPT queue (default) or released signals, oldest first. Detected personal data is masked as ``[KIND]``."""
        signalen, totaal = await uc.lees_signalen(uow(wie), status, limit=limit, offset=offset)
        return pagina([views.signaal(x) for x in signalen], totaal, limit, offset)

    @r.get("/signalen/{signaal_id}", tags=["signalen"], response_model=SignaalUit)
    async def een_signaal(signaal_id: uuid.UUID, wie: Principal = Depends(team)) -> dict[str, Any]:
        return views.signaal(await uc.lees_signaal(uow(wie), signaal_id))

    @r.patch("/signalen/{signaal_id}", tags=["signalen"], response_model=SignaalUit)
    async def bewerk_signaal(signaal_id: uuid.UUID, body: SignaalWijziging, wie: Principal = Depends(team)) -> dict[str, Any]:
        return views.signaal(
            await uc.bewerk_signaal(uow(wie), signaal_id, tekst=body.tekst, levensdomeinen=body.levensdomeinen, sectoren=body.sectoren)
        )

    @r.post("/signalen/{signaal_id}/vrijgeven", tags=["signalen"], response_model=SignaalUit)
    async def vrijgeven(signaal_id: uuid.UUID, body: ThemaKeuze | None = None, wie: Principal = Depends(team)) -> dict[str, Any]:
        """Release (§9 rule 2). 409 naming the field (``tekst``, ``levensdomeinen``) and the KINDS of personal data
        still found (``soorten``; never the data)."""
        return views.signaal(await uc.vrijgeven(uow(wie), signaal_id, (body or ThemaKeuze()).thema_ids))

    @r.post("/signalen/{signaal_id}/themas", tags=["signalen"], response_model=SignaalUit)
    async def koppel(signaal_id: uuid.UUID, body: ThemaKeuze, wie: Principal = Depends(team)) -> dict[str, Any]:
        return views.signaal(await uc.koppel(uow(wie), signaal_id, body.thema_ids))

    # -------------------------------------------------------------- themes and backlogs (anonymous reads)

    @r.get("/themas", tags=["themas"], response_model=Page[ThemaKortUit])
    async def themas(limit: Limit = 50, offset: Offset = 0, wie: Principal = Depends(wie_dan_ook)) -> dict[str, Any]:
        """The themes by name."""
        items, totaal = await lees(views.themas, limit=limit, offset=offset)
        return pagina(klein(wie, items), totaal, limit, offset)

    @r.post("/themas", status_code=201, tags=["themas"], response_model=ThemaUit)
    async def nieuw_thema(body: NieuwThema, wie: Principal = Depends(ln)) -> dict[str, Any]:
        """409 (field ``naam``) when a theme with this name exists (ignoring case)."""
        return await lees(views.thema, (await uc.nieuw_thema(uow(wie), body.naam, body.subthemas)).thema_id)

    @r.get("/themas/{thema_id}", tags=["themas"], response_model=ThemaUit)
    async def thema(thema_id: uuid.UUID, wie: Principal = Depends(wie_dan_ook)) -> dict[str, Any]:
        """A theme with its counts (distinct trajecten, signals) and history. Outside the team, counts from 1 to
        SIGNALERING_MINIMUM_CELGROOTTE - 1 are null."""
        return klein(wie, await lees(views.thema, thema_id))

    @r.post("/themas/{thema_id}/naar-stuurgroep", tags=["themas"], response_model=ThemaUit)
    async def naar_stuurgroep(thema_id: uuid.UUID, wie: Principal = Depends(macro)) -> dict[str, Any]:
        await uc.thema_naar_stuurgroep(uow(wie), thema_id)
        return await lees(views.thema, thema_id)

    @r.get("/lerend-netwerk/backlog", tags=["lerend netwerk"], response_model=Page[BacklogThemaUit])
    async def ln_backlog(limit: Limit = 50, offset: Offset = 0, wie: Principal = Depends(wie_dan_ook)) -> dict[str, Any]:
        """Recurring themes without a lerend netwerk yet: most distinct trajecten first, then most recent."""
        return snede(klein(wie, await lees(views.lerend_netwerk_backlog_view)), limit, offset)

    @r.get("/forum/backlog", tags=["forum"], response_model=Page[ForumBacklogUit])
    async def forum_backlog(limit: Limit = 50, offset: Offset = 0, _: Principal = Depends(wie_dan_ook)) -> dict[str, Any]:
        """Bevindingen (subthemes of held lerende netwerken) not yet at a discussietafel."""
        return snede(await lees(views.forum_backlog_view), limit, offset)

    @r.get("/tellingen", tags=["themas"], response_model=Page[TellingUit])
    async def tellingen(limit: Limit = 200, offset: Offset = 0, wie: Principal = Depends(wie_dan_ook)) -> dict[str, Any]:
        """Anonymous counts by code (blokkade changes, reasons of non-start, afronding), per year; never crossed.
        Outside the team, counts from 1 to SIGNALERING_MINIMUM_CELGROOTTE - 1 are null, with complementary
        suppression within each source and year (its total can be added up)."""
        rijen = await lees(views.tellingen)
        if not wie.is_team:
            rijen = views.onderdruk_tellingen(rijen, minimum=minimum)
        return snede(rijen, limit, offset)

    # -------------------------------------------------------------- lerend netwerk sessions

    def _deelnemers(ds: list[DeelnemerIn]) -> list[Deelnemer]:
        return [Deelnemer(d.functie, d.organisatie) for d in ds]

    @r.post("/lerend-netwerk/sessies", status_code=201, tags=["lerend netwerk"], response_model=SessieUit)
    async def plan_sessie(body: NieuweSessie, wie: Principal = Depends(ln)) -> dict[str, Any]:
        return views.sessie(await uc.plan_sessie(uow(wie), body.thema_id, body.datum, _deelnemers(body.deelnemers)))

    @r.get("/lerend-netwerk/sessies/{sessie_id}", tags=["lerend netwerk"], response_model=SessieUit)
    async def sessie(sessie_id: uuid.UUID, _: Principal = Depends(wie_dan_ook)) -> dict[str, Any]:
        return views.sessie(await lees(lambda u: u.sessies.lees(sessie_id)))

    @r.post("/lerend-netwerk/sessies/{sessie_id}/stellingen", tags=["lerend netwerk"], response_model=SessieUit)
    async def stelling(sessie_id: uuid.UUID, body: StellingIn, wie: Principal = Depends(ln)) -> dict[str, Any]:
        nieuw = Stelling(body.tekst, body.akkoord, body.niet_akkoord, body.discussie)
        return views.sessie(await uc.wijzig_sessie(uow(wie), sessie_id, "STELLING", lambda s: s.voeg_stelling_toe(nieuw)))

    @r.post("/lerend-netwerk/sessies/{sessie_id}/post-its", tags=["lerend netwerk"], response_model=SessieUit)
    async def post_it(sessie_id: uuid.UUID, body: PostItIn, wie: Principal = Depends(ln)) -> dict[str, Any]:
        nieuw = PostIt(body.niveau, body.vraag, body.tekst)
        return views.sessie(await uc.wijzig_sessie(uow(wie), sessie_id, "POST_IT", lambda s: s.voeg_post_it_toe(nieuw)))

    @r.patch("/lerend-netwerk/sessies/{sessie_id}/uitkomst", tags=["lerend netwerk"], response_model=SessieUit)
    async def uitkomst(sessie_id: uuid.UUID, body: Uitkomst, wie: Principal = Depends(ln)) -> dict[str, Any]:
        deelnemers = _deelnemers(body.deelnemers) if body.deelnemers is not None else None
        sessie = await uc.wijzig_sessie(
            uow(wie),
            sessie_id,
            "UITKOMST",
            lambda s: s.leg_uitkomst_vast(
                subthemas=body.subthemas,
                volgende_themas=body.volgende_themas,
                ontbrekende_partners=body.ontbrekende_partners,
                verslag=body.verslag,
                deelnemers=deelnemers,
            ),
        )
        return views.sessie(sessie)

    @r.post("/lerend-netwerk/sessies/{sessie_id}/houden", tags=["lerend netwerk"], response_model=SessieUit)
    async def houden(sessie_id: uuid.UUID, wie: Principal = Depends(ln)) -> dict[str, Any]:
        return views.sessie(await uc.houd_sessie(uow(wie), sessie_id))

    @r.post("/lerend-netwerk/sessies/{sessie_id}/annuleren", tags=["lerend netwerk"], response_model=SessieUit)
    async def annuleren(sessie_id: uuid.UUID, wie: Principal = Depends(ln)) -> dict[str, Any]:
        return views.sessie(await uc.annuleer_sessie(uow(wie), sessie_id))

    # -------------------------------------------------------------- netwerkforum

    def _fd(ds: list[ForumDeelnemerIn]) -> list[ForumDeelnemer]:
        return [ForumDeelnemer(d.organisatie, d.sector, d.aantal) for d in ds]

    @r.post("/fora", status_code=201, tags=["forum"], response_model=ForumUit)
    async def plan_forum(body: NieuwForum, wie: Principal = Depends(macro)) -> dict[str, Any]:
        return await lees(views.forum, (await uc.plan_forum(uow(wie), body.datum, body.vorm, _fd(body.deelnemers))).forum_id)

    @r.get("/fora/{forum_id}", tags=["forum"], response_model=ForumUit)
    async def forum(forum_id: uuid.UUID, _: Principal = Depends(wie_dan_ook)) -> dict[str, Any]:
        """A forum with its attendance and its tables (bevindingen, prioritering, doelstelling, actiepunten)."""
        return await lees(views.forum, forum_id)

    @r.put("/fora/{forum_id}/deelnemers", tags=["forum"], response_model=ForumUit)
    async def deelnemers(forum_id: uuid.UUID, body: Deelnemers, wie: Principal = Depends(macro)) -> dict[str, Any]:
        await uc.registreer_deelnemers(uow(wie), forum_id, _fd(body.deelnemers))
        return await lees(views.forum, forum_id)

    @r.post("/fora/{forum_id}/tafels", status_code=201, tags=["forum"], response_model=NieuweTafelUit)
    async def tafel(forum_id: uuid.UUID, body: NieuweTafel, wie: Principal = Depends(macro)) -> dict[str, Any]:
        """409 (field ``subthemas``) when a subtheme named is not a bevinding of the theme."""
        nieuw = await uc.open_tafel(uow(wie), forum_id, body.thema_id, body.subthemas)
        return {"tafelId": str(nieuw.tafel_id), "forum": await lees(views.forum, forum_id)}

    @r.put("/fora/{forum_id}/tafels/{tafel_id}/prioritering", tags=["forum"], response_model=ForumUit)
    async def prioritering(forum_id: uuid.UUID, tafel_id: uuid.UUID, body: Prioritering, wie: Principal = Depends(macro)) -> dict[str, Any]:
        """Percentages per subtheme; refused (409, field ``prioritering``) unless they sum to exactly 100."""
        await uc.prioriteer(uow(wie), forum_id, tafel_id, body.prioritering)
        return await lees(views.forum, forum_id)

    @r.put("/fora/{forum_id}/tafels/{tafel_id}/doelstelling", tags=["forum"], response_model=ForumUit)
    async def doelstelling(forum_id: uuid.UUID, tafel_id: uuid.UUID, body: DoelstellingIn, wie: Principal = Depends(macro)) -> dict[str, Any]:
        await uc.doelstelling(uow(wie), forum_id, tafel_id, Doelstelling(body.wat, body.wie, body.hoe))
        return await lees(views.forum, forum_id)

    @r.post("/fora/{forum_id}/tafels/{tafel_id}/actiepunten", status_code=201, tags=["forum"], response_model=ActiepuntUit)
    async def actiepunt(forum_id: uuid.UUID, tafel_id: uuid.UUID, body: NieuwActiepunt, wie: Principal = Depends(macro)) -> dict[str, Any]:
        ap = await uc.actiepunt_toevoegen(
            uow(wie), forum_id, tafel_id, subthema=body.subthema, tekst=body.tekst, adres_niveau=body.adres_niveau, eigenaar=body.eigenaar
        )
        return views.actiepunt(ap, body.subthema)

    @r.post("/fora/{forum_id}/tafels/{tafel_id}/afronden", tags=["forum"], response_model=ForumUit)
    async def afronden(forum_id: uuid.UUID, tafel_id: uuid.UUID, wie: Principal = Depends(macro)) -> dict[str, Any]:
        await uc.rond_tafel_af(uow(wie), forum_id, tafel_id)
        return await lees(views.forum, forum_id)

    @r.get("/actiepunten", tags=["forum"], response_model=Page[ActiepuntUit])
    async def actiepunten(
        limit: Limit = 50,
        offset: Offset = 0,
        status: Literal["OPEN", "OPGENOMEN", "OMGEZET", "TERUGGEKOPPELD"] | None = None,
        _: Principal = Depends(wie_dan_ook),
    ) -> dict[str, Any]:
        items, totaal = await lees(views.actiepunten, status, limit=limit, offset=offset)
        return pagina(items, totaal, limit, offset)

    @r.post("/actiepunten/{actiepunt_id}/status", tags=["forum"], response_model=ActiepuntUit)
    async def actiepunt_status(actiepunt_id: uuid.UUID, body: ActiepuntActieIn, wie: Principal = Depends(macro)) -> dict[str, Any]:
        opdracht = ActiepuntOpdracht(ActiepuntActie(body.actie), eigenaar=body.eigenaar, naar_organisaties=body.naar_organisaties)
        return views.actiepunt(await uc.actiepunt_actie(uow(wie), actiepunt_id, opdracht))

    # -------------------------------------------------------------- beleidsaanbevelingen

    @r.get("/beleidsaanbevelingen", tags=["beleid"], response_model=Page[AanbevelingUit])
    async def aanbevelingen(limit: Limit = 50, offset: Offset = 0, _: Principal = Depends(wie_dan_ook)) -> dict[str, Any]:
        items, totaal = await lees(views.aanbevelingen, limit=limit, offset=offset)
        return pagina(items, totaal, limit, offset)

    @r.post("/beleidsaanbevelingen", status_code=201, tags=["beleid"], response_model=AanbevelingUit)
    async def formuleer(body: NieuweAanbeveling, wie: Principal = Depends(macro)) -> dict[str, Any]:
        ab = await uc.formuleer_aanbeveling(
            uow(wie),
            niveau=body.niveau,
            thema_ids=body.thema_ids,
            tekst=body.tekst,
            randvoorwaarden=body.randvoorwaarden,
            drempels=body.drempels,
            jaar=body.jaar,
        )
        return views.aanbeveling(ab)

    @r.get("/beleidsaanbevelingen/{aanbeveling_id}", tags=["beleid"], response_model=AanbevelingUit)
    async def aanbeveling(aanbeveling_id: uuid.UUID, _: Principal = Depends(wie_dan_ook)) -> dict[str, Any]:
        return views.aanbeveling(await lees(lambda u: u.aanbevelingen.lees(aanbeveling_id)))

    @r.post("/beleidsaanbevelingen/{aanbeveling_id}/terugkoppelen", tags=["beleid"], response_model=AanbevelingUit)
    async def terugkoppelen(aanbeveling_id: uuid.UUID, body: Terugkoppelen, wie: Principal = Depends(macro)) -> dict[str, Any]:
        return views.aanbeveling(await uc.aanbeveling_terugkoppelen(uow(wie), aanbeveling_id, body.naar_organisaties))

    return [r]
