"""Pooled connections whose Postgres backend went away (a restart, a terminated backend) on the real Postgres.

Statements sent straight on the asyncpg driver (the unit of work, the consumer's inbox claim, the relay) do not go
through SQLAlchemy, so a lost connection is never invalidated by SQLAlchemy's own error handling. The pool replaces a
connection whose socket the server closed when it is checked out (``db._replace_if_closed``), and a statement that
still meets a closed connection is a transient error (``errors.is_transient``), retried, never dead-lettered.
"""

from __future__ import annotations

import uuid

import asyncpg
import pytest
import support
from events_factory import as_consumer_record, gescreend

from jeugdhulp_common import db
from jeugdhulp_common.consumer import EventConsumer
from jeugdhulp_common.contracts.aanmelding import AanmeldingGescreend
from jeugdhulp_common.errors import is_transient

SERVICE_DB = "traject"


async def backend(engine) -> tuple[int, asyncpg.Connection]:
    """The backend pid of the pool's connection, and its asyncpg connection."""
    conn = await db.begin(engine)
    try:
        raw = await db.driver_connection(conn)
        pid = (await db.fetchrow(conn, "SELECT pg_backend_pid()"))[0]
        await db.commit(conn)
    finally:
        await db.release(conn)
    return pid, raw


async def terminate(engine) -> int:
    """Terminate the backend of the pool's one connection and wait until asyncpg has seen its socket close."""
    pid, raw = await backend(engine)
    assert await support.db_fetchval(SERVICE_DB, "SELECT pg_terminate_backend($1)", pid)
    await support.wait_for(raw.is_closed, timeout=5, what="asyncpg saw the closed socket")
    return pid


@pytest.fixture
async def engine():
    e = db.make_engine(support.database_url(SERVICE_DB), pool_size=1, max_overflow=0)
    yield e
    await e.dispose()


async def test_a_pooled_connection_whose_backend_was_terminated_is_replaced_at_checkout(engine) -> None:
    pid = await terminate(engine)

    assert (await backend(engine))[0] != pid  # a fresh connection; the dead one would fail: "connection is closed"


async def test_a_consumer_batch_after_a_terminated_backend_takes_effect(engine) -> None:
    seen: list[uuid.UUID] = []

    async def handler(session, ev, meta) -> None:
        await db.fetchrow(session, "SELECT 1")
        seen.append(ev.event_id)

    consumer = EventConsumer(
        group_id=f"lost-conn-{uuid.uuid4().hex[:8]}", kafka=support.kafka(), engine=engine, handlers={AanmeldingGescreend: handler},
    )
    await terminate(engine)
    evs = [gescreend(), gescreend()]

    assert await consumer._apply_batch([as_consumer_record(ev, offset=i) for i, ev in enumerate(evs)]) == 2
    assert seen == [ev.event_id for ev in evs]


async def test_a_statement_on_a_lost_driver_connection_is_transient() -> None:
    raw = await asyncpg.connect(support.asyncpg_dsn(SERVICE_DB))
    await raw.close()
    with pytest.raises(asyncpg.InterfaceError) as caught:
        await raw.fetch("SELECT 1")

    assert is_transient(caught.value)
