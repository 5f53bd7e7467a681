"""HTTP routes of the aanmelding service: thin, they authenticate, parse, call a use case and shape the answer.

Roles (``Authorization: Bearer jh_…``): PARTNER posts and reads its own organisation's aanmeldingen;
PLANMAKER and COORDINATOR (the team) read all, decide, record consent and switch intake. The coördinator
also reads the audit log (``GET /audit``, from ``jeugdhulp_common.service``).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

from fastapi import APIRouter, Depends, Header, Query, status
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime

from jeugdhulp_common.paging import Limit, Offset
from jeugdhulp_common import idempotency
from jeugdhulp_common.auth import TEAM, Principal, Toegangsrol
from jeugdhulp_common.contracts.vocabulary import RegioELZ
from jeugdhulp_common.problems import ProblemError
from jeugdhulp_common.service import Runtime

from aanmelding.adapters.repository import GelijktijdigGewijzigd
from aanmelding.domain import AanmeldingStatus
from aanmelding.entrypoints.schemas import (
    AanmeldingOntvangenUit,
    AanmeldingPagina,
    AanmeldingUit,
    InstemmingIn,
    InstemmingUit,
    IntakeIn,
    IntakeUit,
    IntrekkingIn,
    NieuweAanmelding,
    NietOpstartenIn,
    ScreeningUit,
    problemen,
)
from aanmelding.service_layer import services
from aanmelding.settings import AanmeldingSettings

PROBLEM_TYPE = "https://jeugdhulp.example/problems/"


@contextlib.contextmanager
def _als_probleem() -> Iterator[None]:
    """Map the service layer's own refusals to problem+json (domain errors are mapped by jeugdhulp_common.problems)."""
    try:
        yield
    except services.IntakeGesloten as exc:
        raise ProblemError(
            409,
            "Intake closed",
            "Intake is gesloten: er worden geen nieuwe aanmeldingen aanvaard / intake is closed: no new aanmeldingen are accepted",
            type=PROBLEM_TYPE + "intake-gesloten",
            intakeOpen=False,
            reden=exc.reden,
        ) from None
    except services.AndereOrganisatie:
        raise ProblemError(
            403,
            "Forbidden",
            "a partner may only post aanmeldingen for its own organisation",
            errors=[{"field": "aanmelder.organisatie", "type": "andere_organisatie", "message": "must be the caller's own organisation"}],
        ) from None
    except services.OngeldigeInvoer as exc:
        raise ProblemError(
            422, "Invalid request", f"1 invalid field(s): {exc.veld}", errors=[{"field": exc.veld, "type": "domain_rule", "message": exc.message}]
        ) from None
    except GelijktijdigGewijzigd:
        raise ProblemError(
            409, "Concurrent modification", "the aanmelding was changed by someone else meanwhile; reload it and try again",
            type=PROBLEM_TYPE + "gelijktijdig-gewijzigd",
        ) from None


def router(rt: Runtime) -> APIRouter:
    r = APIRouter(tags=["aanmeldingen"])
    settings = rt.settings
    assert isinstance(settings, AanmeldingSettings), "aanmelding.service must set settings_cls=AanmeldingSettings"
    regels = settings.screening_regels()
    sm = rt.sessionmaker

    lezer = rt.require(Toegangsrol.PARTNER, *TEAM)
    team = rt.require(*TEAM)

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
        principal: Principal = Depends(lezer),
    ) -> JSONResponse:
        with _als_probleem():
            ontvangst = await services.ontvang_aanmelding(
                sm,
                principal,
                body.naar_domein(),
                regels=regels,
                idempotency_key=idempotency_key,
                request_digest=idempotency.request_hash(body.model_dump(mode="json", by_alias=True)),
                antwoord=lambda a: AanmeldingOntvangenUit(
                    aanmelding_id=a.aanmelding_id, status=a.status, ontvangen_op=a.ontvangen_op, screening=ScreeningUit(regio_ok=a.screening.regio_ok, leeftijd_ok=a.screening.leeftijd_ok, op=a.screening.op),
                ).model_dump(mode="json", by_alias=True),
            )
        headers = {}
        if ontvangst.status_code == 201:
            headers["Location"] = f"/aanmeldingen/{ontvangst.body['aanmeldingId']}"
        if ontvangst.herhaald:
            headers["Idempotent-Replayed"] = "true"
        return JSONResponse(ontvangst.body, status_code=ontvangst.status_code, headers=headers)

    @r.get("/aanmeldingen", response_model=AanmeldingPagina, responses=problemen(401, 403, 422), summary="List aanmeldingen (a partner: its own)")
    async def list_aanmeldingen(
        status_: list[AanmeldingStatus] = Query([], alias="status", description="Repeat to match any of several"),
        regio: list[RegioELZ] = Query([], description="regioJongere; repeat to match any of several"),
        ontvangen_van: AwareDatetime | None = Query(None, alias="ontvangenVan", description="ontvangenOp >= this (with time zone)"),
        ontvangen_tot: AwareDatetime | None = Query(None, alias="ontvangenTot", description="ontvangenOp < this (with time zone)"),
        limit: Limit = 50,
        offset: Offset = 0,
        principal: Principal = Depends(lezer),
    ) -> AanmeldingPagina:
        items, total = await services.lijst_aanmeldingen(
            sm, principal, status=status_, regio=regio, ontvangen_van=ontvangen_van, ontvangen_tot=ontvangen_tot, limit=limit, offset=offset
        )
        return AanmeldingPagina(items=[AanmeldingUit.van(a, team=principal.is_team) for a in items], total=total, limit=limit, offset=offset)

    @r.get("/aanmeldingen/{aanmelding_id}", response_model=AanmeldingUit, responses=problemen(401, 403, 404, 422), summary="One aanmelding")
    async def get_aanmelding(aanmelding_id: uuid.UUID, principal: Principal = Depends(lezer)) -> AanmeldingUit:
        a = await services.lees_aanmelding(sm, principal, aanmelding_id)
        return AanmeldingUit.van(a, team=principal.is_team)

    # ------------------------------------------------------------------ team decisions (§5.1)

    acties = dict(response_model=AanmeldingUit, responses=problemen(401, 403, 404, 409, 422), tags=["team"])

    @r.post("/aanmeldingen/{aanmelding_id}/in-bespreking", summary="GESCREEND → IN_BESPREKING (screening passed)", **acties)
    async def in_bespreking(aanmelding_id: uuid.UUID, principal: Principal = Depends(team)) -> AanmeldingUit:
        with _als_probleem():
            a = await services.in_bespreking_nemen(sm, principal, aanmelding_id)
        return AanmeldingUit.van(a, team=True)

    @r.post("/aanmeldingen/{aanmelding_id}/opstart-beslissing", summary="IN_BESPREKING → WACHT_OP_INSTEMMING", **acties)
    async def opstart_beslissing(aanmelding_id: uuid.UUID, principal: Principal = Depends(team)) -> AanmeldingUit:
        with _als_probleem():
            a = await services.opstart_beslissen(sm, principal, aanmelding_id)
        return AanmeldingUit.van(a, team=True)

    @r.post(
        "/aanmeldingen/{aanmelding_id}/niet-opstarten",
        summary="→ NIET_OPGESTART with a reason code and a required alternatief advies",
        **acties,
    )
    async def niet_opstarten(aanmelding_id: uuid.UUID, body: NietOpstartenIn, principal: Principal = Depends(team)) -> AanmeldingUit:
        with _als_probleem():
            a = await services.niet_opstarten(
                sm, principal, aanmelding_id, reden=body.reden, alternatief_advies=body.alternatief_advies.naar_domein()
            )
        return AanmeldingUit.van(a, team=True)

    @r.post(
        "/aanmeldingen/{aanmelding_id}/instemmingen",
        status_code=status.HTTP_201_CREATED,
        response_model=InstemmingUit,
        responses=problemen(401, 403, 404, 409, 422),
        tags=["team"],
        summary="Record a consent {door, op, scope} (while WACHT_OP_INSTEMMING)",
    )
    async def instemming(aanmelding_id: uuid.UUID, body: InstemmingIn, principal: Principal = Depends(team)) -> InstemmingUit:
        with _als_probleem():
            _, i = await services.instemming_vastleggen(
                sm, principal, aanmelding_id, door=body.door, op=body.op, scope=body.scope, instemming_id=body.instemming_id
            )
        return InstemmingUit(instemming_id=i.instemming_id, door=i.door, op=i.op, scope=sorted(i.scope), ingetrokken_op=i.ingetrokken_op)

    @r.post(
        "/aanmeldingen/{aanmelding_id}/instemmingen/{instemming_id}/intrekking",
        response_model=InstemmingUit,
        responses=problemen(401, 403, 404, 409, 422),
        tags=["team"],
        summary="Record the withdrawal of a consent",
    )
    async def intrekking(
        aanmelding_id: uuid.UUID, instemming_id: uuid.UUID, body: IntrekkingIn, principal: Principal = Depends(team)
    ) -> InstemmingUit:
        with _als_probleem():
            _, i = await services.instemming_intrekken(sm, principal, aanmelding_id, instemming_id, op=body.op)
        return InstemmingUit(instemming_id=i.instemming_id, door=i.door, op=i.op, scope=sorted(i.scope), ingetrokken_op=i.ingetrokken_op)

    @r.post("/aanmeldingen/{aanmelding_id}/opstart", summary="WACHT_OP_INSTEMMING → OPGESTART (needs the jongere's consent)", **acties)
    async def opstart(aanmelding_id: uuid.UUID, principal: Principal = Depends(team)) -> AanmeldingUit:
        with _als_probleem():
            a = await services.opstarten(sm, principal, aanmelding_id)
        return AanmeldingUit.van(a, team=True)

    # ------------------------------------------------------------------ intake switch

    @r.get("/intake", response_model=IntakeUit, responses=problemen(401), tags=["intake"], summary="Whether intake is open (any caller)")
    async def get_intake(_: Principal = Depends(rt.require())) -> IntakeUit:
        i = await services.lees_intake(sm)
        return IntakeUit(open=i.open, reden=i.reden, gewijzigd_op=i.gewijzigd_op)

    @r.put(
        "/intake",
        response_model=IntakeUit,
        responses=problemen(401, 403, 409, 422),
        tags=["intake"],
        summary="Open or close intake (team); publishes IntakeStatusGewijzigd when it changes",
    )
    async def put_intake(body: IntakeIn, principal: Principal = Depends(team)) -> IntakeUit:
        with _als_probleem():
            i = await services.intake_wijzigen(sm, principal, open=body.open, reden=body.reden, reden_code=body.reden_code)
        return IntakeUit(open=i.open, reden=i.reden, gewijzigd_op=i.gewijzigd_op)

    return r
