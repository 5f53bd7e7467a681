"""The delivery worker: claims due deliveries (``FOR UPDATE SKIP LOCKED``, the oldest pending one per subscription and
aggregate, so order per aggregate holds), signs and posts them, and records the outcome in the same transaction.

At-least-once: a crash between the receiver's 2xx and the commit sends the message again, with the same
``webhook-id`` (receivers deduplicate on it). Several workers (processes) may run: a claimed row is skipped by the
others. The HTTP calls of one batch run concurrently and are bounded by the timeout, so a claim is held for at
most about one timeout.
"""

from __future__ import annotations

import asyncio
import logging
import random

from jeugdhulp_common.tracing import context_from, tracer
from jeugdhulp_common.unit_of_work import Klok, SysteemKlok
from opentelemetry import trace
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from webhooks.adapters import repository as repo
from webhooks.adapters.repository import AbonnementRepository, Leveringen
from webhooks.adapters.http import Afzender, Antwoord
from webhooks.domain import bericht
from webhooks.domain.retry import Schema, Uitkomst, beslis
from webhooks.service_layer.unit_of_work import WebhooksUnitOfWork

log = logging.getLogger(__name__)


class Bezorger:
    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], afzender: Afzender, *, schema: Schema, batch_size: int, poll_seconds: float,
        klok: Klok | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.klok: Klok = klok or SysteemKlok()
        self.afzender = afzender
        self.schema = schema
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.rng = random.Random()

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    n = await self.ronde()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - logged; the rows stay PENDING and are claimed again
                    log.warning("delivery round failed", extra={"error": type(exc).__name__})
                    n = 0
                if n < self.batch_size:
                    try:
                        await asyncio.wait_for(stop.wait(), timeout=self.poll_seconds)
                    except TimeoutError:
                        pass
        finally:
            await self.afzender.close()

    async def ronde(self) -> int:
        now = self.klok.nu()
        async with self.sessionmaker.begin() as session:
            log_ = Leveringen(session)
            rows = await log_.claim(now, self.batch_size)
            if not rows:
                return 0
            geheimen = await AbonnementRepository(session).geldige_geheimen({r.subscription_id for r in rows}, now)
            antwoorden = await asyncio.gather(*(self._stuur(r, geheimen.get(r.subscription_id, [])) for r in rows))
            klaar = self.klok.nu()
            disabled: set = set()
            for r, a in zip(rows, antwoorden, strict=True):
                window = r.window_started_at or now
                b = beslis(
                    status_code=a.status_code, retry_after=a.retry_after, attempts=r.attempts + 1, window_started_at=window,
                    now=klaar, schema=self.schema, rng=self.rng,
                )
                common = {"last_attempt_at": klaar, "window_started_at": window, "last_status_code": a.status_code, "last_error": a.error}
                if b.uitkomst is Uitkomst.DELIVERED:
                    await log_.na_poging(r.id, status=repo.DELIVERED, delivered_at=klaar, **common)
                elif b.uitkomst is Uitkomst.RETRY:
                    await log_.na_poging(r.id, next_attempt_at=b.next_attempt_at, **common)
                elif b.uitkomst is Uitkomst.DISABLE:
                    await log_.na_poging(r.id, status=repo.FAILED, **common)
                    disabled.add(r.subscription_id)
                else:
                    await log_.na_poging(r.id, status=repo.FAILED, **common)
                log.info(
                    "webhook attempt",
                    extra={"webhook_id": r.webhook_id, "subscription_id": str(r.subscription_id), "status_code": a.status_code, "uitkomst": b.uitkomst.value},
                )
            # The subscription is an aggregate: changed through the unit of work (its lock, its version), in this transaction.
            async with WebhooksUnitOfWork.binnen(session) as uow:
                for sid in disabled:
                    (await uow.abonnementen.get(sid)).schakel_uit("410 Gone from the receiver", klaar)
                    log.warning("subscription disabled by 410 Gone", extra={"subscription_id": str(sid)})
        return len(rows)

    async def _stuur(self, r, geheimen: list[str]) -> Antwoord:  # noqa: ANN001 - a claimed row
        if not geheimen:
            return Antwoord(None, error="no valid signing secret")
        headers = bericht.headers(r.webhook_id, r.payload, geheimen, self.klok.nu())
        with tracer().start_as_current_span(
            "webhook deliver",
            context=context_from(r.trace or {}),
            kind=trace.SpanKind.CLIENT,
            attributes={
                "webhook.id": r.webhook_id,
                "webhook.subscription_id": str(r.subscription_id),
                "webhook.attempt": r.attempts + 1,
                "cloudevents.event_type": r.event_type,
            },
        ) as span:
            a = await self.afzender.post(r.url, headers, r.payload)
            if a.status_code is not None:
                span.set_attribute("http.response.status_code", a.status_code)
            if a.error is not None:
                span.set_attribute("error.type", a.error[:100])
            return a
