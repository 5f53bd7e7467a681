"""HTTP routes (thin): parse, check the role, call a use case, read the result back through a view.

Roles: the CONCEPT queue and the release gate — PLANMAKER, COORDINATOR; lerend netwerk — PLANMAKER, COORDINATOR,
STUURGROEP; forum, actiepunten, beleidsaanbevelingen — STUURGROEP, COORDINATOR; the anonymous read APIs (themes,
backlogs, sessions, fora, actiepunten, aanbevelingen) — any authenticated caller, PARTNER included.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from jeugdhulp_common.api import RequestBody
from jeugdhulp_common.auth import Principal, Toegangsrol
from jeugdhulp_common.contracts.vocabulary import AanbevelingNiveau, ActiepuntAdresNiveau, Niveau, Sector
from jeugdhulp_common.problems import ProblemError
from jeugdhulp_common.service import Runtime
from pydantic import Field

from signalering.domain import (
    Deelnemer,
    Doelstelling,
    ForumDeelnemer,
    ForumVorm,
    PersoonsgegevensGevonden,
    PostIt,
    PostItVraag,
    Stelling,
)
from signalering.service_layer import usecases as uc
from signalering.service_layer import views

R = Toegangsrol
TEAM = (R.PLANMAKER, R.COORDINATOR)
LN = (R.PLANMAKER, R.COORDINATOR, R.STUURGROEP)
MACRO = (R.STUURGROEP, R.COORDINATOR)


In = RequestBody


Tekst = Annotated[str, Field(max_length=4000)]
Kort = Annotated[str, Field(min_length=1, max_length=300)]


class SignaalWijziging(In):
    tekst: Tekst | None = None
    levensdomeinen: list[Kort] | None = Field(None, max_length=50)
    sectoren: list[Sector] | None = Field(None, max_length=50)


class ThemaKeuze(In):
    thema_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)


class NieuwThema(In):
    naam: Kort
    subthemas: list[Kort] = Field(default_factory=list, max_length=50)


class DeelnemerIn(In):
    functie: Kort
    organisatie: Kort


class NieuweSessie(In):
    thema_id: uuid.UUID
    datum: dt.date
    deelnemers: list[DeelnemerIn] = Field(default_factory=list, max_length=200)


class StellingIn(In):
    tekst: Tekst
    akkoord: int = Field(0, ge=0)
    niet_akkoord: int = Field(0, ge=0)
    discussie: Tekst = ""


class PostItIn(In):
    niveau: Niveau
    vraag: PostItVraag
    tekst: Tekst


class Uitkomst(In):
    subthemas: list[Kort] | None = Field(None, max_length=50)
    volgende_themas: list[Kort] | None = Field(None, max_length=50)
    ontbrekende_partners: list[Kort] | None = Field(None, max_length=200)
    verslag: Annotated[str, Field(max_length=20000)] | None = None
    deelnemers: list[DeelnemerIn] | None = Field(None, max_length=200)


class ForumDeelnemerIn(In):
    organisatie: Kort
    sector: Sector
    aantal: int = Field(1, ge=1)


class NieuwForum(In):
    datum: dt.date
    vorm: ForumVorm
    deelnemers: list[ForumDeelnemerIn] = Field(default_factory=list, max_length=500)


class Deelnemers(In):
    deelnemers: list[ForumDeelnemerIn] = Field(max_length=500)


class NieuweTafel(In):
    thema_id: uuid.UUID
    subthemas: list[Kort] | None = Field(None, max_length=50)


class Prioritering(In):
    # {subthema: whole percentage}; the domain checks the keys and that they sum to exactly 100 (409 otherwise)
    prioritering: dict[Kort, Annotated[int, Field(ge=0, le=100)]] = Field(max_length=100)


class DoelstellingIn(In):
    wat: Tekst
    wie: Tekst
    hoe: Tekst


class NieuwActiepunt(In):
    subthema: Kort
    tekst: Tekst
    adres_niveau: ActiepuntAdresNiveau
    eigenaar: Kort


class ActiepuntActie(In):
    actie: Literal["OPNEMEN", "OMZETTEN", "TERUGKOPPELEN"]
    eigenaar: Kort | None = None
    naar_organisaties: list[Kort] | None = Field(None, max_length=200)


class NieuweAanbeveling(In):
    niveau: AanbevelingNiveau
    thema_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    tekst: Tekst
    randvoorwaarden: list[Tekst] = Field(max_length=50)
    drempels: list[Tekst] = Field(max_length=50)
    jaar: int = Field(ge=2021, le=2100)


class Terugkoppelen(In):
    naar_organisaties: list[Kort] = Field(min_length=1, max_length=200)


def routers(rt: Runtime) -> list[APIRouter]:
    s = rt.settings
    w = uc.Werk(rt.sessionmaker, s.regels())  # type: ignore[attr-defined]
    r = APIRouter()
    team, ln, macro, wie_dan_ook = rt.require(*TEAM), rt.require(*LN), rt.require(*MACRO), rt.require()

    minimum = int(getattr(s, "minimum_celgrootte", 5))

    def klein(wie: Principal, waarde: Any) -> Any:
        """Small-cell suppression for readers outside the team (the team sees exact counts)."""
        return waarde if wie.heeft(*TEAM) else views.onderdruk_aantallen(waarde, minimum=minimum)

    async def lees(fn: Any, *args: Any) -> Any:
        async with rt.sessionmaker() as session:
            return await fn(session, *args)

    # -------------------------------------------------------------- signals: the de-identification gate

    @r.get("/signalen", tags=["signalen"])
    async def lijst_signalen(status: Literal["CONCEPT", "VRIJGEGEVEN", "GEKOPPELD"] | None = Query("CONCEPT"), wie: Principal = Depends(team)) -> list[dict[str, Any]]:
        """The CONCEPT queue (default) or released signals. Detected personal data is masked as ``[KIND]``."""
        uit = await lees(views.signalen, status)
        await uc.lees_signaal_audit(w, wie, [uuid.UUID(x["signaalId"]) for x in uit])
        return uit

    async def _signaal(signaal_id: uuid.UUID) -> dict[str, Any]:
        async with rt.sessionmaker() as session:
            return views.signaal(await uc.repo.get(session, uc.Signaal, signaal_id))

    @r.get("/signalen/{signaal_id}", tags=["signalen"])
    async def een_signaal(signaal_id: uuid.UUID, wie: Principal = Depends(team)) -> dict[str, Any]:
        uit = await _signaal(signaal_id)
        await uc.lees_signaal_audit(w, wie, [signaal_id])
        return uit

    @r.patch("/signalen/{signaal_id}", tags=["signalen"])
    async def bewerk_signaal(signaal_id: uuid.UUID, body: SignaalWijziging, wie: Principal = Depends(team)) -> dict[str, Any]:
        await uc.bewerk_signaal(w, wie, signaal_id, tekst=body.tekst, levensdomeinen=body.levensdomeinen, sectoren=body.sectoren)
        return await _signaal(signaal_id)

    @r.post("/signalen/{signaal_id}/vrijgeven", tags=["signalen"])
    async def vrijgeven(signaal_id: uuid.UUID, body: ThemaKeuze | None = None, wie: Principal = Depends(team)) -> dict[str, Any]:
        """Release (§9 rule 2). 409 naming the field (``tekst``, ``levensdomeinen``) and the KINDS of personal data
        still found (never the data)."""
        try:
            await uc.vrijgeven(w, wie, signaal_id, (body or ThemaKeuze()).thema_ids)
        except PersoonsgegevensGevonden as exc:
            raise ProblemError(
                409,
                "Personal data in text",
                exc.message,
                errors=[{"field": exc.veld, "type": "persoonsgegevens", "message": exc.message}],
                soorten=[k.value for k in exc.soorten],
            ) from None
        return await _signaal(signaal_id)

    @r.post("/signalen/{signaal_id}/themas", tags=["signalen"])
    async def koppel(signaal_id: uuid.UUID, body: ThemaKeuze, wie: Principal = Depends(team)) -> dict[str, Any]:
        await uc.koppel(w, wie, signaal_id, body.thema_ids)
        return await _signaal(signaal_id)

    # -------------------------------------------------------------- themes and backlogs (anonymous reads)

    @r.get("/themas", tags=["themas"])
    async def themas(wie: Principal = Depends(wie_dan_ook)) -> list[dict[str, Any]]:
        return klein(wie, await lees(views.themas))

    @r.post("/themas", status_code=201, tags=["themas"])
    async def nieuw_thema(body: NieuwThema, wie: Principal = Depends(ln)) -> dict[str, Any]:
        return await lees(views.thema, await uc.nieuw_thema(w, wie, body.naam, body.subthemas))

    @r.get("/themas/{thema_id}", tags=["themas"])
    async def thema(thema_id: uuid.UUID, wie: Principal = Depends(wie_dan_ook)) -> dict[str, Any]:
        """A theme with its counts (distinct trajecten, signals) and history. Outside the team, counts from 1 to
        SIGNALERING_MINIMUM_CELGROOTTE - 1 are null."""
        return klein(wie, await lees(views.thema, thema_id))

    @r.post("/themas/{thema_id}/naar-stuurgroep", tags=["themas"])
    async def naar_stuurgroep(thema_id: uuid.UUID, wie: Principal = Depends(macro)) -> dict[str, Any]:
        await uc.thema_naar_stuurgroep(w, wie, thema_id)
        return await lees(views.thema, thema_id)

    @r.get("/lerend-netwerk/backlog", tags=["lerend netwerk"])
    async def ln_backlog(wie: Principal = Depends(wie_dan_ook)) -> list[dict[str, Any]]:
        """Recurring themes without a lerend netwerk yet: most distinct trajecten first, then most recent."""
        return klein(wie, await lees(views.lerend_netwerk_backlog_view))

    @r.get("/forum/backlog", tags=["forum"])
    async def forum_backlog(_: Principal = Depends(wie_dan_ook)) -> list[dict[str, Any]]:
        """Bevindingen (subthemes of held lerende netwerken) not yet at a discussietafel."""
        return await lees(views.forum_backlog_view)

    @r.get("/tellingen", tags=["themas"])
    async def tellingen(wie: Principal = Depends(wie_dan_ook)) -> list[dict[str, Any]]:
        """Anonymous counts by code (blokkade changes, reasons of non-start, afronding), per year; never crossed.
        Outside the team, counts from 1 to SIGNALERING_MINIMUM_CELGROOTTE - 1 are null, with complementary
        suppression within each source and year (its total can be added up)."""
        rijen = await lees(views.tellingen)
        if wie.heeft(*TEAM):
            return rijen
        return views.onderdruk_tellingen(rijen, minimum=minimum)

    # -------------------------------------------------------------- lerend netwerk sessions

    async def _sessie(sessie_id: uuid.UUID) -> dict[str, Any]:
        async with rt.sessionmaker() as session:
            return views.sessie(await uc.repo.get(session, uc.LerendNetwerkSessie, sessie_id))

    def _deelnemers(ds: list[DeelnemerIn]) -> list[Deelnemer]:
        return [Deelnemer(d.functie, d.organisatie) for d in ds]

    @r.post("/lerend-netwerk/sessies", status_code=201, tags=["lerend netwerk"])
    async def plan_sessie(body: NieuweSessie, wie: Principal = Depends(ln)) -> dict[str, Any]:
        return await _sessie(await uc.plan_sessie(w, wie, body.thema_id, body.datum, _deelnemers(body.deelnemers)))

    @r.get("/lerend-netwerk/sessies/{sessie_id}", tags=["lerend netwerk"])
    async def sessie(sessie_id: uuid.UUID, _: Principal = Depends(wie_dan_ook)) -> dict[str, Any]:
        return await _sessie(sessie_id)

    @r.post("/lerend-netwerk/sessies/{sessie_id}/stellingen", tags=["lerend netwerk"])
    async def stelling(sessie_id: uuid.UUID, body: StellingIn, wie: Principal = Depends(ln)) -> dict[str, Any]:
        await uc.wijzig_sessie(w, wie, sessie_id, "STELLING", uc.stelling(Stelling(body.tekst, body.akkoord, body.niet_akkoord, body.discussie)))
        return await _sessie(sessie_id)

    @r.post("/lerend-netwerk/sessies/{sessie_id}/post-its", tags=["lerend netwerk"])
    async def post_it(sessie_id: uuid.UUID, body: PostItIn, wie: Principal = Depends(ln)) -> dict[str, Any]:
        await uc.wijzig_sessie(w, wie, sessie_id, "POST_IT", uc.post_it(PostIt(body.niveau, body.vraag, body.tekst)))
        return await _sessie(sessie_id)

    @r.patch("/lerend-netwerk/sessies/{sessie_id}/uitkomst", tags=["lerend netwerk"])
    async def uitkomst(sessie_id: uuid.UUID, body: Uitkomst, wie: Principal = Depends(ln)) -> dict[str, Any]:
        await uc.wijzig_sessie(
            w,
            wie,
            sessie_id,
            "UITKOMST",
            lambda s: s.leg_uitkomst_vast(
                subthemas=body.subthemas,
                volgende_themas=body.volgende_themas,
                ontbrekende_partners=body.ontbrekende_partners,
                verslag=body.verslag,
                deelnemers=_deelnemers(body.deelnemers) if body.deelnemers is not None else None,
            ),
        )
        return await _sessie(sessie_id)

    @r.post("/lerend-netwerk/sessies/{sessie_id}/houden", tags=["lerend netwerk"])
    async def houden(sessie_id: uuid.UUID, wie: Principal = Depends(ln)) -> dict[str, Any]:
        await uc.houd_sessie(w, wie, sessie_id)
        return await _sessie(sessie_id)

    @r.post("/lerend-netwerk/sessies/{sessie_id}/annuleren", tags=["lerend netwerk"])
    async def annuleren(sessie_id: uuid.UUID, wie: Principal = Depends(ln)) -> dict[str, Any]:
        await uc.annuleer_sessie(w, wie, sessie_id)
        return await _sessie(sessie_id)

    # -------------------------------------------------------------- netwerkforum

    def _fd(ds: list[ForumDeelnemerIn]) -> list[ForumDeelnemer]:
        return [ForumDeelnemer(d.organisatie, d.sector, d.aantal) for d in ds]

    @r.post("/fora", status_code=201, tags=["forum"])
    async def plan_forum(body: NieuwForum, wie: Principal = Depends(macro)) -> dict[str, Any]:
        return await lees(views.forum, await uc.plan_forum(w, wie, body.datum, body.vorm, _fd(body.deelnemers)))

    @r.get("/fora/{forum_id}", tags=["forum"])
    async def forum(forum_id: uuid.UUID, _: Principal = Depends(wie_dan_ook)) -> dict[str, Any]:
        """A forum with its attendance and its tables (bevindingen, prioritering, doelstelling, actiepunten)."""
        return await lees(views.forum, forum_id)

    @r.put("/fora/{forum_id}/deelnemers", tags=["forum"])
    async def deelnemers(forum_id: uuid.UUID, body: Deelnemers, wie: Principal = Depends(macro)) -> dict[str, Any]:
        await uc.registreer_deelnemers(w, wie, forum_id, _fd(body.deelnemers))
        return await lees(views.forum, forum_id)

    @r.post("/fora/{forum_id}/tafels", status_code=201, tags=["forum"])
    async def tafel(forum_id: uuid.UUID, body: NieuweTafel, wie: Principal = Depends(macro)) -> dict[str, Any]:
        tafel_id = await uc.open_tafel(w, wie, forum_id, body.thema_id, body.subthemas)
        return {"tafelId": str(tafel_id), "forum": await lees(views.forum, forum_id)}

    @r.put("/fora/{forum_id}/tafels/{tafel_id}/prioritering", tags=["forum"])
    async def prioritering(forum_id: uuid.UUID, tafel_id: uuid.UUID, body: Prioritering, wie: Principal = Depends(macro)) -> dict[str, Any]:
        """Percentages per subtheme; refused (409, field ``prioritering``) unless they sum to exactly 100."""
        await uc.prioriteer(w, wie, forum_id, tafel_id, body.prioritering)
        return await lees(views.forum, forum_id)

    @r.put("/fora/{forum_id}/tafels/{tafel_id}/doelstelling", tags=["forum"])
    async def doelstelling(forum_id: uuid.UUID, tafel_id: uuid.UUID, body: DoelstellingIn, wie: Principal = Depends(macro)) -> dict[str, Any]:
        await uc.doelstelling(w, wie, forum_id, tafel_id, Doelstelling(body.wat, body.wie, body.hoe))
        return await lees(views.forum, forum_id)

    @r.post("/fora/{forum_id}/tafels/{tafel_id}/actiepunten", status_code=201, tags=["forum"])
    async def actiepunt(forum_id: uuid.UUID, tafel_id: uuid.UUID, body: NieuwActiepunt, wie: Principal = Depends(macro)) -> dict[str, Any]:
        ap_id = await uc.actiepunt_toevoegen(w, wie, forum_id, tafel_id, subthema=body.subthema, tekst=body.tekst, adres_niveau=body.adres_niveau, eigenaar=body.eigenaar)
        async with rt.sessionmaker() as session:
            return views.actiepunt(await uc.repo.get(session, uc.Actiepunt, ap_id), body.subthema)

    @r.post("/fora/{forum_id}/tafels/{tafel_id}/afronden", tags=["forum"])
    async def afronden(forum_id: uuid.UUID, tafel_id: uuid.UUID, wie: Principal = Depends(macro)) -> dict[str, Any]:
        await uc.rond_tafel_af(w, wie, forum_id, tafel_id)
        return await lees(views.forum, forum_id)

    @r.get("/actiepunten", tags=["forum"])
    async def actiepunten(status: Literal["OPEN", "OPGENOMEN", "OMGEZET", "TERUGGEKOPPELD"] | None = None, _: Principal = Depends(wie_dan_ook)) -> list[dict[str, Any]]:
        return await lees(views.actiepunten, status)

    @r.post("/actiepunten/{actiepunt_id}/status", tags=["forum"])
    async def actiepunt_status(actiepunt_id: uuid.UUID, body: ActiepuntActie, wie: Principal = Depends(macro)) -> dict[str, Any]:
        await uc.actiepunt_actie(w, wie, actiepunt_id, body.actie, eigenaar=body.eigenaar, naar_organisaties=body.naar_organisaties)
        async with rt.sessionmaker() as session:
            return views.actiepunt(await uc.repo.get(session, uc.Actiepunt, actiepunt_id))

    # -------------------------------------------------------------- beleidsaanbevelingen

    async def _ab(aanbeveling_id: uuid.UUID) -> dict[str, Any]:
        async with rt.sessionmaker() as session:
            return views.aanbeveling(await uc.repo.get(session, uc.Beleidsaanbeveling, aanbeveling_id))

    @r.get("/beleidsaanbevelingen", tags=["beleid"])
    async def aanbevelingen(_: Principal = Depends(wie_dan_ook)) -> list[dict[str, Any]]:
        return await lees(views.aanbevelingen)

    @r.post("/beleidsaanbevelingen", status_code=201, tags=["beleid"])
    async def formuleer(body: NieuweAanbeveling, wie: Principal = Depends(macro)) -> dict[str, Any]:
        ab_id = await uc.formuleer_aanbeveling(
            w, wie, niveau=body.niveau, thema_ids=body.thema_ids, tekst=body.tekst, randvoorwaarden=body.randvoorwaarden, drempels=body.drempels, jaar=body.jaar
        )
        return await _ab(ab_id)

    @r.get("/beleidsaanbevelingen/{aanbeveling_id}", tags=["beleid"])
    async def aanbeveling(aanbeveling_id: uuid.UUID, _: Principal = Depends(wie_dan_ook)) -> dict[str, Any]:
        return await _ab(aanbeveling_id)

    @r.post("/beleidsaanbevelingen/{aanbeveling_id}/terugkoppelen", tags=["beleid"])
    async def terugkoppelen(aanbeveling_id: uuid.UUID, body: Terugkoppelen, wie: Principal = Depends(macro)) -> dict[str, Any]:
        await uc.aanbeveling_terugkoppelen(w, wie, aanbeveling_id, body.naar_organisaties)
        return await _ab(aanbeveling_id)

    return [r]
