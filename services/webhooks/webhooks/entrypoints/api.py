"""HTTP routes of the subscription API (thin: parse, build the unit of work for the caller, call a use case).

PARTNER: its own organisation's subscriptions; COORDINATOR: all, and the ACT profile. Other roles: 403. Domain
refusals are answered by the one table of every service (``jeugdhulp_common.problems.SOORTEN``)."""

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from jeugdhulp_common.api import problem_responses
from jeugdhulp_common.auth import INTEGRATIE, Principal
from jeugdhulp_common.paging import Limit, Offset, Page
from jeugdhulp_common.service import Runtime

from webhooks.domain.abonnement import Actie
from webhooks.entrypoints.schemas import (
    AbonnementUit,
    Herhaling,
    HerhalingUit,
    LeveringStatus,
    LeveringUit,
    NieuwAbonnement,
    NieuwAbonnementUit,
    PingUit,
    Rotatie,
    RotatieUit,
    Wijziging,
)
from webhooks.service_layer import abonnementen as uc
from webhooks.service_layer.unit_of_work import WebhooksUnitOfWork


def routers(rt: Runtime) -> list[APIRouter]:
    s = rt.settings
    allowed = s.allowed()  # type: ignore[attr-defined]
    standaard_overlap = dt.timedelta(hours=s.secret_overlap_hours)  # type: ignore[attr-defined]
    who = Depends(rt.require(*INTEGRATIE))

    def werk(p: Principal = who) -> WebhooksUnitOfWork:
        return WebhooksUnitOfWork(rt.engine, principal=p)

    Uow = Annotated[WebhooksUnitOfWork, Depends(werk)]
    r = APIRouter(prefix="/subscriptions", tags=["subscriptions"], responses=problem_responses(401, 403, 422))
    gevonden = problem_responses(404, 409)

    @r.post("", status_code=201, response_model=NieuwAbonnementUit)
    async def create(body: NieuwAbonnement, uow: Uow) -> NieuwAbonnementUit:
        """Subscribe a URL to event types. The answer holds the signing secret, shown this once."""
        ab, secret = await uc.maak(
            uow, url=body.url, event_types=body.event_types, description=body.description, organisatie=body.organisatie, profiel=body.profiel,
            allowed=allowed,
        )
        return NieuwAbonnementUit.van(ab, secret=secret)

    @r.get("", response_model=Page[AbonnementUit])
    async def list_(uow: Uow, limit: Limit = 50, offset: Offset = 0) -> Page[AbonnementUit]:
        """Your organisation's subscriptions (the coördinator: all), oldest first."""
        items, total = await uc.lijst(uow, limit, offset)
        return Page[AbonnementUit](items=[AbonnementUit.van(a) for a in items], total=total, limit=limit, offset=offset)

    @r.get("/{sid}", response_model=AbonnementUit, responses=problem_responses(404))
    async def get(sid: uuid.UUID, uow: Uow) -> AbonnementUit:
        return AbonnementUit.van(await uc.lees(uow, sid))

    @r.patch("/{sid}", response_model=AbonnementUit, responses=gevonden)
    async def update(sid: uuid.UUID, body: Wijziging, uow: Uow) -> AbonnementUit:
        """Change the URL, the event types or the description."""
        return AbonnementUit.van(await uc.wijzig(uow, sid, url=body.url, event_types=body.event_types, description=body.description, allowed=allowed))

    @r.post("/{sid}/pause", response_model=AbonnementUit, responses=gevonden)
    async def pause(sid: uuid.UUID, uow: Uow) -> AbonnementUit:
        """Stop sending; events keep being queued and go out after resume. A disabled subscription: 409 (resume it)."""
        return AbonnementUit.van(await uc.wissel(uow, sid, Actie.PAUZEER))

    @r.post("/{sid}/resume", response_model=AbonnementUit, responses=gevonden)
    async def resume(sid: uuid.UUID, uow: Uow) -> AbonnementUit:
        """Send again (also after the receiver's 410 disabled the subscription)."""
        return AbonnementUit.van(await uc.wissel(uow, sid, Actie.HERVAT))

    @r.delete("/{sid}", status_code=204, response_class=Response, responses=gevonden)
    async def delete(sid: uuid.UUID, uow: Uow) -> Response:
        """Delete the subscription, its secrets and its delivery log."""
        await uc.verwijder(uow, sid)
        return Response(status_code=204)

    @r.post("/{sid}/secret/rotate", response_model=RotatieUit, responses=gevonden)
    async def rotate(sid: uuid.UUID, uow: Uow, body: Rotatie | None = None) -> RotatieUit:
        """A new signing secret (shown once). During the overlap, messages carry a signature with each valid secret."""
        overlap = standaard_overlap if body is None or body.overlap_seconds is None else dt.timedelta(seconds=body.overlap_seconds)
        secret, tot = await uc.roteer(uow, sid, overlap)
        return RotatieUit(secret=secret, previous_secret_expires_at=tot)

    @r.post("/{sid}/test", status_code=202, response_model=PingUit, responses=problem_responses(404))
    async def test(sid: uuid.UUID, uow: Uow) -> PingUit:
        """Send a test message (type be.jeugdhulp.webhooks.Ping) through the normal delivery path."""
        return PingUit(webhook_id=await uc.ping(uow, sid))

    @r.get("/{sid}/deliveries", response_model=Page[LeveringUit], responses=problem_responses(404))
    async def deliveries(sid: uuid.UUID, uow: Uow, status: LeveringStatus | None = Query(None), limit: Limit = 50, offset: Offset = 0) -> Page[LeveringUit]:
        """The delivery log, newest first: status, attempts, last status code and error (never the receiver's body)."""
        rows, total = await uc.leveringen(uow, sid, status, limit, offset)
        return Page[LeveringUit](items=[LeveringUit.van(row) for row in rows], total=total, limit=limit, offset=offset)

    @r.post("/{sid}/replay", response_model=HerhalingUit, responses=problem_responses(404))
    async def replay(sid: uuid.UUID, body: Herhaling, uow: Uow) -> HerhalingUit:
        """Send again every message of events that occurred in [from, until), with their original webhook-id."""
        return HerhalingUit(requeued=await uc.herhaal(uow, sid, body.from_, body.until))

    return [r]
