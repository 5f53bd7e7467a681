"""Partner intake API (walking skeleton: receive an aanmelding; screening, decisions and auth follow)."""

from __future__ import annotations

import datetime as dt
import uuid

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from jeugdhulp_common import outbox
from jeugdhulp_common.contracts.aanmelding import AanmeldingOntvangen
from jeugdhulp_common.contracts.vocabulary import AanmelderCategorie, BlokkadeStatus, Onderwerp, RedenVanAanmelding, RegioELZ
from jeugdhulp_common.service import Runtime

from aanmelding.adapters.tables import aanmelding_table


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True)


class Aanmelder(_Body):
    organisatie: str = Field(min_length=1, max_length=200)
    categorie: AanmelderCategorie


class NieuweAanmelding(_Body):
    aanmelder: Aanmelder
    onderwerp: Onderwerp
    jongere_ref: str = Field(min_length=1, max_length=200, description="Pseudonymous reference of the jongere")
    leeftijd_bij_aanmelding: int = Field(ge=0, le=25)
    regio_jongere: RegioELZ
    redenen: list[RedenVanAanmelding] = Field(min_length=1)
    blokkade_status_bij_aanmelding: BlokkadeStatus | None = None


class AanmeldingOntvangenAntwoord(_Body):
    aanmelding_id: uuid.UUID
    status: str


def router(rt: Runtime) -> APIRouter:
    r = APIRouter(tags=["aanmeldingen"])

    @r.post("/aanmeldingen", status_code=status.HTTP_201_CREATED, response_model=AanmeldingOntvangenAntwoord, response_model_by_alias=True)
    async def post_aanmelding(body: NieuweAanmelding) -> AanmeldingOntvangenAntwoord:
        aanmelding_id = uuid.uuid4()
        now = dt.datetime.now(dt.UTC)
        ev = AanmeldingOntvangen(
            aanmelding_id=aanmelding_id,
            aanmelder_organisatie=body.aanmelder.organisatie,
            aanmelder_categorie=body.aanmelder.categorie,
            onderwerp=body.onderwerp,
            regio_jongere=body.regio_jongere,
            leeftijd_bij_aanmelding=body.leeftijd_bij_aanmelding,
            redenen=body.redenen,
            blokkade_status_bij_aanmelding=body.blokkade_status_bij_aanmelding,
        )
        async with rt.sessionmaker.begin() as session:
            await session.execute(
                aanmelding_table.insert().values(
                    id=aanmelding_id,
                    aanmelder_organisatie=body.aanmelder.organisatie,
                    status="ONTVANGEN",
                    jongere_ref=body.jongere_ref,
                    ontvangen_op=now,
                    document=body.model_dump(mode="json", by_alias=True),
                    version=1,
                )
            )
            await outbox.add(session, [ev])
        return AanmeldingOntvangenAntwoord(aanmelding_id=aanmelding_id, status="ONTVANGEN")

    return r
