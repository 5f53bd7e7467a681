"""``POST /historiek`` (COORDINATOR): import the project's history of aanmeldingen from a CSV or JSON file (the
format of :mod:`jeugdhulp_common.historiek`). 200 with counts; 422 problem+json naming every refused line and
column, and then nothing is imported."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from jeugdhulp_common import historiek
from jeugdhulp_common.auth import Principal, Toegangsrol
from jeugdhulp_common.service import Runtime

from aanmelding.entrypoints.schemas import AanmeldingHistoriekRij, ImportUit, problemen
from aanmelding.service_layer import historiek as uc
from aanmelding.service_layer.unit_of_work import AanmeldingUnitOfWork
from aanmelding.settings import AanmeldingSettings


def router(rt: Runtime) -> APIRouter:
    r = APIRouter(tags=["historiek"])
    settings = rt.settings
    assert isinstance(settings, AanmeldingSettings)
    regels = settings.screening_regels()
    coordinator = rt.require(Toegangsrol.COORDINATOR)

    @r.post("/historiek", response_model=ImportUit, responses=problemen(401, 403, 422), openapi_extra=historiek.OPENAPI_BESTAND,
            summary="Import history (COORDINATOR): aanmeldingen, decisions, instemming at their original dates")
    async def post_historiek(request: Request, principal: Principal = Depends(coordinator)) -> ImportUit:
        rijen = await historiek.lees_verzoek(request)
        try:
            goed, fouten = historiek.valideer(rijen, AanmeldingHistoriekRij)
            res = await uc.importeer(
                AanmeldingUnitOfWork(rt.engine, principal=principal),
                [(n, m.ref, m.als_historiek()) for n, m in goed],
                regels=regels,
                fouten=fouten,
            )
        except historiek.Geweigerd as exc:
            raise historiek.geweigerd(exc) from None
        return ImportUit(rijen=res.rijen, nieuw=res.nieuw, ongewijzigd=res.ongewijzigd)

    return r
