"""The outbox relay is woken by Postgres NOTIFY (jeugdhulp_common.notify): an idle relay whose poll is 30 s away
publishes a newly committed row at once."""

from __future__ import annotations

import asyncio

import support
from events_factory import gescreend

from jeugdhulp_common import outbox
from jeugdhulp_common.db import make_engine, make_sessionmaker
from jeugdhulp_common.notify import OUTBOX_CHANNEL, Listener
from jeugdhulp_common.outbox import OutboxRelay

SERVICE = "aanmelding"


def _woken_relay(engine):  # noqa: ANN001, ANN202
    """A relay whose poll is 30 s away, woken by the outbox's NOTIFY through its own listener."""
    listener = Listener(support.database_url(SERVICE))
    return listener, OutboxRelay(engine, support.kafka(), idle_seconds=30, wake=listener.wake_event(OUTBOX_CHANNEL))


async def _published(event_id) -> bool:  # noqa: ANN001
    return await support.db_fetchval(SERVICE, "SELECT published_at IS NOT NULL FROM outbox WHERE event_id = $1", event_id)


async def _unpublished() -> int:
    return await support.db_fetchval(SERVICE, "SELECT count(*) FROM outbox WHERE published_at IS NULL")


async def test_an_idle_relay_is_woken_by_the_outbox_notification() -> None:
    engine = make_engine(support.database_url(SERVICE))
    listener, relay = _woken_relay(engine)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(listener.run(stop)), asyncio.create_task(relay.run(stop))]
    try:
        await support.wait_for(lambda: listener.connected, timeout=30, what="listener connected")
        await support.wait_for(lambda: _unpublished_is_zero(), timeout=60, what="earlier rows published; the relay idles for 30 s")
        ev = gescreend()
        async with make_sessionmaker(engine).begin() as session:
            await outbox.add(session, [ev])
        await support.wait_for(
            lambda: _published(ev.event_id),
            timeout=5,
            interval=0.02,
            what="the new row published long before the next poll",
        )
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
        await engine.dispose()


async def _unpublished_is_zero() -> bool:
    return await _unpublished() == 0


async def test_a_row_committed_just_after_a_batch_without_its_own_notification_is_published_before_the_next_poll() -> None:
    """The outbox trigger sends no NOTIFY for a row inserted while an older row is still unpublished. When that row's
    transaction commits only after the relay's batch (and the empty poll after it), the relay's follow-up polls find it:
    it does not wait for the 30 s poll."""
    engine = make_engine(support.database_url(SERVICE))
    sm = make_sessionmaker(engine)
    listener, relay = _woken_relay(engine)
    stop = asyncio.Event()
    tasks: list[asyncio.Task] = []
    older, later = gescreend(), gescreend()
    try:
        async with sm.begin() as session:
            await outbox.add(session, [older])  # committed, unpublished: no relay runs yet
        async with sm() as pending:
            await outbox.add(pending, [later])  # the trigger sees the older row unpublished: no NOTIFY for this one
            tasks = [asyncio.create_task(listener.run(stop)), asyncio.create_task(relay.run(stop))]
            await support.wait_for(
                lambda: _published(older.event_id),
                timeout=60,
                interval=0.02,
                what="the older row published (the relay's wake-up at connect)",
            )
            await pending.commit()
        await support.wait_for(
            lambda: _published(later.event_id),
            timeout=5,
            interval=0.02,
            what="the later row published long before the 30 s poll",
        )
    finally:
        stop.set()
        if tasks:
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
        await engine.dispose()


async def test_after_a_batch_with_no_row_inserted_meanwhile_the_relay_waits_for_a_notification_not_polling() -> None:
    """No follow-up polls when the outbox's id sequence has not gone past the batch: every later row's trigger
    notifies. The relay then waits for a NOTIFY or its (here 30 s) poll; a row committed afterwards still goes at once."""
    engine = make_engine(support.database_url(SERVICE))
    sm = make_sessionmaker(engine)
    listener, relay = _woken_relay(engine)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(listener.run(stop)), asyncio.create_task(relay.run(stop))]
    try:
        await support.wait_for(lambda: listener.connected, timeout=30, what="listener connected")
        for _ in range(2):
            ev = gescreend()
            async with sm.begin() as session:
                await outbox.add(session, [ev])
            await support.wait_for(
                lambda: _published(ev.event_id),
                timeout=5,
                interval=0.02,
                what="the row published at once (NOTIFY)",
            )
            await support.wait_for(lambda: _waits_for_the_idle_poll(relay), timeout=5, interval=0.01, what="the relay idle until a NOTIFY or its 30 s poll")
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
        await engine.dispose()


async def _waits_for_the_idle_poll(relay: OutboxRelay) -> bool:
    return relay.next_poll_in == 30 and await _unpublished_is_zero()
