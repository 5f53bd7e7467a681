"""Storage of the webhooks service: subscriptions (an aggregate on the shared :class:`Repository` base), the delivery
log (a work queue, not an aggregate: rows are claimed ``FOR UPDATE SKIP LOCKED`` so that several workers share it,
which the aggregate locking policy, a wait for the row, would defeat) and the dispatcher's scope projection."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from jeugdhulp_common.events import Event
from jeugdhulp_common.unit_of_work import Repository
from jeugdhulp_common.db import Db

from webhooks.adapters.tables import (
    delivery_table as D,
    scope_aanmelding_table as SA,
    scope_traject_org_table as STO,
    scope_traject_table as ST,
    subscription_table as S,
)
from webhooks.domain.abonnement import NAAM, Abonnement, Status
from webhooks.domain.policy import AANMELDING_KEY, TRAJECT_KEY
from webhooks.domain.projection import Feiten

PENDING, DELIVERED, FAILED = "PENDING", "DELIVERED", "FAILED"


# --------------------------------------------------------------------------- projection


async def leer(session: Db, f: Feiten) -> None:
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


async def organisaties(session: Db, ev: Event) -> set[str]:
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


class AbonnementRepository(Repository[Abonnement]):
    """Subscriptions, the one aggregate of this service: the shared repository base (one JSONB document, loaded
    ``FOR UPDATE`` for change, version checked on save, :class:`GelijktijdigGewijzigd` -> 409) plus the lookups below."""

    table = S
    aggregaat = Abonnement
    naam = NAAM

    def sleutel(self, ab: Abonnement) -> uuid.UUID:
        return ab.id

    def kolommen(self, ab: Abonnement) -> dict[str, Any]:
        return {"organisatie": ab.organisatie, "url": ab.url, "status": ab.status.value}

    async def lijst(self, organisatie: str | None, limit: int, offset: int) -> tuple[list[Abonnement], int]:
        """A page in creation order (``organisatie`` None: every organisation's) and the number matching."""
        where = [] if organisatie is None else [S.c.organisatie == organisatie]
        rows = await self.session.execute(select(S.c.document).where(*where).order_by(S.c.created_at, S.c.id).limit(limit).offset(offset))
        total = await self.session.scalar(select(func.count()).select_from(S).where(*where))
        return [self.uit_document(r.document) for r in rows], int(total or 0)

    async def ontvangers(self) -> list[Abonnement]:
        """Subscriptions that collect deliveries: active and paused ones (a paused one gets them when resumed)."""
        rows = await self.session.execute(select(S.c.document).where(S.c.status.in_((Status.ACTIVE, Status.PAUSED))))
        return [self.uit_document(r.document) for r in rows]

    async def geldige_geheimen(self, ids: Iterable[uuid.UUID], nu: dt.datetime) -> dict[uuid.UUID, list[str]]:
        """Per subscription, the secrets that sign now (newest first)."""
        rows = await self.session.execute(select(S.c.document).where(S.c.id.in_(list(ids))))
        return {ab.id: ab.geldige_geheimen(nu) for ab in (self.uit_document(r.document) for r in rows)}

    async def verwijder(self, ab: Abonnement) -> None:
        """Delete a subscription loaded for change (:meth:`get`), with its delivery log (cascade)."""
        self.seen.pop(self.sleutel(ab), None)
        await self.session.execute(delete(S).where(S.c.id == ab.id))


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


class Leveringen:
    """The delivery log of one transaction. A work queue, not an aggregate: the worker claims rows
    ``FOR UPDATE SKIP LOCKED`` (:meth:`claim`) and keeps that SQL; everything else about a subscription goes through
    :class:`AbonnementRepository`."""

    def __init__(self, session: Db) -> None:
        self.session = session

    async def voeg_toe(self, rows: Sequence[dict[str, Any]]) -> int:
        """Queue deliveries; one per (subscription, event): a second one is ignored. The number queued."""
        if not rows:
            return 0
        res = await self.session.execute(
            pg_insert(D).values(list(rows)).on_conflict_do_nothing(constraint="delivery_subscription_event_key").returning(D.c.id)
        )
        return len(res.all())

    async def claim(self, now: dt.datetime, n: int) -> list[Any]:
        """Due deliveries, at most one per (subscription, aggregate): the oldest pending one, so order per aggregate
        holds. Locked until the transaction ends; other workers skip them."""
        return list(await self.session.execute(_CLAIM, {"now": now, "n": n}))

    async def na_poging(self, id: int, **values: Any) -> None:
        await self.session.execute(update(D).where(D.c.id == id).values(**values, attempts=D.c.attempts + 1))

    async def log(self, subscription_id: uuid.UUID, status: str | None, limit: int, offset: int) -> tuple[list[Any], int]:
        """A page of one subscription's deliveries, newest first, and the number matching."""
        where = [D.c.subscription_id == subscription_id, *([D.c.status == status] if status else [])]
        rows = await self.session.execute(select(D).where(*where).order_by(D.c.id.desc()).limit(limit).offset(offset))
        total = await self.session.scalar(select(func.count()).select_from(D).where(*where))
        return list(rows), int(total or 0)

    async def herhaal(self, subscription_id: uuid.UUID, van: dt.datetime, tot: dt.datetime) -> int:
        """Replay: deliveries of events that occurred in [van, tot) go out again (same webhook-id), a fresh retry round."""
        res = await self.session.execute(
            update(D)
            .where(and_(D.c.subscription_id == subscription_id, D.c.occurred_at >= van, D.c.occurred_at < tot, D.c.status != PENDING))
            .values(status=PENDING, next_attempt_at=func.now(), window_started_at=None, attempts=0, last_error=None, last_status_code=None, delivered_at=None)
            .returning(D.c.id)
        )
        return len(res.all())
