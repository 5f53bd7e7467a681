"""The NOTIFY listener (jeugdhulp_common.notify) on the real Postgres: it ends as soon as it is stopped.

Its wait for "stopped or connection lost" waited for both (``asyncio.wait``'s default), so a stop took the rest of its
10 s health-check period: every service process stopped 2 s late once shutdown was bounded, about a tenth of the
suite's time."""

from __future__ import annotations

import asyncio
import time

import support

from jeugdhulp_common.notify import OUTBOX_CHANNEL, Listener


async def test_a_connected_listener_ends_at_once_when_stopped() -> None:
    listener = Listener(support.database_url("aanmelding"))
    listener.wake_event(OUTBOX_CHANNEL)
    stop = asyncio.Event()
    task = asyncio.create_task(listener.run(stop))
    try:
        await support.wait_for(lambda: listener.connected, timeout=30, what="listener connected")
        stopped = time.monotonic()
        stop.set()
        await asyncio.wait_for(task, timeout=5)
        assert time.monotonic() - stopped < 1.0
        assert not listener.connected
    finally:
        task.cancel()
