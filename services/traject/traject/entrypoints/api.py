"""HTTP routes of the traject service: thin. Parse, authorise by access role, call a use case, render.

Access (§9): the planmakers' team (PLANMAKER, COORDINATOR) records; a partner (or any other caller outside the
team) reads only the trajecten in which its organisation has a role (else 404) and cannot write (403). The
coördinator alone closes a traject for PROJECT_EINDE. DIW decisions: STUURGROEP or COORDINATOR (§5.3).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends
from fastapi.encoders import jsonable_encoder

from jeugdhulp_common.paging import Limit, Offset
from jeugdhulp_common.auth import Principal, Toegangsrol

from traject.domain import RondeTafel, Startgesprek, TrajectStatus
from traject.entrypoints import schemas as s
from traject.service_layer import diw, trajecten
from traject.service_layer.unit_of_work import Context

_R = Toegangsrol
TEAM = (_R.PLANMAKER, _R.COORDINATOR)
LEZERS = (_R.PARTNER, _R.PLANMAKER, _R.COORDINATOR)
DIW_LEZERS = (_R.PLANMAKER, _R.COORDINATOR, _R.STUURGROEP)
DIW_BESLISSERS = (_R.STUURGROEP, _R.COORDINATOR)


def router(rt, ctx: Context) -> APIRouter:
    r = APIRouter(tags=["traject"])
    lezer = Depends(rt.require(*LEZERS))
    team = Depends(rt.require(*TEAM))
    coordinator = Depends(rt.require(_R.COORDINATOR))
    diw_lezer = Depends(rt.require(*DIW_LEZERS))
    diw_beslisser = Depends(rt.require(*DIW_BESLISSERS))

    def view(t) -> dict:
        return jsonable_encoder(s.traject_view(t, ctx.traject_regels))

    def leesview(t, p: Principal) -> dict:
        return jsonable_encoder(s.traject_view(t, ctx.traject_regels, voor_partner=not p.is_team))

    def dview(a) -> dict:
        return jsonable_encoder(s.diw_view(a))

    # ------------------------------------------------------------------ reads

    @r.get("/trajecten")
    async def lijst_trajecten(
        status: TrajectStatus | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
        p: Principal = lezer,
    ) -> dict:
        """Trajecten, oldest first; a partner sees only those in which its organisation has a role."""
        items, totaal = await trajecten.lijst(ctx, p, status=status, limit=limit, offset=offset)
        return {"items": [leesview(t, p) for t in items], "totaal": totaal, "limit": limit, "offset": offset}

    @r.get("/trajecten/{traject_id}")
    async def lees_traject(traject_id: uuid.UUID, p: Principal = lezer) -> dict:
        """A partner reads no personal data of a traject whose GEGEVENSDELING_PARTNERS consent was withdrawn."""
        return leesview(await trajecten.lees(ctx, p, traject_id), p)

    # ------------------------------------------------------------------ opstart

    @r.post("/trajecten/{traject_id}/startgesprek/planning")
    async def plan_startgesprek(traject_id: uuid.UUID, body: s.StartgesprekPlannen, p: Principal = team) -> dict:
        return view(
            await trajecten.plan_startgesprek(
                ctx, p, traject_id, overleg_id=body.overleg_id, datum=body.datum, genodigden=[g.domein() for g in body.genodigden]
            )
        )

    @r.post("/trajecten/{traject_id}/startgesprek")
    async def houd_startgesprek(traject_id: uuid.UUID, body: s.StartgesprekHouden, p: Principal = team) -> dict:
        startgesprek = Startgesprek(
            overleg_id=body.overleg_id,
            datum=body.datum,
            deelnemers=tuple(d.domein() for d in body.deelnemers),
            afspraken=body.afspraken.domein(),
            antwoorden=tuple(a.domein() for a in body.antwoorden),
        )
        return view(await trajecten.houd_startgesprek(ctx, p, traject_id, startgesprek, [x.domein() for x in body.rollen]))

    # ------------------------------------------------------------------ roles, partners

    @r.post("/trajecten/{traject_id}/rollen")
    async def wijs_rol_toe(traject_id: uuid.UUID, body: s.Rolinvoer, p: Principal = team) -> dict:
        return view(await trajecten.wijs_rol_toe(ctx, p, traject_id, body.domein()))

    @r.post("/trajecten/{traject_id}/partners")
    async def voeg_partner_toe(traject_id: uuid.UUID, body: s.PartnerToevoegen, p: Principal = team) -> dict:
        return view(await trajecten.voeg_partner_toe(ctx, p, traject_id, body.organisatie))

    # ------------------------------------------------------------------ running

    @r.post("/trajecten/{traject_id}/ronde-tafels")
    async def houd_ronde_tafel(traject_id: uuid.UUID, body: s.RondeTafelInvoer, p: Principal = team) -> dict:
        rt_ = RondeTafel(overleg_id=body.overleg_id, datum=body.datum, plan_aangepast=body.plan_aangepast, afspraken=tuple(body.afspraken))
        return view(await trajecten.houd_ronde_tafel(ctx, p, traject_id, rt_))

    @r.put("/trajecten/{traject_id}/blokkade")
    async def wijzig_blokkade(traject_id: uuid.UUID, body: s.BlokkadeInvoer, p: Principal = team) -> dict:
        """Blokkade status and/or acute crisis; every change publishes TrajectBlokkadeGewijzigd (ACT)."""
        return view(await trajecten.wijzig_blokkade(ctx, p, traject_id, status=body.blokkade_status, acute_crisis=body.acute_crisis))

    @r.post("/trajecten/{traject_id}/regie")
    async def draag_regie_over(traject_id: uuid.UUID, body: s.RegieInvoer, p: Principal = team) -> dict:
        return view(await trajecten.draag_regie_over(ctx, p, traject_id, body.naar_organisatie))

    @r.post("/trajecten/{traject_id}/verlenging")
    async def verleng(traject_id: uuid.UUID, body: s.VerlengingInvoer, p: Principal = team) -> dict:
        return view(await trajecten.verleng(ctx, p, traject_id, besluit_overleg_id=body.besluit_overleg_id, op=body.op))

    # ------------------------------------------------------------------ einde

    @r.post("/trajecten/{traject_id}/samenwerkingsoverleg-einde/planning")
    async def plan_swo(traject_id: uuid.UUID, body: s.OverlegPlannen, p: Principal = team) -> dict:
        return view(await trajecten.plan_samenwerkingsoverleg_einde(ctx, p, traject_id, overleg_id=body.overleg_id, datum=body.datum))

    @r.post("/trajecten/{traject_id}/samenwerkingsoverleg-einde")
    async def houd_swo(traject_id: uuid.UUID, body: s.SamenwerkingsoverlegEindeInvoer, p: Principal = team) -> dict:
        """The Bijlage 4 answers (§7). Candidate signals go to signalering on the internal topic; nothing is released."""
        return view(
            await trajecten.houd_samenwerkingsoverleg_einde(
                ctx, p, traject_id, overleg_id=body.overleg_id, datum=body.datum, antwoorden=[a.domein() for a in body.antwoorden]
            )
        )

    @r.post("/trajecten/{traject_id}/afronding")
    async def rond_af(traject_id: uuid.UUID, body: s.AfrondingInvoer, p: Principal = team) -> dict:
        return view(
            await trajecten.rond_af(
                ctx, p, traject_id, besluit_overleg_id=body.besluit_overleg_id, redenen=body.redenen,
                override_reden=body.override_reden, op=body.afgerond_op,
            )
        )

    @r.post("/trajecten/{traject_id}/project-einde")
    async def project_einde(traject_id: uuid.UUID, body: s.ProjectEindeInvoer, p: Principal = coordinator) -> dict:
        return view(await trajecten.sluit_af_wegens_projecteinde(ctx, p, traject_id, op=body.op))

    # ------------------------------------------------------------------ DIW-fonds

    @r.post("/trajecten/{traject_id}/diw-aanvragen", status_code=201, tags=["diw"])
    async def maak_diw(traject_id: uuid.UUID, body: s.DIWAanvraagInvoer, p: Principal = team) -> dict:
        return dview(await diw.maak(ctx, p, traject_id, body.domein()))

    @r.get("/trajecten/{traject_id}/diw-aanvragen", tags=["diw"])
    async def diw_van_traject(traject_id: uuid.UUID, p: Principal = diw_lezer) -> list[dict]:
        return [dview(a) for a in await diw.van_traject(ctx, p, traject_id)]

    @r.get("/diw-aanvragen/{aanvraag_id}", tags=["diw"])
    async def lees_diw(aanvraag_id: uuid.UUID, p: Principal = diw_lezer) -> dict:
        return dview(await diw.lees(ctx, p, aanvraag_id))

    @r.put("/diw-aanvragen/{aanvraag_id}", tags=["diw"])
    async def wijzig_diw(aanvraag_id: uuid.UUID, body: s.DIWAanvraagInvoer, p: Principal = team) -> dict:
        return dview(await diw.wijzig(ctx, p, aanvraag_id, body.domein()))

    @r.post("/diw-aanvragen/{aanvraag_id}/indienen", tags=["diw"])
    async def dien_in(aanvraag_id: uuid.UUID, body: s.DatumInvoer, p: Principal = team) -> dict:
        return dview(await diw.dien_in(ctx, p, aanvraag_id, op=body.op))

    @r.post("/diw-aanvragen/{aanvraag_id}/team-bespreking", tags=["diw"])
    async def bespreek(aanvraag_id: uuid.UUID, body: s.TeamBesprekingInvoer, p: Principal = team) -> dict:
        return dview(await diw.bespreek_op_team(ctx, p, aanvraag_id, overleg_id=body.overleg_id, op=body.op))

    @r.post("/diw-aanvragen/{aanvraag_id}/goedkeuring", tags=["diw"])
    async def keur_goed(aanvraag_id: uuid.UUID, body: s.GoedkeuringInvoer, p: Principal = diw_beslisser) -> dict:
        return dview(await diw.keur_goed(ctx, p, aanvraag_id, besluit_overleg_id=body.besluit_overleg_id, op=body.op, gebruik_tot=body.gebruik_tot))

    @r.post("/diw-aanvragen/{aanvraag_id}/afwijzing", tags=["diw"])
    async def wijs_af(aanvraag_id: uuid.UUID, body: s.AfwijzingInvoer, p: Principal = diw_beslisser) -> dict:
        return dview(await diw.wijs_af(ctx, p, aanvraag_id, besluit_overleg_id=body.besluit_overleg_id, op=body.op, reden=body.reden))

    @r.post("/diw-aanvragen/{aanvraag_id}/gebruik", tags=["diw"])
    async def start_gebruik(aanvraag_id: uuid.UUID, body: s.DatumInvoer, p: Principal = team) -> dict:
        return dview(await diw.start_gebruik(ctx, p, aanvraag_id, op=body.op))

    @r.post("/diw-aanvragen/{aanvraag_id}/evaluaties", tags=["diw"])
    async def registreer_evaluatie(aanvraag_id: uuid.UUID, body: s.DIWEvaluatieInvoer, p: Principal = team) -> dict:
        return dview(await diw.registreer_evaluatie(ctx, p, aanvraag_id, overleg_id=body.overleg_id, datum=body.datum))

    @r.post("/diw-aanvragen/{aanvraag_id}/afsluiting", tags=["diw"])
    async def sluit_af(aanvraag_id: uuid.UUID, body: s.DatumInvoer, p: Principal = team) -> dict:
        return dview(await diw.sluit_af(ctx, p, aanvraag_id, op=body.op))

    return r
