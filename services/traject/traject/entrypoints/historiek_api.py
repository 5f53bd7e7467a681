"""``POST /historiek`` (COORDINATOR): the trajecten of the history file (startdatum, afronding) — the same file as
the aanmelding service's ``POST /historiek``, posted after it (its other columns are ignored here). 200 with counts;
422 problem+json naming every refused line and column, and then nothing is imported."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from jeugdhulp_common import historiek
from jeugdhulp_common.api import ResponseBody
from jeugdhulp_common.auth import Principal, Toegangsrol
from jeugdhulp_common.contracts.vocabulary import AfrondingsReden, BlokkadeStatus
from jeugdhulp_common.service import Runtime

from traject.service_layer import historiek as uc
from traject.service_layer.unit_of_work import Context


class TrajectHistoriekRij(BaseModel):
    """One line of the history file, as far as the traject service reads it."""

    model_config = ConfigDict(extra="ignore")

    ref: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    startdatum: dt.date | None = None
    afgerond_op: dt.date | None = None
    afrondingsredenen: Annotated[list[AfrondingsReden], BeforeValidator(historiek.lijst)] = Field(default_factory=list, max_length=10)
    blokkade_status_einde: BlokkadeStatus | None = None

    def als_historiek(self) -> uc.TrajectHistoriek | None:
        if self.startdatum is None:
            return None
        return uc.TrajectHistoriek(
            startdatum=self.startdatum,
            afgerond_op=self.afgerond_op,
            redenen=tuple(self.afrondingsredenen),
            blokkade_status_einde=self.blokkade_status_einde,
        )


class ImportUit(ResponseBody):
    rijen: int
    nieuw: int
    ongewijzigd: int
    zonder_traject: int


def router(rt: Runtime, ctx: Context) -> APIRouter:
    r = APIRouter(tags=["historiek"])
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
            res = await uc.importeer(ctx, principal, [(n, m.ref, m.als_historiek()) for n, m in goed], fouten)
        except historiek.Geweigerd as exc:
            raise historiek.geweigerd(exc) from None
        return ImportUit(rijen=res.rijen, nieuw=res.nieuw, ongewijzigd=res.ongewijzigd, zonder_traject=res.zonder_traject)

    return r
