"""The dispatcher's event handler (run by the common idempotent consumer, inside its inbox transaction): learn who
is involved, then put one delivery row per receiving subscription in the log. The inbox makes a redelivered event a
no-op, and (subscription, event) is unique, so an event is never queued twice for one subscription."""

from __future__ import annotations

import logging

from jeugdhulp_common.consumer import Handler, MessageMeta
from jeugdhulp_common.events import REGISTRY, Event
from jeugdhulp_common.tracing import current_carrier
from jeugdhulp_common.db import Db

from webhooks.adapters import repository as repo
from webhooks.adapters.repository import AbonnementRepository, Leveringen
from webhooks.domain import bericht
from webhooks.domain.policy import deliverable, is_thin, receives, scoped
from webhooks.domain.projection import feiten

log = logging.getLogger(__name__)


async def verdeel(session: Db, ev: Event, meta: MessageMeta) -> None:
    await repo.leer(session, feiten(ev))
    cls = type(ev)
    orgs = await repo.organisaties(session, ev) if scoped(cls) else None
    trace = current_carrier() or None
    rows = []
    for sub in await AbonnementRepository(session).ontvangers():
        if receives(sub.abonnee, ev, orgs):
            rows.append(
                {
                    "subscription_id": sub.id,
                    "webhook_id": bericht.webhook_id(sub.id, ev.event_id),
                    "event_id": ev.event_id,
                    "event_type": ev.event_type,
                    "aggregate_key": f"{cls.key_field}:{ev.key}",
                    "payload": bericht.body(ev, thin=is_thin(cls)),
                    "status": repo.PENDING,
                    "occurred_at": ev.occurred_at,
                    "trace": trace,
                }
            )
    n = await Leveringen(session).voeg_toe(rows)
    if n:
        log.info("deliveries queued", extra={"event_id": str(ev.event_id), "event_type": ev.event_type, "aantal": n})


def handlers() -> dict[type[Event], Handler]:
    """Every deliverable event type (never micro-intern, never a dead-letter topic: those are not even read)."""
    return {cls: verdeel for cls in REGISTRY.all() if deliverable(cls)}
