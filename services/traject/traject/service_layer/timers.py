"""Durable timers (§5.2 "→ TE_EVALUEREN: timer", §5.3 3-monthly DIW evaluation): no in-memory timers.

Each poll is one transaction: claim due rows with ``FOR UPDATE SKIP LOCKED``, let the domain decide, save the
new state and stage the event in the outbox. The state change and the event commit together, and the changed
row no longer matches the query, so each evaluation is announced exactly once — across restarts (a crash rolls
back both) and with several instances (a locked row is skipped; after its commit it no longer matches).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from jeugdhulp_common import outbox

from traject.adapters.repository import DIWRepository, TrajectRepository
from traject.service_layer.unit_of_work import Context

log = logging.getLogger(__name__)


async def evaluaties_once(ctx: Context) -> int:
    vandaag = ctx.vandaag()
    async with ctx.sessionmaker.begin() as session:
        repo = TrajectRepository(session)
        gemeld = 0
        for traject in await repo.claim_evaluatie_verschuldigd(vandaag, ctx.settings.timer_batch_size):
            if traject.controleer_evaluatie(vandaag):
                gemeld += 1
            await repo.save(traject)
            await outbox.add(session, traject.neem_events())
    return gemeld


async def diw_evaluaties_once(ctx: Context) -> int:
    vandaag = ctx.vandaag()
    async with ctx.sessionmaker.begin() as session:
        repo = DIWRepository(session, ctx.diw_regels)
        gemeld = 0
        for aanvraag in await repo.claim_evaluatie_verschuldigd(vandaag, ctx.settings.timer_batch_size):
            if aanvraag.controleer_evaluatie(vandaag, ctx.diw_regels):
                gemeld += 1
            await repo.save(aanvraag)  # also moves volgende_evaluatie_datum on
            await outbox.add(session, aanvraag.neem_events())
    return gemeld


def evaluatie_timer(ctx: Context):
    async def evaluatie_timer(stop: asyncio.Event) -> None:
        while not stop.is_set():
            for naam, stap in (("traject", evaluaties_once), ("diw", diw_evaluaties_once)):
                try:
                    n = await stap(ctx)
                    if n:
                        log.info("evaluations due announced", extra={"timer": naam, "aantal": n})
                except Exception:  # noqa: BLE001 - the next poll retries; nothing was committed
                    log.exception("evaluation timer poll failed", extra={"timer": naam})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=ctx.settings.timer_poll_seconds)

    return evaluatie_timer
