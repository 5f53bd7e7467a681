"""HTTP routes of the aanmelding service: thin, they authenticate, parse, build the unit of work, call a use case
and shape the answer. Refusals are domain errors, answered by the one problem+json table of every service.

Roles (``Authorization: Bearer jh_…``): PARTNER posts and reads its own organisation's aanmeldingen;
PLANMAKER and COORDINATOR (the team) read all, decide, record consent and switch intake. The coördinator
also reads the audit log (``GET /audit``, from ``jeugdhulp_common.service``).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Depends, Header, Query, Request, status
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import AwareDatetime

from jeugdhulp_common import idempotency
from jeugdhulp_common.auth import TEAM, Principal, Toegangsrol, bearer
from jeugdhulp_common.contracts.vocabulary import RegioELZ
from jeugdhulp_common.paging import Limit, Offset, Page
from jeugdhulp_common.service import Runtime

from aanmelding.domain import Aanmelding, AanmeldingStatus
from aanmelding.entrypoints.schemas import (
    AanmeldingOntvangenUit,
    AanmeldingUit,
    InstemmingIn,
    InstemmingUit,
    IntakeIn,
    IntakeUit,
    IntrekkingIn,
    NieuweAanmelding,
    NietOpstartenIn,
    problemen,
)
from aanmelding.service_layer import services
from aanmelding.service_layer.unit_of_work import AanmeldingUnitOfWork
from aanmelding.settings import AanmeldingSettings


def router(rt: Runtime) -> APIRouter:
    r = APIRouter(tags=["aanmeldingen"])
    settings = rt.settings
    assert isinstance(settings, AanmeldingSettings), "aanmelding.service must set settings_cls=AanmeldingSettings"
    regels = settings.screening_regels()

    def uow_van(rollen: Callable[..., Awaitable[Principal]]) -> Callable[..., Awaitable[AanmeldingUnitOfWork]]:
        """A dependency: the unit of work of a caller with one of these roles. The role check (``rt.require``) is
        called here, not declared as a sub-dependency: FastAPI solves each level of dependencies per request, at
        about the cost of the credential check itself."""

        async def uow(request: Request, creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> AanmeldingUnitOfWork:
            return AanmeldingUnitOfWork(rt.engine, principal=await rollen(request, creds))

        return uow

    lezer = uow_van(rt.require(Toegangsrol.PARTNER, *TEAM))
    team = uow_van(rt.require(*TEAM))
    iedereen = uow_van(rt.require())

    @r.post(
        "/aanmeldingen",
        status_code=status.HTTP_201_CREATED,
        response_model=AanmeldingOntvangenUit,
        responses=problemen(401, 403, 409, 422),
        summary="Post an aanmelding (partner, or the team on a partner's behalf); it is screened at once",
    )
    async def post_aanmelding(
        body: NieuweAanmelding,
        idempotency_key: str = Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=200,
            description="Required. The same key with the same body returns the first response; with another body: 409",
        ),
        uow: AanmeldingUnitOfWork = Depends(lezer),
    ) -> JSONResponse:
        ontvangst = await services.ontvang_aanmelding(
            uow,
            body.naar_domein(),
            regels=regels,
            idempotency_key=idempotency_key,
            request_digest=idempotency.request_hash(body.model_dump(mode="json", by_alias=True)),
            antwoord=lambda a: AanmeldingOntvangenUit.van(a).model_dump(mode="json", by_alias=True),
        )
        headers = {}
        if ontvangst.status_code == 201:
            headers["Location"] = f"/aanmeldingen/{ontvangst.body['aanmeldingId']}"
        if ontvangst.herhaald:
            headers["Idempotent-Replayed"] = "true"
        return JSONResponse(ontvangst.body, status_code=ontvangst.status_code, headers=headers)

    @r.get(
        "/aanmeldingen", response_model=Page[AanmeldingUit], responses=problemen(401, 403, 422), summary="List aanmeldingen (a partner: its own)"
    )
    async def list_aanmeldingen(
        status_: list[AanmeldingStatus] = Query([], alias="status", description="Repeat to match any of several"),
        regio: list[RegioELZ] = Query([], description="regioJongere; repeat to match any of several"),
        ontvangen_van: AwareDatetime | None = Query(None, alias="ontvangenVan", description="ontvangenOp >= this (with time zone)"),
        ontvangen_tot: AwareDatetime | None = Query(None, alias="ontvangenTot", description="ontvangenOp < this (with time zone)"),
        limit: Limit = 50,
        offset: Offset = 0,
        uow: AanmeldingUnitOfWork = Depends(lezer),
    ) -> Page[AanmeldingUit]:
        items, total = await services.lijst_aanmeldingen(
            uow, status=status_, regio=regio, ontvangen_van=ontvangen_van, ontvangen_tot=ontvangen_tot, limit=limit, offset=offset
        )
        return Page[AanmeldingUit](items=[_uit(uow, a) for a in items], total=total, limit=limit, offset=offset)

    @r.get("/aanmeldingen/{aanmelding_id}", response_model=AanmeldingUit, responses=problemen(401, 403, 404, 422), summary="One aanmelding")
    async def get_aanmelding(aanmelding_id: uuid.UUID, uow: AanmeldingUnitOfWork = Depends(lezer)) -> AanmeldingUit:
        return _uit(uow, await services.lees_aanmelding(uow, aanmelding_id))

    # ------------------------------------------------------------------ team decisions (§5.1)

    acties = dict(response_model=AanmeldingUit, responses=problemen(401, 403, 404, 409, 422), tags=["team"])

    @r.post("/aanmeldingen/{aanmelding_id}/in-bespreking", summary="GESCREEND → IN_BESPREKING (screening passed)", **acties)
    async def in_bespreking(aanmelding_id: uuid.UUID, uow: AanmeldingUnitOfWork = Depends(team)) -> AanmeldingUit:
        return _uit(uow, await services.in_bespreking_nemen(uow, aanmelding_id))

    @r.post("/aanmeldingen/{aanmelding_id}/opstart-beslissing", summary="IN_BESPREKING → WACHT_OP_INSTEMMING", **acties)
    async def opstart_beslissing(aanmelding_id: uuid.UUID, uow: AanmeldingUnitOfWork = Depends(team)) -> AanmeldingUit:
        return _uit(uow, await services.opstart_beslissen(uow, aanmelding_id))

    @r.post(
        "/aanmeldingen/{aanmelding_id}/niet-opstarten",
        summary="→ NIET_OPGESTART with a reason code and a required alternatief advies",
        **acties,
    )
    async def niet_opstarten(aanmelding_id: uuid.UUID, body: NietOpstartenIn, uow: AanmeldingUnitOfWork = Depends(team)) -> AanmeldingUit:
        a = await services.niet_opstarten(uow, aanmelding_id, reden=body.reden, alternatief_advies=body.alternatief_advies.naar_domein())
        return _uit(uow, a)

    @r.post(
        "/aanmeldingen/{aanmelding_id}/instemmingen",
        status_code=status.HTTP_201_CREATED,
        response_model=InstemmingUit,
        responses=problemen(401, 403, 404, 409, 422),
        tags=["team"],
        summary="Record a consent {door, op, scope} (while WACHT_OP_INSTEMMING)",
    )
    async def instemming(aanmelding_id: uuid.UUID, body: InstemmingIn, uow: AanmeldingUnitOfWork = Depends(team)) -> InstemmingUit:
        _, i = await services.instemming_vastleggen(
            uow, aanmelding_id, door=body.door, op=body.op, scope=body.scope, instemming_id=body.instemming_id
        )
        return InstemmingUit.van(i)

    @r.post(
        "/aanmeldingen/{aanmelding_id}/instemmingen/{instemming_id}/intrekking",
        response_model=InstemmingUit,
        responses=problemen(401, 403, 404, 409, 422),
        tags=["team"],
        summary="Record the withdrawal of a consent",
    )
    async def intrekking(
        aanmelding_id: uuid.UUID, instemming_id: uuid.UUID, body: IntrekkingIn, uow: AanmeldingUnitOfWork = Depends(team)
    ) -> InstemmingUit:
        _, i = await services.instemming_intrekken(uow, aanmelding_id, instemming_id, op=body.op)
        return InstemmingUit.van(i)

    @r.post("/aanmeldingen/{aanmelding_id}/opstart", summary="WACHT_OP_INSTEMMING → OPGESTART (needs the jongere's consent)", **acties)
    async def opstart(aanmelding_id: uuid.UUID, uow: AanmeldingUnitOfWork = Depends(team)) -> AanmeldingUit:
        return _uit(uow, await services.opstarten(uow, aanmelding_id))

    # ------------------------------------------------------------------ intake switch

    @r.get("/intake", response_model=IntakeUit, responses=problemen(401), tags=["intake"], summary="Whether intake is open (any caller)")
    async def get_intake(uow: AanmeldingUnitOfWork = Depends(iedereen)) -> IntakeUit:
        return IntakeUit.van(await services.lees_intake(uow))

    @r.put(
        "/intake",
        response_model=IntakeUit,
        responses=problemen(401, 403, 409, 422),
        tags=["intake"],
        summary="Open or close intake (team); publishes IntakeStatusGewijzigd when it changes",
    )
    async def put_intake(body: IntakeIn, uow: AanmeldingUnitOfWork = Depends(team)) -> IntakeUit:
        return IntakeUit.van(await services.intake_wijzigen(uow, open=body.open, reden=body.reden, reden_code=body.reden_code))

    return r


def _uit(uow: AanmeldingUnitOfWork, a: Aanmelding) -> AanmeldingUit:
    """The view of ``a`` for the unit of work's caller (team fields for the team), with its stored version."""
    principal = uow.principal
    assert principal is not None
    return AanmeldingUit.van(a, team=principal.is_team, version=uow.aanmeldingen.versie(a))
