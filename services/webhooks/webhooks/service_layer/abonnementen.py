"""Use cases of the subscription API: each takes the unit of work (with the caller and the clock), loads, lets the
domain (:mod:`webhooks.domain.abonnement`) decide and records what it did. A PARTNER manages its own organisation's
subscriptions (PARTNER profile); the COORDINATOR manages all, and is the only one who may create one with the ACT
profile (the jeugdhulpregie's)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from jeugdhulp_common.auth import Principal, Toegangsrol

from webhooks.adapters.http import check_url
from webhooks.domain import bericht
from webhooks.domain.abonnement import NAAM, Abonnement, Actie, controleer_aanvrager, controleer_url, controleer_venster
from webhooks.domain.adressen import Network
from webhooks.domain.policy import Profiel
from webhooks.service_layer.unit_of_work import WebhooksUnitOfWork

# Audit actions (changes only: a subscription holds no care data, its reads are not audited).
AANMAKEN, WIJZIGEN, VERWIJDEREN = "AANMAKEN", "WIJZIGEN", "VERWIJDEREN"
ROTEREN, TESTEN, HERHALEN = "SLEUTEL_ROTEREN", "TESTEN", "HERHALEN"  # pause/resume: the Actie's name


def _ziet_alles(p: Principal) -> bool:
    return p.heeft(Toegangsrol.COORDINATOR)


def _wie(uow: WebhooksUnitOfWork) -> Principal:
    assert uow.principal is not None, "the subscription use cases run for a caller"
    return uow.principal


async def _bereikbaar(url: str | None, allowed: Sequence[Network]) -> None:
    """The SSRF guard on a new URL: its shape, then every address it resolves to (I/O, before the transaction)."""
    if url is None:
        return
    controleer_url(url)
    reden, _ = await check_url(url, allowed)
    controleer_url(url, reden)


async def _haal(uow: WebhooksUnitOfWork, sid: uuid.UUID, *, wijzigen: bool = True) -> Abonnement:
    p = _wie(uow)
    ab = await (uow.abonnementen.get(sid) if wijzigen else uow.abonnementen.lees(sid))
    ab.zichtbaar_voor(p.organisatie, alles=_ziet_alles(p))
    return ab


async def maak(
    uow: WebhooksUnitOfWork, *, url: str, event_types: Sequence[str], description: str, organisatie: str | None, profiel: Profiel | None,
    allowed: Sequence[Network],
) -> tuple[Abonnement, str]:
    """A new subscription and its signing secret (returned this once)."""
    p = _wie(uow)
    controleer_aanvrager(coordinator=_ziet_alles(p), eigen_organisatie=p.organisatie, organisatie=organisatie, profiel=profiel)
    await _bereikbaar(url, allowed)
    secret = bericht.nieuw_geheim()
    async with uow:
        ab = Abonnement.nieuw(
            id=uuid.uuid4(), organisatie=organisatie or p.organisatie, profiel=profiel or Profiel.PARTNER, url=url, event_types=event_types,
            description=description, secret=secret, nu=uow.klok.nu(),
        )
        uow.abonnementen.add(ab)
        uow.audit(AANMAKEN, NAAM, ab.id)
    return ab, secret


async def lees(uow: WebhooksUnitOfWork, sid: uuid.UUID) -> Abonnement:
    async with uow:
        return await _haal(uow, sid, wijzigen=False)


async def lijst(uow: WebhooksUnitOfWork, limit: int, offset: int) -> tuple[list[Abonnement], int]:
    """A page of the caller's organisation's subscriptions (the coördinator: all) and their number."""
    p = _wie(uow)
    async with uow:
        return await uow.abonnementen.lijst(None if _ziet_alles(p) else p.organisatie, limit, offset)


async def wijzig(
    uow: WebhooksUnitOfWork, sid: uuid.UUID, *, url: str | None, event_types: Sequence[str] | None, description: str | None,
    allowed: Sequence[Network],
) -> Abonnement:
    await _bereikbaar(url, allowed)
    async with uow:
        ab = await _haal(uow, sid)
        ab.wijzig(url=url, event_types=event_types, description=description, nu=uow.klok.nu())
        uow.audit(WIJZIGEN, NAAM, sid)
    return ab


async def wissel(uow: WebhooksUnitOfWork, sid: uuid.UUID, actie: Actie) -> Abonnement:
    """Pause (deliveries are kept and wait) or resume (also re-enables a subscription a 410 disabled): the
    subscription's transition table decides whether it may."""
    async with uow:
        ab = await _haal(uow, sid)
        ab.wissel(actie, uow.klok.nu())
        uow.audit(actie.name, NAAM, sid)
    return ab


async def verwijder(uow: WebhooksUnitOfWork, sid: uuid.UUID) -> None:
    async with uow:
        ab = await _haal(uow, sid)
        await uow.abonnementen.verwijder(ab)
        uow.audit(VERWIJDEREN, NAAM, sid)


async def roteer(uow: WebhooksUnitOfWork, sid: uuid.UUID, overlap: dt.timedelta) -> tuple[str, dt.datetime]:
    """A new signing secret (returned this once); the valid ones keep signing for ``overlap``."""
    secret = bericht.nieuw_geheim()
    async with uow:
        nu = uow.klok.nu()
        ab = await _haal(uow, sid)
        ab.roteer(secret, nu + overlap, nu)
        uow.audit(ROTEREN, NAAM, sid)
    return secret, nu + overlap


async def ping(uow: WebhooksUnitOfWork, sid: uuid.UUID) -> str:
    """Queue a test message (type ``be.jeugdhulp.webhooks.Ping``) through the normal delivery path."""
    ping_id = uuid.uuid4()
    async with uow:
        nu = uow.klok.nu()
        await _haal(uow, sid, wijzigen=False)
        wid = bericht.webhook_id(sid, ping_id)
        await uow.leveringen.voeg_toe([{
            "subscription_id": sid, "webhook_id": wid, "event_id": ping_id, "event_type": bericht.PING_TYPE, "aggregate_key": f"ping:{ping_id}",
            "payload": bericht.ping_body(sid, ping_id, nu), "status": "PENDING", "occurred_at": nu,
        }])
        uow.audit(TESTEN, NAAM, sid)
    return wid


async def leveringen(uow: WebhooksUnitOfWork, sid: uuid.UUID, status: str | None, limit: int, offset: int) -> tuple[list[Any], int]:
    """A page of the delivery log, newest first, and its number."""
    async with uow:
        await _haal(uow, sid, wijzigen=False)
        return await uow.leveringen.log(sid, status, limit, offset)


async def herhaal(uow: WebhooksUnitOfWork, sid: uuid.UUID, van: dt.datetime, tot: dt.datetime) -> int:
    """Send again every message of events that occurred in [van, tot); the number requeued."""
    controleer_venster(van, tot)
    async with uow:
        await _haal(uow, sid, wijzigen=False)
        uow.audit(HERHALEN, NAAM, sid)
        return await uow.leveringen.herhaal(sid, van, tot)
