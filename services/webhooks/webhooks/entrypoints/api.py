"""HTTP routes of the subscription API (thin: parse, check the role, call a use case).

PARTNER: its own organisation's subscriptions; COORDINATOR: all, and the ACT profile. Other roles: 403."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from jeugdhulp_common.api import RequestBody, ResponseBody, problem_responses
from jeugdhulp_common.auth import Principal, Toegangsrol
from jeugdhulp_common.paging import Limit, Offset
from jeugdhulp_common.service import Runtime
from pydantic import AwareDatetime, Field

from webhooks.adapters import repository as repo
from webhooks.domain.policy import Profiel
from webhooks.service_layer import abonnementen as uc

EventType = Annotated[str, Field(min_length=1, max_length=200)]
Url = Annotated[str, Field(min_length=8, max_length=2000)]
Omschrijving = Annotated[str, Field(max_length=500)]


class NieuwAbonnement(RequestBody):
    url: Url
    event_types: list[EventType] = Field(default_factory=list, max_length=50, description="CloudEvents types; empty: all your profile may receive")
    description: Omschrijving = ""
    organisatie: Annotated[str, Field(min_length=1, max_length=300)] | None = Field(None, description="coördinator only; default: your own")
    profiel: Profiel | None = Field(None, description="PARTNER (default) or ACT (coördinator only)")


class Wijziging(RequestBody):
    url: Url | None = None
    event_types: list[EventType] | None = Field(None, max_length=50)
    description: Omschrijving | None = None


class Rotatie(RequestBody):
    overlap_seconds: int | None = Field(None, ge=0, le=7 * 24 * 3600, description="how long the previous secret still signs; default WEBHOOKS_SECRET_OVERLAP_HOURS")


class Herhaling(RequestBody):
    from_: AwareDatetime = Field(alias="from")
    until: AwareDatetime


class AbonnementOut(ResponseBody):
    id: uuid.UUID
    organisatie: str
    profiel: Profiel
    url: str
    event_types: list[str]
    description: str
    status: Literal["ACTIVE", "PAUSED", "DISABLED"]
    disabled_reason: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def van(cls, a: repo.Abonnement) -> AbonnementOut:
        return cls(**{k: getattr(a, k) for k in cls.model_fields})


class NieuwAbonnementOut(AbonnementOut):
    secret: str = Field(description="the signing secret (whsec_…): shown once, store it now")


class RotatieOut(ResponseBody):
    secret: str = Field(description="the new signing secret: shown once")
    previous_secret_expires_at: dt.datetime


class PingOut(ResponseBody):
    webhook_id: str


class LeveringOut(ResponseBody):
    webhook_id: str
    event_id: uuid.UUID
    event_type: str
    status: Literal["PENDING", "DELIVERED", "FAILED"]
    attempts: int
    occurred_at: dt.datetime
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None
    last_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: dt.datetime | None


class HerhalingOut(ResponseBody):
    requeued: int


def routers(rt: Runtime) -> list[APIRouter]:
    s = rt.settings
    ctx = uc.Context(rt.sessionmaker, s.allowed(), dt.timedelta(hours=s.secret_overlap_hours))  # type: ignore[attr-defined]
    who = Depends(rt.require(Toegangsrol.PARTNER, Toegangsrol.COORDINATOR))
    r = APIRouter(prefix="/subscriptions", tags=["subscriptions"], responses=problem_responses(401, 403, 422))

    @r.post("", status_code=201, response_model=NieuwAbonnementOut, responses=problem_responses(404))
    async def create(body: NieuwAbonnement, p: Principal = who) -> NieuwAbonnementOut:
        """Subscribe a URL to event types. The answer holds the signing secret, shown this once."""
        ab, secret = await uc.maak(
            ctx, p, url=body.url, event_types=body.event_types, description=body.description, organisatie=body.organisatie, profiel=body.profiel
        )
        return NieuwAbonnementOut(**AbonnementOut.van(ab).model_dump(), secret=secret)

    @r.get("", response_model=list[AbonnementOut])
    async def list_(p: Principal = who, limit: Limit = 50, offset: Offset = 0) -> list[AbonnementOut]:
        """Your organisation's subscriptions (the coördinator: all)."""
        return [AbonnementOut.van(a) for a in await uc.lijst(ctx, p, limit, offset)]

    @r.get("/{sid}", response_model=AbonnementOut, responses=problem_responses(404))
    async def get(sid: uuid.UUID, p: Principal = who) -> AbonnementOut:
        return AbonnementOut.van(await uc.lees(ctx, p, sid))

    @r.patch("/{sid}", response_model=AbonnementOut, responses=problem_responses(404))
    async def update(sid: uuid.UUID, body: Wijziging, p: Principal = who) -> AbonnementOut:
        """Change the URL, the event types or the description."""
        return AbonnementOut.van(await uc.wijzig(ctx, p, sid, url=body.url, event_types=body.event_types, description=body.description))

    @r.post("/{sid}/pause", response_model=AbonnementOut, responses=problem_responses(404))
    async def pause(sid: uuid.UUID, p: Principal = who) -> AbonnementOut:
        """Stop sending; events keep being queued and go out after resume."""
        return AbonnementOut.van(await uc.zet_status(ctx, p, sid, repo.PAUSED))

    @r.post("/{sid}/resume", response_model=AbonnementOut, responses=problem_responses(404))
    async def resume(sid: uuid.UUID, p: Principal = who) -> AbonnementOut:
        """Send again (also after the receiver's 410 disabled the subscription)."""
        return AbonnementOut.van(await uc.zet_status(ctx, p, sid, repo.ACTIVE))

    @r.delete("/{sid}", status_code=204, responses=problem_responses(404))
    async def delete(sid: uuid.UUID, p: Principal = who) -> Response:
        """Delete the subscription, its secrets and its delivery log."""
        await uc.verwijder(ctx, p, sid)
        return Response(status_code=204)

    @r.post("/{sid}/secret/rotate", response_model=RotatieOut, responses=problem_responses(404))
    async def rotate(sid: uuid.UUID, p: Principal = who, body: Rotatie | None = None) -> RotatieOut:
        """A new signing secret (shown once). During the overlap, messages carry a signature with each valid secret."""
        overlap = None if body is None or body.overlap_seconds is None else dt.timedelta(seconds=body.overlap_seconds)
        secret, tot = await uc.roteer(ctx, p, sid, overlap)
        return RotatieOut(secret=secret, previous_secret_expires_at=tot)

    @r.post("/{sid}/test", status_code=202, response_model=PingOut, responses=problem_responses(404))
    async def test(sid: uuid.UUID, p: Principal = who) -> PingOut:
        """Send a test message (type be.jeugdhulp.webhooks.Ping) through the normal delivery path."""
        return PingOut(webhook_id=await uc.ping(ctx, p, sid))

    @r.get("/{sid}/deliveries", response_model=list[LeveringOut], responses=problem_responses(404))
    async def deliveries(
        sid: uuid.UUID, p: Principal = who, status: Literal["PENDING", "DELIVERED", "FAILED"] | None = Query(None), limit: Limit = 50, offset: Offset = 0
    ) -> list[LeveringOut]:
        """The delivery log, newest first: status, attempts, last status code and error (never the receiver's body)."""
        rows = await uc.leveringen(ctx, p, sid, status, limit, offset)
        return [LeveringOut(**{k: getattr(row, k) for k in LeveringOut.model_fields}) for row in rows]

    @r.post("/{sid}/replay", response_model=HerhalingOut, responses=problem_responses(404))
    async def replay(sid: uuid.UUID, body: Herhaling, p: Principal = who) -> HerhalingOut:
        """Send again every message of events that occurred in [from, until), with their original webhook-id."""
        return HerhalingOut(requeued=await uc.herhaal(ctx, p, sid, body.from_, body.until))

    return [r]
