"""Database engine and sessions (SQLAlchemy async over asyncpg), and deferred writes.

Deferred writes: a use case that opts in (:func:`defer_writes`) has the writes whose result it does not read
(new rows: the aggregate, outbox events, audit rows; the idempotency record) sent to Postgres together, as ONE
statement of data-modifying CTEs, just before its transaction commits, instead of one round trip each. Rows for
one table are merged into one multi-row INSERT in the order they were added (so outbox ids keep that order).
Counters (:func:`add_to`) are summed per row and upserted together. Upserts (:func:`upsert_row`: insert the row, or
set the given columns of the existing one; with no columns to set: insert unless present) are merged per key in the
order they were made (the later values win, column by column, exactly as if run one after the other) and sent as one
multi-row ``INSERT … ON CONFLICT`` per table and column set, after the statement above. Those statements are rendered
straight to SQL with positional parameters (no SQL compilation per batch: a consumer batch has a different row count
each time), with SQLAlchemy's own value processing per column. Nothing changes for the transaction: the writes commit
or roll back with it; a write that fails (a constraint) fails the commit. Without opting in, :func:`insert_rows`,
:func:`update_row`, :func:`add_to` and :func:`upsert_row` execute at once.

A unit of work (:mod:`jeugdhulp_common.unit_of_work`) runs on a pooled connection (an ``AsyncConnection``), not an ORM
session: :func:`begin` checks one out and marks its transaction begun; ``BEGIN`` goes with the first statement;
:func:`commit` sends the deferred writes as above, straight on the asyncpg connection, then ``COMMIT``; :func:`release`
rolls back what was not committed and returns the connection to the pool. Every helper here takes either that
connection (a unit of work, a consumer's transaction) or a session (a report, a script): the two kinds of :data:`Db`.

Hot paths (a partner's POST) run their statements with :func:`fetch`, :func:`fetchrow` and :func:`execute`: plain SQL with
``$n`` parameters on the asyncpg connection of the session's (or connection's) transaction. asyncpg prepares each statement once per
connection; SQLAlchemy's per-statement work (ORM execution, cache key, compiled-parameter processing, result wrapping)
costs several times the round trip's own CPU. They are traced like every statement (asyncpg instrumentation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import asyncpg
import orjson
from sqlalchemy import Table, bindparam, event, literal_column, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.interfaces import BindTyping, Dialect
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session
from sqlalchemy.util import greenlet_spawn
from sqlalchemy.types import TypeEngine

_DEFERRED = "jh_deferred_writes"
_DRIVER = "jh_driver_connection"


LOCK_TIMEOUT_MS = 5000


def json_dumps(value: Any) -> str:
    """A JSON/JSONB column value as JSON text: orjson (in C, about a tenth of the standard ``json`` module's time for an
    aggregate's document; keys that are not strings become strings, as ``json.dumps`` makes them)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10, lock_timeout_ms: int = LOCK_TIMEOUT_MS) -> AsyncEngine:
    # hide_parameters: SQL errors end up in logs; bound values may be personal data (domain guide §9 rule 6).
    # No pool pre-ping: it costs three round trips (BEGIN; ping; ROLLBACK) per checkout. A connection found dead
    # fails that one statement, SQLAlchemy then invalidates the whole pool (every older connection is replaced on
    # its next checkout), and the caller's retry (relay, consumer, client) gets a fresh connection.
    # lock_timeout: a row loaded for change (jeugdhulp_common.unit_of_work) waits at most this long for another
    # transaction's lock, then the request is refused with 409 instead of holding a connection indefinitely. Set
    # per connection at connect, so it costs no round trip per transaction.
    # max_overflow: connections beyond pool_size are opened when needed and closed again as soon as they are returned
    # while pool_size others are idle; a service keeps all of its connections instead (see make_runtime).
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=False,
        pool_recycle=1800,
        hide_parameters=True,
        json_serializer=json_dumps,
        json_deserializer=orjson.loads,
        connect_args={"server_settings": {"lock_timeout": str(lock_timeout_ms)}},
    )
    event.listen(engine.sync_engine, "checkout", _replace_if_closed)
    return engine


def _replace_if_closed(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """A pooled connection whose socket the server has closed (Postgres restarted, the backend terminated) is replaced
    at check-out, without a round trip: asyncpg notices the closed socket as it happens (``is_closed``). Without this a
    dead connection would fail its first statement, and a statement sent straight on the driver (:func:`fetch`, the
    relay, the unit of work's commit) does not go through SQLAlchemy, which would therefore never invalidate it."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this pooled connection")


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


Db = AsyncSession | AsyncConnection  # a transaction's handle: a unit of work's pooled connection, or a session


def _info(db: Db) -> dict[Any, Any]:
    """Where the transaction's deferred writes and driver connection are kept (a connection's: cleared by :func:`release`)."""
    return db.sync_session.info if isinstance(db, AsyncSession) else db.info


def _connect_begun(engine: Engine) -> Connection:
    conn = engine.connect()
    try:
        conn.begin()
    except BaseException:
        conn.close()
        raise
    return conn


def _commit_and_close(conn: Connection) -> None:
    try:
        conn.commit()
    finally:
        conn.close()


async def begin(engine: AsyncEngine) -> AsyncConnection:
    """A pooled connection for one transaction (begun: ``BEGIN`` goes with its first statement); end it with
    :func:`commit` (which returns it to the pool) and always :func:`release` (which rolls back what was not committed).
    Check-out and begin take one pass through SQLAlchemy's greenlet bridge, as do commit and check-in."""
    return AsyncConnection(engine, await greenlet_spawn(_connect_begun, engine.sync_engine))


async def commit(conn: AsyncConnection) -> None:
    """Send the deferred writes of ``conn``'s transaction (one statement, on the asyncpg connection), then ``COMMIT``,
    and return the connection to the pool."""
    pending: _Pending | None = conn.info.pop(_DEFERRED, None)
    if pending is not None:
        await _send_on_driver(conn, pending)
    conn.info.pop(_DRIVER, None)
    await greenlet_spawn(_commit_and_close, conn.sync_connection)


async def _send_on_driver(conn: AsyncConnection, pending: _Pending) -> None:
    if pending.inserts or pending.updates or pending.additions or pending.upserts:
        raw = await driver_connection(conn)
        if pending.inserts or pending.updates or pending.additions:
            stmt = pending.statement()
            await raw.execute(stmt.sql, *stmt.args(pending.params(), conn.dialect))
        for sql, args in _upsert_statements(conn.dialect, pending):
            await raw.execute(sql, *args)


async def release(conn: AsyncConnection) -> None:
    """Roll back whatever ``conn`` did not commit and return it to the pool (nothing to do after :func:`commit`)."""
    if conn.closed:
        return
    conn.info.pop(_DEFERRED, None)
    conn.info.pop(_DRIVER, None)
    await conn.close()


async def driver_connection(session: Db) -> asyncpg.Connection:
    """The asyncpg connection of ``session``'s transaction, which is begun (``BEGIN``) if it was not yet."""
    info = _info(session)
    raw: asyncpg.Connection | None = info.get(_DRIVER)
    if raw is None:
        conn = await session.connection() if isinstance(session, AsyncSession) else session
        adapted = (await conn.get_raw_connection()).dbapi_connection  # SQLAlchemy's asyncpg adapter: it owns BEGIN / COMMIT / ROLLBACK
        if adapted._transaction is None:  # noqa: SLF001 - as its own first statement would, so the commit is SQLAlchemy's
            await adapted._start_transaction()  # noqa: SLF001
        raw = info[_DRIVER] = adapted.driver_connection
    return raw


async def own_driver_connection(conn: AsyncConnection) -> asyncpg.Connection:
    """The asyncpg connection under a pooled connection on which SQLAlchemy has begun nothing, for a caller that runs
    its own transactions on it (``async with raw.transaction()``) and issues no statement through ``conn``. Returning
    ``conn`` to the pool rolls back nothing of it: the caller must have ended its transactions (the outbox relay)."""
    return (await conn.get_raw_connection()).dbapi_connection.driver_connection


async def fetch(session: Db, sql: str, *args: Any) -> list[asyncpg.Record]:
    """Rows of ``sql`` (``$n`` parameters), inside the session's transaction."""
    return await (await driver_connection(session)).fetch(sql, *args)


async def fetchrow(session: Db, sql: str, *args: Any) -> asyncpg.Record | None:
    """The first row of ``sql`` (``$n`` parameters) or None, inside the session's transaction."""
    return await (await driver_connection(session)).fetchrow(sql, *args)


async def execute(session: Db, sql: str, *args: Any) -> None:
    """Run ``sql`` (``$n`` parameters) for its effect, inside the session's transaction."""
    await (await driver_connection(session)).fetch(sql, *args)


class _Pending:
    def __init__(self) -> None:
        self.inserts: dict[tuple[str, tuple[str, ...]], tuple[Table, tuple[str, ...], list[Mapping[str, Any]]]] = {}
        self.updates: list[tuple[Table, tuple[str, ...], tuple[str, ...], Mapping[str, Any], Mapping[str, Any]]] = []
        self.additions: dict[tuple[str, tuple[str, ...], str], tuple[Table, tuple[str, ...], str, dict[tuple, int]]] = {}
        # (table, key columns) -> (table, key columns, {key values: [insert values, columns to set]}), merged per key
        self.upserts: dict[tuple[str, tuple[str, ...]], tuple[Table, tuple[str, ...], dict[tuple, list]]] = {}

    def shape(self) -> tuple:
        return (
            tuple((table.name, keys, len(rows)) for table, keys, rows in self.inserts.values()),
            tuple((table.name, keys, cols) for table, keys, cols, _, _ in self.updates),
            tuple((table.name, keys, column, len(sums)) for table, keys, column, sums in self.additions.values()),
        )

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for i, (_, keys, rows) in enumerate(self.inserts.values()):
            for j, row in enumerate(rows):
                out.update({f"w{i}_{j}_{c}": row[c] for c in keys})
        for i, (_, keys, cols, where, values) in enumerate(self.updates, start=len(self.inserts)):
            out.update({f"w{i}_k_{c}": where[c] for c in keys})
            out.update({f"w{i}_v_{c}": values[c] for c in cols})
        for i, (_, keys, column, sums) in enumerate(self.additions.values(), start=len(self.inserts) + len(self.updates)):
            for j, (key, amount) in enumerate(sums.items()):
                out.update({f"w{i}_{j}_{c}": v for c, v in zip(keys, key)})
                out[f"w{i}_{j}_{column}"] = amount
        return out

    def statement(self) -> _Statement:
        """One statement for all pending writes, with positional parameters; built once per shape and kept."""
        shape = self.shape()
        cached = _STATEMENTS.get(shape)
        if cached is not None:
            return cached
        ctes = []
        for i, (table, keys, rows) in enumerate(self.inserts.values()):
            values = [{c: bindparam(f"w{i}_{j}_{c}", type_=table.c[c].type) for c in keys} for j in range(len(rows))]
            ctes.append(table.insert().values(values).cte(f"w{i}"))
        for i, (table, keys, cols, _, _) in enumerate(self.updates, start=len(self.inserts)):
            where = [bindparam(f"w{i}_k_{c}", type_=table.c[c].type) for c in keys]
            values = {c: bindparam(f"w{i}_v_{c}", type_=table.c[c].type) for c in cols}
            ctes.append(update(table).where(*(table.c[c] == b for c, b in zip(keys, where))).values(values).cte(f"w{i}"))
        for i, (table, keys, column, sums) in enumerate(self.additions.values(), start=len(self.inserts) + len(self.updates)):
            values = [{c: bindparam(f"w{i}_{j}_{c}", type_=table.c[c].type) for c in (*keys, column)} for j in range(len(sums))]
            upsert = pg_insert(table).values(values)
            upsert = upsert.on_conflict_do_update(index_elements=list(keys), set_={column: table.c[column] + upsert.excluded[column]})
            ctes.append(upsert.cte(f"w{i}"))
        compiled = select(literal_column("1")).add_cte(*ctes).compile(dialect=_RENDER)
        names = tuple(compiled.positiontup or ())
        stmt = _Statement(str(compiled), names, tuple(compiled.binds[n].type for n in names))
        if len(_STATEMENTS) < 1000:  # bounded: shapes are few (use cases x row counts)
            _STATEMENTS[shape] = stmt
        return stmt


class _Statement:
    """The deferred writes' SQL with ``$n`` parameters, the parameter names in order and their column types."""

    def __init__(self, sql: str, names: tuple[str, ...], types: tuple[TypeEngine[Any], ...]) -> None:
        self.sql, self.names, self.types = sql, names, types
        self._dialect: Dialect | None = None
        self._processors: tuple[Any, ...] = ()

    def args(self, params: Mapping[str, Any], dialect: Dialect) -> tuple[Any, ...]:
        """The values in order, each through its column type's processing for ``dialect`` (JSONB: serialised)."""
        if dialect is not self._dialect:
            self._processors = tuple(t._cached_bind_processor(dialect) for t in self.types)  # noqa: SLF001
            self._dialect = dialect
        return tuple(params[n] if p is None else p(params[n]) for n, p in zip(self.names, self._processors))


# The deferred statement is rendered once per shape to plain SQL with $n parameters (Postgres infers each parameter's
# type from its column) and run with exec_driver_sql: no compilation, cache key or per-statement parameter set-up.
_RENDER = postgresql.dialect(paramstyle="numeric_dollar")
_RENDER.bind_typing = BindTyping.NONE
_STATEMENTS: dict[tuple, _Statement] = {}


def defer_writes(session: Db) -> None:
    """From now on until this session's transaction ends, :func:`insert_rows` and :func:`update_row` are deferred."""
    _info(session)[_DEFERRED] = _Pending()


async def insert_rows(session: Db, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT ``rows`` (no result needed): deferred when the session opted in, else at once."""
    if not rows:
        return
    pending: _Pending | None = _info(session).get(_DEFERRED)
    if pending is None:
        await session.execute(table.insert(), list(rows))
        return
    for row in rows:
        keys = tuple(sorted(row))
        _, _, bucket = pending.inserts.setdefault((table.name, keys), (table, keys, []))
        bucket.append(row)


async def update_row(session: Db, table: Table, where: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    """``UPDATE table SET values WHERE`` each column = value of ``where`` (no result needed: the row count is not
    checked): deferred when the session opted in, else at once."""
    pending: _Pending | None = _info(session).get(_DEFERRED)
    if pending is None:
        await session.execute(update(table).where(*(table.c[c] == v for c, v in where.items())).values(dict(values)))
    else:
        pending.updates.append((table, tuple(where), tuple(values), where, values))


async def add_to(session: Db, table: Table, key: Mapping[str, Any], column: str, amount: int = 1) -> None:
    """Add ``amount`` to ``column`` of the row with ``key`` (its primary key), inserting it when absent. Deferred when the
    session opted in: the amounts for one row are summed, all rows go in one upsert at commit."""
    pending: _Pending | None = _info(session).get(_DEFERRED)
    if pending is None:
        upsert = pg_insert(table).values({**key, column: amount})
        await session.execute(upsert.on_conflict_do_update(index_elements=list(key), set_={column: table.c[column] + upsert.excluded[column]}))
        return
    keys = tuple(key)
    _, _, _, sums = pending.additions.setdefault((table.name, keys, column), (table, keys, column, {}))
    row = tuple(key[c] for c in keys)
    sums[row] = sums.get(row, 0) + amount


async def upsert_row(session: Db, table: Table, key: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    """``INSERT`` the row ``key`` + ``values``; when a row with ``key`` (a unique key of ``table``) exists, set the columns of
    ``values`` instead (none: leave it as it is). Deferred when the session opted in: the upserts of one row are merged
    (the same result as one after the other), all rows of a table go in one statement at commit."""
    pending: _Pending | None = _info(session).get(_DEFERRED)
    if pending is None:
        stmt = pg_insert(table).values({**key, **values})
        if values:
            stmt = stmt.on_conflict_do_update(index_elements=list(key), set_=dict(values))
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
        await session.execute(stmt)
        return
    keys = tuple(key)
    _, _, rows = pending.upserts.setdefault((table.name, keys), (table, keys, {}))
    row = tuple(key[c] for c in keys)
    merged = rows.get(row)
    if merged is None:
        rows[row] = [{**key, **values}, set(values)]
    else:  # the row exists by now: this upsert sets its columns, on what the earlier ones left
        merged[0].update(values)
        merged[1].update(values)


async def insert_if_absent(session: Db, table: Table, key: Mapping[str, Any], row: Mapping[str, Any]) -> None:
    """``INSERT`` ``key`` + ``row`` unless a row with ``key`` exists (no result: whether it was new is not known). Deferred
    when the session opted in, merged with the row's other upserts as :func:`upsert_row`'s."""
    pending: _Pending | None = _info(session).get(_DEFERRED)
    if pending is None:
        await session.execute(pg_insert(table).values({**key, **row}).on_conflict_do_nothing(index_elements=list(key)))
        return
    keys = tuple(key)
    _, _, rows = pending.upserts.setdefault((table.name, keys), (table, keys, {}))
    rows.setdefault(tuple(key[c] for c in keys), [{**key, **row}, set()])


@lru_cache(maxsize=512)
def multirow_upsert_sql(table: Table, columns: tuple[str, ...], keys: tuple[str, ...], to_set: tuple[str, ...], rows: int, returning: str | None = None) -> str:
    """``INSERT INTO table (columns) VALUES ($1, …), … ON CONFLICT (keys) DO UPDATE SET to_set | DO NOTHING`` for ``rows``
    rows, positional parameters row by row; rendered once per shape (plain string building, no SQL compiler)."""
    quote = _RENDER.identifier_preparer.quote
    width = len(columns)
    values = ", ".join("(" + ", ".join(f"${r * width + i + 1}" for i in range(width)) + ")" for r in range(rows))
    sql = f"INSERT INTO {_RENDER.identifier_preparer.format_table(table)} ({', '.join(quote(c) for c in columns)}) VALUES {values} ON CONFLICT "
    if to_set:
        sql += f"({', '.join(quote(c) for c in keys)}) DO UPDATE SET " + ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in to_set)
    else:
        sql += f"({', '.join(quote(c) for c in keys)}) DO NOTHING" if keys else "DO NOTHING"
    if returning:
        sql += f" RETURNING {quote(returning)}"
    return sql


_PROCESSORS: dict[tuple[int, str, str], Any] = {}
MAX_PARAMETERS = 30_000  # per statement (the protocol allows 32,767)


def driver_values(dialect: Any, table: Table, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> list[Any]:
    """The rows' values, flattened row by row, as SQLAlchemy would hand them to the driver (JSONB serialised, …)."""
    procs = []
    for c in columns:
        k = (id(dialect), table.name, c)
        if k not in _PROCESSORS:
            _PROCESSORS[k] = table.c[c].type.bind_processor(dialect)
        procs.append(_PROCESSORS[k])
    out: list[Any] = []
    for row in rows:
        for c, proc in zip(columns, procs, strict=True):
            v = row[c]
            out.append(proc(v) if proc is not None and v is not None else v)
    return out


def _upsert_statements(dialect: Dialect, pending: _Pending) -> list[tuple[str, list[Any]]]:
    """The deferred upserts as statements with their driver values: one per table, column set and chunk."""
    out = []
    for table, keys, rows in pending.upserts.values():
        groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Mapping[str, Any]]] = {}
        for values, to_set in rows.values():
            groups.setdefault((tuple(sorted(values)), tuple(sorted(to_set))), []).append(values)
        for (columns, to_set), group in groups.items():
            step = MAX_PARAMETERS // len(columns)
            for i in range(0, len(group), step):
                chunk = group[i : i + step]
                out.append((multirow_upsert_sql(table, columns, keys, to_set, len(chunk)), driver_values(dialect, table, columns, chunk)))
    return out


def _flush_upserts(session: Session, pending: _Pending) -> None:
    conn = session.connection()
    for sql, args in _upsert_statements(conn.dialect, pending):
        conn.exec_driver_sql(sql, tuple(args))


def _send(session: Session, pending: _Pending) -> None:
    # Runs in a greenlet (AsyncSession.commit's or run_sync's), so the synchronous executes below await the driver.
    if pending.inserts or pending.updates or pending.additions:
        stmt = pending.statement()
        conn = session.connection()
        conn.exec_driver_sql(stmt.sql, stmt.args(pending.params(), conn.dialect))
    if pending.upserts:
        _flush_upserts(session, pending)


async def send_deferred(session: Db) -> None:
    """Send the writes deferred so far now, in the transaction; later ones stay deferred to the commit (a consumer
    batch sends a traced record's writes inside that record's span, after the batch's earlier writes)."""
    info = _info(session)
    pending: _Pending | None = info.get(_DEFERRED)
    if pending is not None and (pending.inserts or pending.updates or pending.additions or pending.upserts):
        info[_DEFERRED] = _Pending()
        if isinstance(session, AsyncSession):
            await session.run_sync(_send, pending)
        else:
            await _send_on_driver(session, pending)


@event.listens_for(Session, "before_commit")
def _flush_deferred(session: Session) -> None:
    pending: _Pending | None = session.info.pop(_DEFERRED, None)
    if pending is not None:
        _send(session, pending)


@event.listens_for(Session, "after_rollback")
def _drop_deferred(session: Session) -> None:
    session.info.pop(_DEFERRED, None)


@event.listens_for(Session, "after_transaction_end")
def _drop_driver(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the connection goes back to the pool
        session.info.pop(_DRIVER, None)
