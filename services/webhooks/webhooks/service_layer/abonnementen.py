"""Use cases of the subscription API. A PARTNER manages its own organisation's subscriptions (PARTNER profile); the
COORDINATOR manages all, and is the only one who may create one with the ACT profile (the jeugdhulpregie's)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from jeugdhulp_common.auth import Principal, Toegangsrol
from jeugdhulp_common.problems import ProblemError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from webhooks.adapters import repository as repo
from webhooks.adapters.http import check_url
from webhooks.domain import bericht
from webhooks.domain.adressen import Network, url_fout
from webhooks.domain.policy import Profiel, unknown_types


def _veld(field: str, message: str, status: int = 422, title: str = "Invalid request") -> ProblemError:
    return ProblemError(status, title, f"{field}: {message}", errors=[{"field": field, "type": "value_error", "message": message}])


@dataclass(frozen=True)
class Context:
    sessionmaker: async_sessionmaker[AsyncSession]
    allowed: Sequence[Network]
    overlap: dt.timedelta


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def controleer_url(ctx: Context, url: str) -> None:
    fout = url_fout(url)
    if fout is None:
        reden, _ = await check_url(url, ctx.allowed)
        fout = reden
    if fout is not None:
        raise _veld("url", fout)


def controleer_types(profiel: Profiel, event_types: Sequence[str]) -> None:
    onbekend = unknown_types(profiel, event_types)
    if onbekend:
        raise _veld("eventTypes", f"not deliverable to a {profiel.value} subscription: {', '.join(sorted(onbekend)[:10])}")


def _is_coordinator(p: Principal) -> bool:
    return p.heeft(Toegangsrol.COORDINATOR)


async def maak(ctx: Context, p: Principal, *, url: str, event_types: list[str], description: str, organisatie: str | None, profiel: Profiel | None) -> tuple[repo.Abonnement, str]:
    if not _is_coordinator(p):
        if organisatie not in (None, p.organisatie):
            raise _veld("organisatie", "a partner subscribes for its own organisation only", 403, "Forbidden")
        if profiel not in (None, Profiel.PARTNER):
            raise _veld("profiel", "only the coördinator creates an ACT subscription", 403, "Forbidden")
    profiel = profiel or Profiel.PARTNER
    controleer_types(profiel, event_types)
    await controleer_url(ctx, url)
    sid, secret = uuid.uuid4(), bericht.nieuw_geheim()
    async with ctx.sessionmaker.begin() as s:
        await repo.maak(
            s, id=sid, organisatie=organisatie or p.organisatie, profiel=profiel, url=url, event_types=sorted(set(event_types)),
            description=description, secret=secret,
        )
        ab = await repo.haal(s, sid)
    assert ab is not None
    return ab, secret


async def haal(ctx: Context, p: Principal, sid: uuid.UUID, session: AsyncSession, *, for_update: bool = False) -> repo.Abonnement:
    ab = await repo.haal(session, sid, for_update=for_update)
    if ab is None or (not _is_coordinator(p) and ab.organisatie != p.organisatie):
        raise ProblemError(404, "Not found", "no such subscription for your organisation")
    return ab


async def lees(ctx: Context, p: Principal, sid: uuid.UUID) -> repo.Abonnement:
    async with ctx.sessionmaker() as s:
        return await haal(ctx, p, sid, s)


async def lijst(ctx: Context, p: Principal, limit: int, offset: int) -> list[repo.Abonnement]:
    async with ctx.sessionmaker() as s:
        return await repo.lijst(s, None if _is_coordinator(p) else p.organisatie, limit, offset)


async def wijzig(ctx: Context, p: Principal, sid: uuid.UUID, *, url: str | None, event_types: list[str] | None, description: str | None) -> repo.Abonnement:
    if url is not None:
        await controleer_url(ctx, url)
    async with ctx.sessionmaker.begin() as s:
        ab = await haal(ctx, p, sid, s, for_update=True)
        values: dict[str, object] = {}
        if url is not None:
            values["url"] = url
        if event_types is not None:
            controleer_types(ab.profiel, event_types)
            values["event_types"] = sorted(set(event_types))
        if description is not None:
            values["description"] = description
        if values:
            await repo.wijzig(s, sid, **values)
        nieuw = await repo.haal(s, sid)
    assert nieuw is not None
    return nieuw


async def zet_status(ctx: Context, p: Principal, sid: uuid.UUID, status: str) -> repo.Abonnement:
    """Pause (deliveries are kept and wait) or resume (also re-enables a subscription a 410 disabled)."""
    async with ctx.sessionmaker.begin() as s:
        await haal(ctx, p, sid, s, for_update=True)
        await repo.wijzig(s, sid, status=status, disabled_reason=None)
        nieuw = await repo.haal(s, sid)
    assert nieuw is not None
    return nieuw


async def verwijder(ctx: Context, p: Principal, sid: uuid.UUID) -> None:
    async with ctx.sessionmaker.begin() as s:
        await haal(ctx, p, sid, s, for_update=True)
        await repo.verwijder(s, sid)


async def roteer(ctx: Context, p: Principal, sid: uuid.UUID, overlap: dt.timedelta | None) -> tuple[str, dt.datetime]:
    now = utcnow()
    tot = now + (ctx.overlap if overlap is None else overlap)
    secret = bericht.nieuw_geheim()
    async with ctx.sessionmaker.begin() as s:
        await haal(ctx, p, sid, s, for_update=True)
        await repo.roteer(s, sid, secret, tot, now)
    return secret, tot


async def ping(ctx: Context, p: Principal, sid: uuid.UUID) -> str:
    """Queue a test message (type ``be.jeugdhulp.webhooks.Ping``) through the normal delivery path."""
    now = utcnow()
    ping_id = uuid.uuid4()
    async with ctx.sessionmaker.begin() as s:
        await haal(ctx, p, sid, s)
        wid = bericht.webhook_id(sid, ping_id)
        await repo.voeg_leveringen_toe(
            s,
            [{
                "subscription_id": sid, "webhook_id": wid, "event_id": ping_id, "event_type": bericht.PING_TYPE,
                "aggregate_key": f"ping:{ping_id}", "payload": bericht.ping_body(sid, ping_id, now), "status": repo.PENDING, "occurred_at": now,
            }],
        )
    return wid


async def leveringen(ctx: Context, p: Principal, sid: uuid.UUID, status: str | None, limit: int, offset: int) -> list:
    async with ctx.sessionmaker() as s:
        await haal(ctx, p, sid, s)
        return await repo.leveringen(s, sid, status, limit, offset)


async def herhaal(ctx: Context, p: Principal, sid: uuid.UUID, van: dt.datetime, tot: dt.datetime) -> int:
    if tot <= van:
        raise _veld("until", "must be after 'from'")
    async with ctx.sessionmaker.begin() as s:
        await haal(ctx, p, sid, s)
        return await repo.herhaal(s, sid, van, tot)
