"""Waiting a bounded time for one step: of stopping (a last offset commit, closing a client or the database pool), or
of dropping a client to build it again (the outbox relay's producer after a broker error).

The one way every part of a process gives up on a step: :func:`at_most` awaits it for at most so many seconds; a
step that does not end in time is cancelled (without waiting for it to end: a client stuck on a frozen broker may not
even end when cancelled) and named in the log, with the seconds, never data. A step that fails is logged too, by the
name of its error; stopping goes on either way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

log = logging.getLogger(__name__)


async def at_most(seconds: float, step: str, aw: Awaitable[object]) -> bool:
    """Await ``aw`` for at most ``seconds``. True when it ended (failed included), False when it was given up."""
    task = asyncio.ensure_future(aw)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if task in done:
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.warning("a bounded step failed", extra={"step": step, "error": type(exc).__name__})
        return True
    task.cancel()
    log.warning("gave up a step that did not end in time", extra={"step": step, "seconds": round(seconds, 2)})
    return False
