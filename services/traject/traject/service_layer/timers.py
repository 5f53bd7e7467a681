"""Durable timers (§5.2 "→ TE_EVALUEREN: timer", §5.3 3-monthly DIW evaluation): no in-memory timers.

Each poll is one unit of work: claim due rows with ``FOR UPDATE SKIP LOCKED``, let the domain decide; the unit
of work saves the new state and stages the event in the outbox. The state change and the event commit together,
and the changed row no longer matches the query, so each evaluation is announced exactly once — across restarts (a crash rolls
back both) and with several instances (a locked row is skipped; after its commit it no longer matches).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from collections.abc import Callable

from traject.domain import DIWFondsRegels
from traject.service_layer.unit_of_work import TrajectUnitOfWork

log = logging.getLogger(__name__)


async def evaluaties_once(uow: TrajectUnitOfWork, *, batch: int) -> int:
    async with uow:
        vandaag = uow.klok.vandaag()
        return sum(t.controleer_evaluatie(vandaag) for t in await uow.trajecten.claim_evaluatie_verschuldigd(vandaag, batch))


async def diw_evaluaties_once(uow: TrajectUnitOfWork, *, batch: int, regels: DIWFondsRegels) -> int:
    async with uow:
        vandaag = uow.klok.vandaag()
        return sum(a.controleer_evaluatie(vandaag, regels) for a in await uow.diw_aanvragen.claim_evaluatie_verschuldigd(vandaag, batch))


def evaluatie_timer(nieuwe_uow: Callable[[], TrajectUnitOfWork], *, batch: int, poll_seconds: float, diw_regels: DIWFondsRegels):
    """The background task: every ``poll_seconds``, both polls, each in a fresh unit of work from ``nieuwe_uow``."""
    stappen = (
        ("traject", lambda: evaluaties_once(nieuwe_uow(), batch=batch)),
        ("diw", lambda: diw_evaluaties_once(nieuwe_uow(), batch=batch, regels=diw_regels)),
    )

    async def evaluatie_timer(stop: asyncio.Event) -> None:
        while not stop.is_set():
            for naam, stap in stappen:
                try:
                    n = await stap()
                    if n:
                        log.info("evaluations due announced", extra={"timer": naam, "aantal": n})
                except Exception:  # noqa: BLE001 - the next poll retries; nothing was committed
                    log.exception("evaluation timer poll failed", extra={"timer": naam})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=poll_seconds)

    return evaluatie_timer
