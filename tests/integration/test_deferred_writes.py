"""Deferred writes (jeugdhulp_common.db.defer_writes) against the real database: sent in one statement at commit,
in the order added, summed for counters, dropped on rollback, and a failing one fails the commit."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import support
from events_factory import gescreend
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from jeugdhulp_common import outbox
from jeugdhulp_common.db import (
    add_to,
    defer_writes,
    insert_if_absent,
    insert_rows,
    make_engine,
    make_sessionmaker,
    send_deferred,
    update_row,
    upsert_row,
)
from jeugdhulp_common.tables import idempotency_table, outbox_table
from signalering.adapters.rapportage_tables import rapportage_traject
from signalering.adapters.tables import telling_table


@pytest.fixture
async def sessionmaker():
    engine = make_engine(support.database_url("aanmelding"))
    yield make_sessionmaker(engine)
    await engine.dispose()


async def test_deferred_rows_reach_the_database_at_commit_in_the_order_added(sessionmaker) -> None:
    events = [gescreend() for _ in range(5)]
    org, key = "VOT", str(uuid.uuid4())
    async with sessionmaker.begin() as session:
        await insert_rows(session, idempotency_table, [{"organisatie": org, "sleutel": key, "request_sha256": "x"}])  # at once
        defer_writes(session)
        await outbox.add(session, events[:2])
        await outbox.add(session, events[2:])
        await update_row(session, idempotency_table, {"organisatie": org, "sleutel": key}, {"status_code": 201, "response": {"a": 1}})
        assert await support.db_fetchval("aanmelding", "SELECT count(*) FROM outbox WHERE event_id = ANY($1)", [e.event_id for e in events]) == 0
    rows = await support.db_fetch("aanmelding", "SELECT event_id FROM outbox WHERE event_id = ANY($1) ORDER BY id", [e.event_id for e in events])
    assert [r["event_id"] for r in rows] == [e.event_id for e in events]
    row = (await support.db_fetch("aanmelding", "SELECT status_code, response FROM idempotency_record WHERE sleutel = $1", key))[0]
    assert row["status_code"] == 201 and row["response"] == '{"a": 1}'


async def test_deferred_writes_are_dropped_on_rollback(sessionmaker) -> None:
    ev = gescreend()
    with pytest.raises(RuntimeError):
        async with sessionmaker.begin() as session:
            defer_writes(session)
            await outbox.add(session, [ev])
            raise RuntimeError("use case refused")
    async with sessionmaker.begin() as session:  # the same pooled connection: nothing left over
        await session.execute(outbox_table.select().limit(1))
    assert await support.db_fetchval("aanmelding", "SELECT count(*) FROM outbox WHERE event_id = $1", ev.event_id) == 0


async def test_a_failing_deferred_write_fails_the_commit_and_nothing_is_written(sessionmaker) -> None:
    ev, other = gescreend(), gescreend()
    async with sessionmaker.begin() as session:
        await outbox.add(session, [ev])
    with pytest.raises(IntegrityError):
        async with sessionmaker.begin() as session:
            defer_writes(session)
            await outbox.add(session, [other])
            await insert_rows(session, outbox_table, [outbox.outbox_row(ev)])  # the same event id again
    assert await support.db_fetchval("aanmelding", "SELECT count(*) FROM outbox WHERE event_id = $1", other.event_id) == 0


async def test_deferred_counters_are_summed_per_row() -> None:
    engine = make_engine(support.database_url("signalering"))
    sm = make_sessionmaker(engine)
    code = f"T{uuid.uuid4().hex[:8]}"
    try:
        async with sm.begin() as session:
            await add_to(session, telling_table, {"bron": "TEST", "code": code, "jaar": 2024}, "aantal")  # at once
        async with sm.begin() as session:
            defer_writes(session)
            for _ in range(3):
                await add_to(session, telling_table, {"bron": "TEST", "code": code, "jaar": 2024}, "aantal")
            await add_to(session, telling_table, {"bron": "TEST", "code": code, "jaar": 2025}, "aantal", 5)
    finally:
        await engine.dispose()
    rows = await support.db_fetch("signalering", "SELECT jaar, aantal FROM telling WHERE bron = 'TEST' AND code = $1 ORDER BY jaar", code)
    assert [(r["jaar"], r["aantal"]) for r in rows] == [(2024, 4), (2025, 5)]


async def test_deferred_upserts_give_the_same_rows_as_one_after_the_other() -> None:
    """The same sequence of upserts and insert-if-absents, at once and deferred (merged per key, one statement per table
    and column set): the same rows, for refs that existed before and refs that did not, with date and array columns."""
    engine = make_engine(support.database_url("signalering"))
    sm = make_sessionmaker(engine)
    run = uuid.uuid4().hex[:8]
    t = rapportage_traject
    existing = [f"{run}-{mode}-old" for mode in ("now", "deferred")]

    async def sequence(session, mode: str) -> None:
        old, new, fresh = f"{run}-{mode}-old", f"{run}-{mode}-new", f"{run}-{mode}-fresh"
        await upsert_row(session, t, {"ref": new}, {"startdatum": dt.date(2024, 1, 1)})
        await upsert_row(session, t, {"ref": old}, {"afgerond_op": dt.date(2024, 2, 1), "afrondingsredenen": ["A", "B"]})
        await insert_if_absent(session, t, {"ref": new}, {"aanmelding_ref": "ignored: the row exists by now"})
        await upsert_row(session, t, {"ref": new}, {"afgerond_op": dt.date(2024, 3, 1), "startdatum": dt.date(2024, 1, 2)})
        await insert_if_absent(session, t, {"ref": fresh}, {"aanmelding_ref": "kept", "blokkade_einde": "GEEN"})
        await upsert_row(session, t, {"ref": fresh}, {"blokkade_einde": "GEBLOKKEERD"})
        await insert_if_absent(session, t, {"ref": old}, {"aanmelding_ref": "ignored: existed before"})

    try:
        async with sm.begin() as session:
            for ref in existing:
                await upsert_row(session, t, {"ref": ref}, {"aanmelding_ref": "before", "blokkade_einde": "GEEN"})
        async with sm.begin() as session:
            await sequence(session, "now")
        async with sm.begin() as session:
            defer_writes(session)
            await sequence(session, "deferred")
            assert await support.db_fetchval("signalering", "SELECT count(*) FROM rapportage_traject WHERE ref LIKE $1", f"{run}-deferred-%") == 1
    finally:
        await engine.dispose()
    rows = await support.db_fetch("signalering", "SELECT * FROM rapportage_traject WHERE ref LIKE $1", f"{run}-%")
    # other tests rebuild this read model from the event log and compare: leave no row the log does not have
    await support.db_fetch("signalering", "DELETE FROM rapportage_traject WHERE ref LIKE $1", f"{run}-%")
    by_mode: dict[str, dict] = {}
    for r in rows:
        _, mode, which = r["ref"].split("-")
        by_mode.setdefault(mode, {})[which] = {k: v for k, v in dict(r).items() if k != "ref"}
    assert by_mode["now"] == by_mode["deferred"]
    assert by_mode["deferred"]["new"]["startdatum"] == dt.date(2024, 1, 2) and by_mode["deferred"]["new"]["aanmelding_ref"] is None
    assert by_mode["deferred"]["old"]["afrondingsredenen"] == ["A", "B"] and by_mode["deferred"]["old"]["aanmelding_ref"] == "before"
    assert by_mode["deferred"]["fresh"] == {**by_mode["deferred"]["fresh"], "aanmelding_ref": "kept", "blokkade_einde": "GEBLOKKEERD"}


async def test_writes_sent_early_go_in_the_transaction_before_the_later_ones() -> None:
    """send_deferred (a consumer batch's traced record) sends what was deferred so far inside the transaction; what is
    deferred after it goes at commit, after it: the same rows as one after the other, nothing visible before the commit."""
    engine = make_engine(support.database_url("signalering"))
    sm = make_sessionmaker(engine)
    ref = f"{uuid.uuid4().hex[:8]}-sent"
    t = rapportage_traject
    try:
        async with sm.begin() as session:
            defer_writes(session)
            await upsert_row(session, t, {"ref": ref}, {"aanmelding_ref": "first", "blokkade_einde": "GEEN"})
            await send_deferred(session)
            assert (await session.execute(select(t.c.blokkade_einde).where(t.c.ref == ref))).scalar_one() == "GEEN"
            await send_deferred(session)  # nothing pending: no statement
            await upsert_row(session, t, {"ref": ref}, {"blokkade_einde": "GEBLOKKEERD"})
            await insert_if_absent(session, t, {"ref": ref}, {"aanmelding_ref": "ignored: the row exists"})
            assert (await session.execute(select(t.c.blokkade_einde).where(t.c.ref == ref))).scalar_one() == "GEEN"
            assert await support.db_fetchval("signalering", "SELECT count(*) FROM rapportage_traject WHERE ref = $1", ref) == 0
    finally:
        await engine.dispose()
    rows = await support.db_fetch("signalering", "SELECT aanmelding_ref, blokkade_einde FROM rapportage_traject WHERE ref = $1", ref)
    await support.db_fetch("signalering", "DELETE FROM rapportage_traject WHERE ref = $1", ref)  # as above
    assert [(r["aanmelding_ref"], r["blokkade_einde"]) for r in rows] == [("first", "GEBLOKKEERD")]
