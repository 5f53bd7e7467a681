"""Storage of the webhooks service: subscriptions and secrets, the delivery log, the scope projection."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from jeugdhulp_common.events import Event

from webhooks.adapters.tables import (
    delivery_table as D,
    scope_aanmelding_table as SA,
    scope_traject_org_table as STO,
    scope_traject_table as ST,
    subscription_secret_table as SS,
    subscription_table as S,
)
from webhooks.domain.policy import AANMELDING_KEY, TRAJECT_KEY, Abonnee, Profiel
from webhooks.domain.projection import Feiten

ACTIVE, PAUSED, DISABLED = "ACTIVE", "PAUSED", "DISABLED"
PENDING, DELIVERED, FAILED = "PENDING", "DELIVERED", "FAILED"


# --------------------------------------------------------------------------- projection


async def leer(session: AsyncSession, f: Feiten) -> None:
    if f.aanmelding is not None:
        aid, org = f.aanmelding
        await session.execute(pg_insert(SA).values(aanmelding_id=aid, organisatie=org).on_conflict_do_nothing())
    if f.traject_aanmelding is not None:
        tid, aid = f.traject_aanmelding
        await session.execute(pg_insert(ST).values(traject_id=tid, aanmelding_id=aid).on_conflict_do_nothing())
    if f.traject_organisaties is not None:
        tid, orgs = f.traject_organisaties
        if orgs:
            await session.execute(pg_insert(STO).values([{"traject_id": tid, "organisatie": o} for o in sorted(orgs)]).on_conflict_do_nothing())


async def organisaties(session: AsyncSession, ev: Event) -> set[str]:
    """The organisations of the aanmelding or traject this event is about (as far as the projection knows)."""
    key = type(ev).key_field
    if key == AANMELDING_KEY:
        rows = await session.execute(select(SA.c.organisatie).where(SA.c.aanmelding_id == ev.aanmelding_id))  # type: ignore[attr-defined]
        return {r[0] for r in rows}
    if key == TRAJECT_KEY:
        tid = ev.traject_id  # type: ignore[attr-defined]
        rollen = select(STO.c.organisatie).where(STO.c.traject_id == tid)
        aanmelder = select(SA.c.organisatie).join(ST, ST.c.aanmelding_id == SA.c.aanmelding_id).where(ST.c.traject_id == tid)
        rows = await session.execute(rollen.union(aanmelder))
        return {r[0] for r in rows}
    return set()


# --------------------------------------------------------------------------- subscriptions


@dataclass(frozen=True)
class Abonnement:
    id: uuid.UUID
    organisatie: str
    profiel: Profiel
    url: str
    event_types: list[str]
    description: str
    status: str
    disabled_reason: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def abonnee(self) -> Abonnee:
        return Abonnee(self.organisatie, self.profiel, frozenset(self.event_types))


def _abonnement(r: Any) -> Abonnement:
    return Abonnement(r.id, r.organisatie, Profiel(r.profiel), r.url, list(r.event_types), r.description, r.status, r.disabled_reason, r.created_at, r.updated_at)


async def ontvangers(session: AsyncSession) -> list[Abonnement]:
    """Subscriptions that collect deliveries: active and paused ones (a paused one gets them when resumed)."""
    rows = await session.execute(select(S).where(S.c.status.in_((ACTIVE, PAUSED))))
    return [_abonnement(r) for r in rows]


async def voeg_leveringen_toe(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> int:
    if not rows:
        return 0
    res = await session.execute(pg_insert(D).values(list(rows)).on_conflict_do_nothing(constraint="delivery_subscription_event_key").returning(D.c.id))
    return len(res.all())


async def maak(session: AsyncSession, *, id: uuid.UUID, organisatie: str, profiel: Profiel, url: str, event_types: list[str], description: str, secret: str) -> None:
    await session.execute(
        S.insert().values(id=id, organisatie=organisatie, profiel=profiel.value, url=url, event_types=event_types, description=description, status=ACTIVE)
    )
    await session.execute(SS.insert().values(subscription_id=id, secret=secret))


async def haal(session: AsyncSession, id: uuid.UUID, *, for_update: bool = False) -> Abonnement | None:
    q = select(S).where(S.c.id == id)
    if for_update:
        q = q.with_for_update()
    r = (await session.execute(q)).first()
    return _abonnement(r) if r else None


async def lijst(session: AsyncSession, organisatie: str | None, limit: int, offset: int) -> list[Abonnement]:
    q = select(S).order_by(S.c.created_at, S.c.id).limit(limit).offset(offset)
    if organisatie is not None:
        q = q.where(S.c.organisatie == organisatie)
    return [_abonnement(r) for r in await session.execute(q)]


async def wijzig(session: AsyncSession, id: uuid.UUID, **values: Any) -> None:
    await session.execute(update(S).where(S.c.id == id).values(**values, updated_at=func.now()))


async def verwijder(session: AsyncSession, id: uuid.UUID) -> None:
    await session.execute(delete(S).where(S.c.id == id))


async def roteer(session: AsyncSession, id: uuid.UUID, secret: str, old_expires_at: dt.datetime, now: dt.datetime) -> None:
    """The new secret becomes current; the ones still valid stay valid until ``old_expires_at`` (the overlap)."""
    await session.execute(delete(SS).where(SS.c.subscription_id == id, SS.c.expires_at <= now))
    await session.execute(
        update(SS)
        .where(SS.c.subscription_id == id, or_(SS.c.expires_at.is_(None), SS.c.expires_at > old_expires_at))
        .values(expires_at=old_expires_at)
    )
    await session.execute(SS.insert().values(subscription_id=id, secret=secret))


async def geldige_geheimen(session: AsyncSession, ids: Iterable[uuid.UUID], now: dt.datetime) -> dict[uuid.UUID, list[str]]:
    out: dict[uuid.UUID, list[str]] = {}
    rows = await session.execute(
        select(SS.c.subscription_id, SS.c.secret)
        .where(SS.c.subscription_id.in_(list(ids)), or_(SS.c.expires_at.is_(None), SS.c.expires_at > now))
        .order_by(SS.c.id.desc())
    )
    for sid, secret in rows:
        out.setdefault(sid, []).append(secret)
    return out


# --------------------------------------------------------------------------- deliveries

_CLAIM = text(
    """
    SELECT d.id, d.subscription_id, d.webhook_id, d.event_type, d.payload, d.attempts, d.window_started_at, d.trace, s.url
    FROM delivery d JOIN subscription s ON s.id = d.subscription_id
    WHERE d.status = 'PENDING' AND d.next_attempt_at <= :now AND s.status = 'ACTIVE'
      AND NOT EXISTS (
        SELECT 1 FROM delivery e
        WHERE e.subscription_id = d.subscription_id AND e.aggregate_key = d.aggregate_key
          AND e.status = 'PENDING' AND e.id < d.id)
    ORDER BY d.next_attempt_at, d.id
    LIMIT :n
    FOR UPDATE OF d SKIP LOCKED
    """
)


async def claim(session: AsyncSession, now: dt.datetime, n: int) -> list[Any]:
    """Due deliveries, at most one per (subscription, aggregate): the oldest pending one, so order per aggregate holds.
    Locked until the transaction ends; other workers skip them."""
    return list(await session.execute(_CLAIM, {"now": now, "n": n}))


async def na_poging(session: AsyncSession, id: int, **values: Any) -> None:
    await session.execute(update(D).where(D.c.id == id).values(**values, attempts=D.c.attempts + 1))


async def leveringen(session: AsyncSession, subscription_id: uuid.UUID, status: str | None, limit: int, offset: int) -> list[Any]:
    q = select(D).where(D.c.subscription_id == subscription_id).order_by(D.c.id.desc()).limit(limit).offset(offset)
    if status:
        q = q.where(D.c.status == status)
    return list(await session.execute(q))


async def herhaal(session: AsyncSession, subscription_id: uuid.UUID, van: dt.datetime, tot: dt.datetime) -> int:
    """Replay: deliveries of events that occurred in [van, tot) go out again (same webhook-id), a fresh retry round."""
    res = await session.execute(
        update(D)
        .where(and_(D.c.subscription_id == subscription_id, D.c.occurred_at >= van, D.c.occurred_at < tot, D.c.status != PENDING))
        .values(status=PENDING, next_attempt_at=func.now(), window_started_at=None, attempts=0, last_error=None, last_status_code=None, delivered_at=None)
        .returning(D.c.id)
    )
    return len(res.all())
