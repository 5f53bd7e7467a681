"""HTTP routes of the traject service: thin. Parse, authorise by access role, call a use case, render.

Access (§9): the planmakers' team (PLANMAKER, COORDINATOR) records; a partner (or any other caller outside the
team) reads only the trajecten in which its organisation has a role (else 404) and cannot write (403). The
coördinator alone closes a traject for PROJECT_EINDE. DIW decisions: STUURGROEP or COORDINATOR (§5.3).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends

from jeugdhulp_common.auth import PARTNER_EN_TEAM, STUURGROEP_EN_COORDINATOR, TEAM, TEAM_EN_STUURGROEP, Principal, Toegangsrol
from jeugdhulp_common.paging import Limit, Offset, Page
from jeugdhulp_common.service import Runtime

from traject.domain import TrajectStatus
from traject.entrypoints import schemas as s
from traject.entrypoints.schemas import DIWAanvraagUit, TrajectUit
from traject.service_layer import diw, trajecten
from traject.service_layer.unit_of_work import fabriek
from traject.settings import TrajectSettings


def router(rt: Runtime) -> APIRouter:
    r = APIRouter(tags=["traject"])
    settings: TrajectSettings = rt.settings  # type: ignore[assignment]
    uow = fabriek(rt.engine, settings)  # uow(p): the caller's unit of work
    regels, diw_regels = settings.traject_regels, settings.diw_regels
    lezer = Depends(rt.require(*PARTNER_EN_TEAM))
    team = Depends(rt.require(*TEAM))
    coordinator = Depends(rt.require(Toegangsrol.COORDINATOR))
    diw_lezer = Depends(rt.require(*TEAM_EN_STUURGROEP))
    diw_beslisser = Depends(rt.require(*STUURGROEP_EN_COORDINATOR))

    def view(t) -> TrajectUit:
        return s.traject_view(t, regels)

    def leesview(t, p: Principal) -> TrajectUit:
        return s.traject_view(t, regels, voor_partner=not p.is_team)

    dview = s.diw_view

    # ------------------------------------------------------------------ reads

    @r.get("/trajecten")
    async def lijst_trajecten(
        status: TrajectStatus | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
        p: Principal = lezer,
    ) -> Page[TrajectUit]:
        """Trajecten, oldest first; a partner sees only those in which its organisation has a role."""
        items, totaal = await trajecten.lijst(uow(p), status=status, limit=limit, offset=offset)
        return Page[TrajectUit](items=[leesview(t, p) for t in items], total=totaal, limit=limit, offset=offset)

    @r.get("/trajecten/{traject_id}")
    async def lees_traject(traject_id: uuid.UUID, p: Principal = lezer) -> TrajectUit:
        """A partner reads no personal data of a traject whose GEGEVENSDELING_PARTNERS consent was withdrawn."""
        return leesview(await trajecten.lees(uow(p), traject_id), p)

    # ------------------------------------------------------------------ opstart

    @r.post("/trajecten/{traject_id}/startgesprek/planning")
    async def plan_startgesprek(traject_id: uuid.UUID, body: s.StartgesprekPlannen, p: Principal = team) -> TrajectUit:
        return view(
            await trajecten.plan_startgesprek(
                uow(p), traject_id, overleg_id=body.overleg_id, datum=body.datum, genodigden=[g.domein() for g in body.genodigden]
            )
        )

    @r.post("/trajecten/{traject_id}/startgesprek")
    async def houd_startgesprek(traject_id: uuid.UUID, body: s.StartgesprekHouden, p: Principal = team) -> TrajectUit:
        return view(await trajecten.houd_startgesprek(uow(p), traject_id, body.domein(), [x.domein() for x in body.rollen], regels=regels))

    # ------------------------------------------------------------------ roles, partners

    @r.post("/trajecten/{traject_id}/rollen")
    async def wijs_rol_toe(traject_id: uuid.UUID, body: s.Rolinvoer, p: Principal = team) -> TrajectUit:
        return view(await trajecten.wijs_rol_toe(uow(p), traject_id, body.domein()))

    @r.post("/trajecten/{traject_id}/partners")
    async def voeg_partner_toe(traject_id: uuid.UUID, body: s.PartnerToevoegen, p: Principal = team) -> TrajectUit:
        return view(await trajecten.voeg_partner_toe(uow(p), traject_id, body.organisatie))

    # ------------------------------------------------------------------ running

    @r.post("/trajecten/{traject_id}/ronde-tafels")
    async def houd_ronde_tafel(traject_id: uuid.UUID, body: s.RondeTafelInvoer, p: Principal = team) -> TrajectUit:
        return view(await trajecten.houd_ronde_tafel(uow(p), traject_id, body.domein()))

    @r.put("/trajecten/{traject_id}/blokkade")
    async def wijzig_blokkade(traject_id: uuid.UUID, body: s.BlokkadeInvoer, p: Principal = team) -> TrajectUit:
        """Blokkade status and/or acute crisis; every change publishes TrajectBlokkadeGewijzigd (ACT)."""
        return view(await trajecten.wijzig_blokkade(uow(p), traject_id, status=body.blokkade_status, acute_crisis=body.acute_crisis))

    @r.post("/trajecten/{traject_id}/regie")
    async def draag_regie_over(traject_id: uuid.UUID, body: s.RegieInvoer, p: Principal = team) -> TrajectUit:
        return view(await trajecten.draag_regie_over(uow(p), traject_id, body.naar_organisatie))

    @r.post("/trajecten/{traject_id}/verlenging")
    async def verleng(traject_id: uuid.UUID, body: s.VerlengingInvoer, p: Principal = team) -> TrajectUit:
        return view(await trajecten.verleng(uow(p), traject_id, besluit_overleg_id=body.besluit_overleg_id, op=body.op, regels=regels))

    # ------------------------------------------------------------------ einde

    @r.post("/trajecten/{traject_id}/samenwerkingsoverleg-einde/planning")
    async def plan_swo(traject_id: uuid.UUID, body: s.OverlegPlannen, p: Principal = team) -> TrajectUit:
        return view(await trajecten.plan_samenwerkingsoverleg_einde(uow(p), traject_id, overleg_id=body.overleg_id, datum=body.datum))

    @r.post("/trajecten/{traject_id}/samenwerkingsoverleg-einde")
    async def houd_swo(traject_id: uuid.UUID, body: s.SamenwerkingsoverlegEindeInvoer, p: Principal = team) -> TrajectUit:
        """The Bijlage 4 answers (§7). Candidate signals go to signalering on the internal topic; nothing is released."""
        return view(
            await trajecten.houd_samenwerkingsoverleg_einde(
                uow(p), traject_id, overleg_id=body.overleg_id, datum=body.datum, antwoorden=[a.domein() for a in body.antwoorden]
            )
        )

    @r.post("/trajecten/{traject_id}/afronding")
    async def rond_af(traject_id: uuid.UUID, body: s.AfrondingInvoer, p: Principal = team) -> TrajectUit:
        return view(
            await trajecten.rond_af(
                uow(p), traject_id, besluit_overleg_id=body.besluit_overleg_id, redenen=body.redenen,
                override_reden=body.override_reden, op=body.afgerond_op, regels=regels,
            )
        )

    @r.post("/trajecten/{traject_id}/project-einde")
    async def project_einde(traject_id: uuid.UUID, body: s.ProjectEindeInvoer, p: Principal = coordinator) -> TrajectUit:
        return view(await trajecten.sluit_af_wegens_projecteinde(uow(p), traject_id, op=body.op, regels=regels))

    # ------------------------------------------------------------------ DIW-fonds

    @r.post("/trajecten/{traject_id}/diw-aanvragen", status_code=201, tags=["diw"])
    async def maak_diw(traject_id: uuid.UUID, body: s.DIWAanvraagInvoer, p: Principal = team) -> DIWAanvraagUit:
        return dview(await diw.maak(uow(p), traject_id, body.domein()))

    @r.get("/trajecten/{traject_id}/diw-aanvragen", tags=["diw"])
    async def diw_van_traject(traject_id: uuid.UUID, limit: Limit = 50, offset: Offset = 0, p: Principal = diw_lezer) -> Page[DIWAanvraagUit]:
        """The traject's aanvragen, oldest first."""
        items, totaal = await diw.van_traject(uow(p), traject_id, limit=limit, offset=offset)
        return Page[DIWAanvraagUit](items=[dview(a) for a in items], total=totaal, limit=limit, offset=offset)

    @r.get("/diw-aanvragen/{aanvraag_id}", tags=["diw"])
    async def lees_diw(aanvraag_id: uuid.UUID, p: Principal = diw_lezer) -> DIWAanvraagUit:
        return dview(await diw.lees(uow(p), aanvraag_id))

    @r.put("/diw-aanvragen/{aanvraag_id}", tags=["diw"])
    async def wijzig_diw(aanvraag_id: uuid.UUID, body: s.DIWAanvraagInvoer, p: Principal = team) -> DIWAanvraagUit:
        return dview(await diw.wijzig(uow(p), aanvraag_id, body.domein()))

    @r.post("/diw-aanvragen/{aanvraag_id}/indienen", tags=["diw"])
    async def dien_in(aanvraag_id: uuid.UUID, body: s.DatumInvoer, p: Principal = team) -> DIWAanvraagUit:
        return dview(await diw.dien_in(uow(p), aanvraag_id, op=body.op, regels=diw_regels))

    @r.post("/diw-aanvragen/{aanvraag_id}/team-bespreking", tags=["diw"])
    async def bespreek(aanvraag_id: uuid.UUID, body: s.TeamBesprekingInvoer, p: Principal = team) -> DIWAanvraagUit:
        return dview(await diw.bespreek_op_team(uow(p), aanvraag_id, overleg_id=body.overleg_id, op=body.op))

    @r.post("/diw-aanvragen/{aanvraag_id}/goedkeuring", tags=["diw"])
    async def keur_goed(aanvraag_id: uuid.UUID, body: s.GoedkeuringInvoer, p: Principal = diw_beslisser) -> DIWAanvraagUit:
        return dview(await diw.keur_goed(uow(p), aanvraag_id, besluit_overleg_id=body.besluit_overleg_id, op=body.op, gebruik_tot=body.gebruik_tot, regels=diw_regels))

    @r.post("/diw-aanvragen/{aanvraag_id}/afwijzing", tags=["diw"])
    async def wijs_af(aanvraag_id: uuid.UUID, body: s.AfwijzingInvoer, p: Principal = diw_beslisser) -> DIWAanvraagUit:
        return dview(await diw.wijs_af(uow(p), aanvraag_id, besluit_overleg_id=body.besluit_overleg_id, op=body.op, reden=body.reden))

    @r.post("/diw-aanvragen/{aanvraag_id}/gebruik", tags=["diw"])
    async def start_gebruik(aanvraag_id: uuid.UUID, body: s.DatumInvoer, p: Principal = team) -> DIWAanvraagUit:
        return dview(await diw.start_gebruik(uow(p), aanvraag_id, op=body.op))

    @r.post("/diw-aanvragen/{aanvraag_id}/evaluaties", tags=["diw"])
    async def registreer_evaluatie(aanvraag_id: uuid.UUID, body: s.DIWEvaluatieInvoer, p: Principal = team) -> DIWAanvraagUit:
        return dview(await diw.registreer_evaluatie(uow(p), aanvraag_id, overleg_id=body.overleg_id, datum=body.datum))

    @r.post("/diw-aanvragen/{aanvraag_id}/afsluiting", tags=["diw"])
    async def sluit_af(aanvraag_id: uuid.UUID, body: s.DatumInvoer, p: Principal = team) -> DIWAanvraagUit:
        return dview(await diw.sluit_af(uow(p), aanvraag_id, op=body.op))

    return r
