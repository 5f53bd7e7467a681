"""Operator CLI: see and repair what the services could not do on their own.

    python -m jeugdhulp_common.ops --help          (installed as ``jeugdhulp-ops``)

    dlt list SERVICE                    dead-lettered records of SERVICE's consumer, with their dlt.* reasons
    dlt show SERVICE P:O [--show-body]  one record's headers (the body only with --show-body, or when it is anonymous)
    dlt replay SERVICE P:O… | --all     back to the original topic after a fix (the consumers' inboxes absorb repeats)
    outbox list SERVICE                 parked outbox rows (refused by the broker) and what waits behind them
    outbox requeue SERVICE ID… | --all  let the relay try parked rows again (after raising a limit, fixing an ACL…)
    rebuild SERVICE                     reset SERVICE's consumer group to the start of the log (consumers stopped)

Kafka is reached as principal ``OPS`` (``OPS_KAFKA_SASL_USERNAME`` / ``OPS_KAFKA_SASL_PASSWORD``, see
:mod:`jeugdhulp_common.kafka`); a service's database from ``<SERVICE>_DATABASE_URL``, migrated first. An
expected condition (nothing to do, a variable not set, the broker or database away) is one line on stderr and
exit status 1, never a traceback. Output is plain tab-separated lines (for people and scripts); progress bars go
to stderr.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import click
from aiokafka import ConsumerRecord
from aiokafka.errors import KafkaConnectionError, KafkaError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select, tuple_, update
from sqlalchemy.exc import DBAPIError, OperationalError

from jeugdhulp_common.kafka import KafkaConfigError, KafkaConnection, partitions
from jeugdhulp_common.tables import outbox_table
from jeugdhulp_common.topics import dead_letter_topic

SERVICES = ("aanmelding", "traject", "signalering", "webhooks")
T = TypeVar("T")

_err = Console(stderr=True)


def _kafka() -> KafkaConnection:
    try:
        return KafkaConnection.from_env("ops")
    except KafkaConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one command; expected infrastructure conditions become one line."""
    try:
        return asyncio.run(coro)
    except KafkaConnectionError:
        raise click.ClickException(f"the broker at {os.environ.get('KAFKA_BOOTSTRAP_SERVERS', '127.0.0.1:19092')} is not reachable (make up / make status)") from None
    except (OperationalError, DBAPIError, OSError) as exc:
        raise click.ClickException(f"the database is not reachable ({type(exc).__name__}); is it running? (make up / make status)") from None
    except KafkaError as exc:
        raise click.ClickException(f"the broker refused: {type(exc).__name__}") from None


def _database(service: str) -> str:
    """The service's database URL, migrated to head (so every command works on a fresh `make up`)."""
    var = f"{service.upper()}_DATABASE_URL"
    url = os.environ.get(var)
    if not url:
        raise click.ClickException(f"set {var} (e.g. eval \"$(python scripts/devstack.py env)\")")
    from jeugdhulp_common.migrations import migrate_service

    try:
        migrate_service(service, url)
    except Exception as exc:  # noqa: BLE001 - one line for the operator
        raise click.ClickException(f"could not migrate the {service} database ({type(exc).__name__}); is it running? (make up / make status)") from None
    return url


async def _with_engine(url: str, fn: Callable[[Any], Awaitable[T]]) -> T:
    from jeugdhulp_common.db import make_engine

    engine = make_engine(url, pool_size=1)
    try:
        return await fn(engine)
    finally:
        await engine.dispose()


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=_err, transient=False)


service_arg = click.argument("service", type=click.Choice(SERVICES))


def _consumer_group(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,60}", value):
        raise click.BadParameter("a service name (its consumer group), e.g. traject")
    return value


# A dead-letter topic belongs to a consumer group: the services' (aanmelding, traject, signalering) or any other.
group_arg = click.argument("service", callback=_consumer_group)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Operate the jeugdhulp services: dead letters, parked outbox rows, projection rebuilds."""


# --------------------------------------------------------------------------- dead-letter topics


def _header(record: ConsumerRecord, name: str) -> str:
    for k, v in record.headers or ():
        if k == name:
            return v.decode(errors="replace") if v is not None else ""
    return ""


def _ref(record: ConsumerRecord) -> str:
    return f"{record.partition}:{record.offset}"


async def read_dead_letters(kafka: KafkaConnection, service: str) -> list[ConsumerRecord]:
    """Every record on the service's dead-letter topic, from the start to the end offsets at call time."""
    topic = dead_letter_topic(service)
    consumer = kafka.consumer(enable_auto_commit=False, group_id=None, request_timeout_ms=10000)
    await consumer.start()
    try:
        tps = await partitions(consumer, [topic], refresh=True)  # the topic may be new to this client
        if not tps:
            raise click.ClickException(f"{topic} does not exist (the {service} service creates it when it starts)")
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end = await consumer.end_offsets(tps)
        out: list[ConsumerRecord] = []
        deadline = time.monotonic() + 60
        while [tp for tp in tps if await consumer.position(tp) < end[tp]]:
            if time.monotonic() > deadline:
                raise click.ClickException(f"could not read {topic} to its end within 60 s")
            batch = await consumer.getmany(timeout_ms=500)
            for tp, records in batch.items():
                out.extend(r for r in records if r.offset < end[tp])
        return sorted(out, key=lambda r: (r.partition, r.offset))
    finally:
        await consumer.stop()


def _select(records: list[ConsumerRecord], refs: tuple[str, ...], all_: bool) -> list[ConsumerRecord]:
    if all_:
        return records
    if not refs:
        raise click.UsageError("give one or more PARTITION:OFFSET (see `dlt list`) or --all")
    by_ref = {_ref(r): r for r in records}
    missing = [r for r in refs if r not in by_ref]
    if missing:
        raise click.ClickException(f"not on the dead-letter topic: {', '.join(missing)} (see `dlt list`)")
    return [by_ref[r] for r in refs]


@main.group()
def dlt() -> None:
    """Dead-lettered records (jeugdhulp.<service>.dlt)."""


@dlt.command("list")
@group_arg
def dlt_list(service: str) -> None:
    """One line per dead-lettered record: REF, event type, event id, privacy class, attempts, original place, reason."""
    records = _run(read_dead_letters(_kafka(), service))
    if not records:
        click.echo(f"no dead-lettered records for {service}")
        return
    click.echo("\t".join(("REF", "TYPE", "EVENT_ID", "CLASS", "ATTEMPTS", "ORIGINAL", "REASON")))
    for r in records:
        original = f"{_header(r, 'dlt.original.topic')}@{_header(r, 'dlt.original.partition')}:{_header(r, 'dlt.original.offset')}"
        click.echo(
            "\t".join((_ref(r), _header(r, "ce_type") or "?", _header(r, "ce_id") or "?", _header(r, "ce_privacyclass") or "?",
                       _header(r, "dlt.attempts"), original, _header(r, "dlt.reason")))
        )
    click.echo(f"{len(records)} dead-lettered record(s) on {dead_letter_topic(service)}")


@dlt.command("show")
@group_arg
@click.argument("ref")
@click.option("--show-body", is_flag=True, help="also print the body of a personal (P) or pseudonymous (Ps) event")
def dlt_show(service: str, ref: str, show_body: bool) -> None:
    """The headers of one record (REF = PARTITION:OFFSET); its body when anonymous or with --show-body."""
    (record,) = _select(_run(read_dead_letters(_kafka(), service)), (ref,), False)
    click.echo(f"ref\t{ref}")
    click.echo(f"key\t{record.key.decode(errors='replace') if record.key else ''}")
    for k, v in record.headers or ():
        click.echo(f"{k}\t{v.decode(errors='replace') if v is not None else ''}")
    if show_body or _header(record, "ce_privacyclass") == "A":
        click.echo("body\t" + (record.value.decode(errors="replace") if record.value else ""))
    else:
        click.echo(f"body\t(hidden: privacy class {_header(record, 'ce_privacyclass') or 'unknown'}; --show-body prints it)")


async def _replay(kafka: KafkaConnection, records: list[ConsumerRecord]) -> dict[str, int]:
    producer = kafka.producer()
    await producer.start()
    counts: dict[str, int] = {}
    try:
        with _progress() as progress:
            task = progress.add_task("replaying", total=len(records))
            for r in records:
                topic = _header(r, "dlt.original.topic")
                if not topic:
                    raise click.ClickException(f"{_ref(r)} has no dlt.original.topic header; not replayed")
                headers = [(k, v) for k, v in (r.headers or ()) if not k.startswith("dlt.")]
                await producer.send_and_wait(topic, value=r.value, key=r.key, headers=headers)
                counts[topic] = counts.get(topic, 0) + 1
                progress.advance(task)
    finally:
        await producer.stop()
    return counts


@dlt.command("replay")
@group_arg
@click.argument("refs", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="replay every record on the dead-letter topic")
def dlt_replay(service: str, refs: tuple[str, ...], all_: bool) -> None:
    """Publish dead-lettered records again, unchanged (without their dlt.* headers), to their original topic.

    Do it after the cause is fixed. Every consumer group of that topic sees them again; each consumer's inbox
    absorbs an event it already applied, so a replay has at most one effect per service. A record that fails
    again is dead-lettered again."""
    kafka = _kafka()
    records = _select(_run(read_dead_letters(kafka, service)), refs, all_)
    if not records:
        click.echo(f"no dead-lettered records for {service}")
        return
    counts = _run(_replay(kafka, records))
    for topic, n in counts.items():
        click.echo(f"replayed {n} record(s) to {topic}")


# --------------------------------------------------------------------------- outbox


@main.group()
def outbox() -> None:
    """Parked outbox rows: events the broker refused for a non-transient reason."""


async def _parked(engine: Any) -> list[Any]:
    o = outbox_table.c
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                select(o.id, o.topic, o.key, o.event_type, o.parked_at, o.parked_reason, func.octet_length(o.payload).label("bytes"))
                .where(o.parked_at.is_not(None), o.published_at.is_(None))
                .order_by(o.id)
            )
        ).all()
        waiting = {
            (r.topic, r.key): r.n
            for r in (
                await conn.execute(
                    select(o.topic, o.key, func.count().label("n"))
                    .where(o.published_at.is_(None), o.parked_at.is_(None), tuple_(o.topic, o.key).in_([(r.topic, r.key) for r in rows] or [("", "")]))
                    .group_by(o.topic, o.key)
                )
            ).all()
        }
    return [(r, waiting.get((r.topic, r.key), 0)) for r in rows]


@outbox.command("list")
@service_arg
def outbox_list(service: str) -> None:
    """Parked rows: id, topic, key (an aggregate id), event type, size, when, why, and how many rows wait behind it."""
    url = _database(service)
    rows = _run(_with_engine(url, _parked))
    if not rows:
        click.echo(f"no parked outbox rows for {service}")
        return
    click.echo("\t".join(("ID", "TOPIC", "KEY", "TYPE", "BYTES", "PARKED_AT", "WAITING_BEHIND", "REASON")))
    for r, waiting in rows:
        click.echo("\t".join(str(x) for x in (r.id, r.topic, r.key, r.event_type, r.bytes, r.parked_at.isoformat(), waiting, r.parked_reason)))
    click.echo(f"{len(rows)} parked row(s); after fixing the cause: jeugdhulp-ops outbox requeue {service} --all")


@outbox.command("requeue")
@service_arg
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "all_", is_flag=True, help="every parked row")
def outbox_requeue(service: str, ids: tuple[int, ...], all_: bool) -> None:
    """Unpark rows: the relay publishes them next, in order, before the rows of their key that waited behind them."""
    if not ids and not all_:
        raise click.UsageError("give one or more outbox row ids (see `outbox list`) or --all")
    url = _database(service)

    async def requeue(engine: Any) -> list[int]:
        o = outbox_table.c
        q = update(outbox_table).where(o.parked_at.is_not(None), o.published_at.is_(None))
        if not all_:
            q = q.where(o.id.in_(ids))
        async with engine.begin() as conn:
            return list((await conn.execute(q.values(parked_at=None, parked_reason=None).returning(o.id))).scalars())

    done = _run(_with_engine(url, requeue))
    missing = sorted(set(ids) - set(done))
    if done:
        click.echo(f"requeued {len(done)} row(s): {', '.join(str(i) for i in sorted(done))}")
    elif all_:
        click.echo(f"no parked outbox rows for {service}")
    if missing:
        raise click.ClickException(f"not parked: {', '.join(str(i) for i in missing)} (see `outbox list`)")


# --------------------------------------------------------------------------- rebuild


async def _reset_group(kafka: KafkaConnection, service: str, topics: list[str]) -> int:
    admin = kafka.admin(request_timeout_ms=10000)
    await admin.start()
    try:
        for attempt in range(30):  # a fresh broker creates its group coordinator on first use
            try:
                responses = await admin.describe_consumer_groups([service])
                break
            except KafkaError as exc:
                if not exc.retriable or attempt == 29:
                    raise
                await asyncio.sleep(1)
        for response in responses:
            for _error, _group, state, _ptype, _protocol, members, *_ in response.groups:
                if members:
                    raise click.ClickException(
                        f"consumer group {service} has {len(members)} active member(s) ({state}): stop the {service} consumers first"
                    )
    finally:
        await admin.close()
    consumer = kafka.consumer(group_id=service, enable_auto_commit=False, request_timeout_ms=10000)
    await consumer.start()
    try:
        tps = await partitions(consumer, topics, refresh=True)  # the topics are new to this client
        if not tps:
            raise click.ClickException(f"none of {', '.join(topics)} exists yet (the services create them when they start)")
        consumer.assign(tps)
        begins = await consumer.beginning_offsets(tps)
        ends = await consumer.end_offsets(tps)
        await consumer.commit({tp: begins[tp] for tp in tps})
        return sum(ends[tp] - begins[tp] for tp in tps)
    finally:
        await consumer.stop()


async def _follow(kafka: KafkaConnection, service: str, topics: list[str], total: int) -> None:
    from jeugdhulp_common.metrics import consumer_lag

    with _progress() as progress:
        task = progress.add_task(f"{service} consuming the log", total=total)
        while True:
            lag = sum((await consumer_lag(kafka, service, topics)).values())
            progress.update(task, completed=max(total - lag, 0))
            if lag == 0:
                return
            await asyncio.sleep(1)


@main.command()
@service_arg
@click.option("--yes", is_flag=True, help="do it (without: say what would be done)")
@click.option("--follow", is_flag=True, help="then show the consumer's progress until it has caught up")
def rebuild(service: str, yes: bool, follow: bool) -> None:
    """Replay the whole log into SERVICE: its consumer group is reset to the first offset of every topic it reads.

    Stop the service's consumers first (refused while the group has members), then start them again. Each
    event goes through the idempotent consumer: an event whose id is in the service's inbox has no second
    effect, so what the database lacks is re-derived exactly once (e.g. after restoring a database backup, which
    restores the inbox with it). To derive a projection from scratch, empty it and delete the inbox rows of the
    events that feed it in one migration, then rebuild."""
    import importlib

    definition = importlib.import_module(f"{service}.service").definition
    from jeugdhulp_common.service import make_runtime

    _database(service)
    settings = definition.load_settings()
    rt = make_runtime(definition, settings)
    topics = sorted({cls.topic for cls in definition.handlers(rt)})
    asyncio.run(rt.engine.dispose())
    if not topics:
        raise click.ClickException(f"{service} consumes no topics")
    if not yes:
        click.echo(f"would reset consumer group {service} to the beginning of: {', '.join(topics)} (add --yes)")
        return
    # As the service's own principal: only the owner of a consumer group may move its offsets, and only it may
    # read the topics the group consumes (micro-intern included). Its credentials are <SERVICE>_KAFKA_SASL_*.
    try:
        kafka = settings.kafka
    except KafkaConfigError as exc:
        raise click.ClickException(str(exc)) from None
    total = _run(_reset_group(kafka, service, topics))
    click.echo(f"consumer group {service} reset to the beginning of {', '.join(topics)}: {total} record(s) to re-read")
    click.echo(f"start the consumer: python -m {service} consume (or serve)")
    if follow:
        _run(_follow(kafka, service, topics, total))


if __name__ == "__main__":
    sys.exit(main())
