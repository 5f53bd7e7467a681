"""``POST /historiek`` (COORDINATOR): the trajecten of the history file (startdatum, afronding) — the same file as
the aanmelding service's ``POST /historiek``, posted after it (its other columns are ignored here). 200 with counts;
422 problem+json naming every refused line and column, and then nothing is imported."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from jeugdhulp_common import historiek
from jeugdhulp_common.auth import Principal, Toegangsrol
from jeugdhulp_common.service import Runtime

from traject.entrypoints.schemas import ImportUit, TrajectHistoriekRij
from traject.service_layer import historiek as uc
from traject.service_layer.unit_of_work import fabriek
from traject.settings import TrajectSettings


def router(rt: Runtime) -> APIRouter:
    r = APIRouter(tags=["historiek"])
    settings: TrajectSettings = rt.settings  # type: ignore[assignment]
    uow = fabriek(rt.engine, settings)
    coordinator = rt.require(Toegangsrol.COORDINATOR)

    @r.post("/historiek", response_model=ImportUit, openapi_extra=historiek.OPENAPI_BESTAND,
            summary="Import history (COORDINATOR): startdatum and afronding of the imported aanmeldingen' trajecten")
    async def post_historiek(request: Request, principal: Principal = Depends(coordinator)) -> ImportUit:
        rijen = await historiek.lees_verzoek(request)
        try:
            goed, fouten = historiek.valideer(rijen, TrajectHistoriekRij)
            fouten += [
                historiek.Fout(regel, "startdatum", "required with an afronding")
                for regel, m in goed
                if m.startdatum is None and (m.afgerond_op or m.afrondingsredenen or m.blokkade_status_einde)
            ]
            res = await uc.importeer(uow(principal), [(n, m.ref, m.als_historiek()) for n, m in goed], fouten, regels=settings.traject_regels)
        except historiek.Geweigerd as exc:
            raise historiek.geweigerd(exc) from None
        return ImportUit(rijen=res.rijen, nieuw=res.nieuw, ongewijzigd=res.ongewijzigd, zonder_traject=res.zonder_traject)

    return r
