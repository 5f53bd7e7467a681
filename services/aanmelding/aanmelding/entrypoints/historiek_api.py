"""``POST /historiek`` (COORDINATOR): import the project's history of aanmeldingen from a CSV or JSON file (the
format of :mod:`jeugdhulp_common.historiek`). 200 with counts; 422 problem+json naming every refused line and
column, and then nothing is imported."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from jeugdhulp_common import historiek
from jeugdhulp_common.api import ResponseBody
from jeugdhulp_common.auth import Principal, Toegangsrol
from jeugdhulp_common.contracts.vocabulary import (
    AanmelderCategorie,
    BlokkadeStatus,
    Onderwerp,
    Ondersteuningsvorm,
    RedenNietOpstart,
    RedenVanAanmelding,
    RegioELZ,
)
from jeugdhulp_common.service import Runtime

from aanmelding.domain import AanmeldingGegevens, Aanmelder, AlternatiefAdvies
from aanmelding.domain.historiek import Beslissing, HistoriekAanmelding
from aanmelding.entrypoints.schemas import problemen
from aanmelding.service_layer import historiek as uc
from aanmelding.settings import AanmeldingSettings

Tekst = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Lijst = BeforeValidator(historiek.lijst)


class AanmeldingHistoriekRij(BaseModel):
    """One line of the history file, as far as the aanmelding service reads it (other columns are ignored)."""

    model_config = ConfigDict(extra="ignore")

    ref: Tekst
    jongere_ref: Tekst
    ontvangen_op: dt.date
    aanmelder_organisatie: Tekst
    aanmelder_categorie: AanmelderCategorie
    onderwerp: Onderwerp = Onderwerp.JONGERE
    leeftijd_bij_aanmelding: int = Field(ge=0, le=25)
    regio_jongere: RegioELZ
    redenen: Annotated[list[RedenVanAanmelding], Lijst] = Field(min_length=1, max_length=10)
    blokkade_status_bij_aanmelding: BlokkadeStatus | None = None
    beslissing: Beslissing | None = None
    beslist_op: dt.date | None = None
    reden_niet_opstart: RedenNietOpstart | None = None
    alternatief_advies: Ondersteuningsvorm | None = None
    instemming_op: dt.date | None = None

    def als_historiek(self) -> HistoriekAanmelding:
        return HistoriekAanmelding(
            gegevens=AanmeldingGegevens(
                aanmelder=Aanmelder(organisatie=self.aanmelder_organisatie, categorie=self.aanmelder_categorie),
                onderwerp=self.onderwerp,
                jongere_ref=self.jongere_ref,
                leeftijd_bij_aanmelding=self.leeftijd_bij_aanmelding,
                regio_jongere=self.regio_jongere,
                redenen=tuple(self.redenen),
                blokkade_status_bij_aanmelding=self.blokkade_status_bij_aanmelding,
            ),
            ontvangen_op=self.ontvangen_op,
            beslissing=self.beslissing,
            beslist_op=self.beslist_op,
            reden_niet_opstart=self.reden_niet_opstart,
            alternatief_advies=None if self.alternatief_advies is None else AlternatiefAdvies(vorm=self.alternatief_advies),
            instemming_op=self.instemming_op,
        )


class ImportUit(ResponseBody):
    rijen: int
    nieuw: int
    ongewijzigd: int


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
                rt.sessionmaker, principal, [(n, m.ref, m.als_historiek()) for n, m in goed], regels=regels, fouten=fouten
            )
        except historiek.Geweigerd as exc:
            raise historiek.geweigerd(exc) from None
        return ImportUit(rijen=res.rijen, nieuw=res.nieuw, ongewijzigd=res.ongewijzigd)

    return r
