"""The one unit of work and repository base of every service (in the spirit of cosmicpython's ``unit_of_work.py``
and its repository's ``seen`` set).

A use case opens a :class:`UnitOfWork`, loads aggregates through its repositories, lets the domain decide, and
records what it did (``uow.audit(...)``); :meth:`UnitOfWork.wijziging` writes the common case (one aggregate loaded
for change, one audited action) in one line. When the block ends without an exception, the unit of work, in ONE
transaction:

1. saves every aggregate its repositories loaded for change (:meth:`Repository.get`) or added
   (:meth:`Repository.add`),
2. stages their pending events in the outbox (in the order the aggregates were first seen, and per aggregate in
   the order emitted), plus any event given to :meth:`UnitOfWork.publiceer`,
3. writes the audit rows,

and commits. On an exception everything rolls back and nothing is published. Nobody calls ``outbox.add`` or
``audit.record`` by hand.

The transaction runs on one pooled connection (``jeugdhulp_common.db.begin``/``commit``/``release``), not an ORM session:
repositories run Core statements on it (``self.session.execute(...)``) and hot paths plain SQL on its asyncpg
connection; an ORM session's begin, connection, commit and close cost about as much CPU as a partner's whole POST
otherwise does in its own statements.

The locking policy, the same for every aggregate: a row loaded for change is locked ``FOR UPDATE`` until the
transaction ends (a concurrent change waits, at most the connection's ``lock_timeout``, see
:func:`jeugdhulp_common.db.make_engine`); every save bumps the row's ``version``
and is checked against the version loaded (``WHERE version = :loaded``). A lock that times out, or a save whose
version check fails, raises :class:`GelijktijdigGewijzigd`, which every service answers with 409.
Reads (:meth:`Repository.lees`) take no lock and are not saved.

Use cases take the clock from the unit of work (``uow.klok``): :class:`SysteemKlok` in the services, a
:class:`VasteKlok` for a history import replayed at its original dates and in tests.

Consumers run their handlers inside the inbox transaction the consumer opened: :meth:`UnitOfWork.binnen` joins that
transaction, collects at the end of the block, and leaves the commit to its owner.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

import asyncpg
from sqlalchemy import Table, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from jeugdhulp_common import audit as audit_log
from jeugdhulp_common import db, outbox
from jeugdhulp_common.auth import Principal
from jeugdhulp_common.codec import Document, laad, naar_json
from jeugdhulp_common.db import Db, defer_writes, insert_rows
from jeugdhulp_common.domain import Aggregaat, GelijktijdigGewijzigd, NietGevonden
from jeugdhulp_common.errors import sqlstate
from jeugdhulp_common.events import Event

__all__ = ["GelijktijdigGewijzigd", "Klok", "Repository", "SysteemKlok", "UnitOfWork", "VasteKlok"]

A = TypeVar("A", bound=Aggregaat)

UTC = dt.UTC
_LOCK_NOT_AVAILABLE = "55P03"


# --------------------------------------------------------------------------- clock


class Klok(Protocol):
    def nu(self) -> dt.datetime: ...

    def vandaag(self) -> dt.date: ...


@dataclass(frozen=True)
class SysteemKlok:
    """The real time; ``vandaag`` in the network's time zone (a date in the rules is a Belgian calendar day)."""

    tijdzone: dt.tzinfo = zoneinfo.ZoneInfo("Europe/Brussels")

    def nu(self) -> dt.datetime:
        return dt.datetime.now(UTC)

    def vandaag(self) -> dt.date:
        return dt.datetime.now(self.tijdzone).date()


@dataclass(frozen=True)
class VasteKlok:
    """A clock that stands still at ``moment`` (a history row replayed at its original date; tests)."""

    moment: dt.datetime
    tijdzone: dt.tzinfo = zoneinfo.ZoneInfo("Europe/Brussels")

    def nu(self) -> dt.datetime:
        return self.moment

    def vandaag(self) -> dt.date:
        return self.moment.astimezone(self.tijdzone).date()


# --------------------------------------------------------------------------- repository


class Repository(Generic[A]):
    """Storage of one kind of aggregate as one JSONB ``document`` row with ``id`` and ``version`` columns (plus
    lookup columns from :meth:`kolommen`). Subclasses set ``table``, ``aggregaat`` and ``naam`` and implement
    :meth:`sleutel`; they add their own queries (lists, lookups) next to these. The codec is
    :mod:`jeugdhulp_common.codec` unless a subclass overrides :meth:`naar_document` / :meth:`uit_document`.
    """

    table: ClassVar[Table]
    aggregaat: ClassVar[type]
    naam: ClassVar[str]  # the aggregate type in audit rows and messages, e.g. "Traject"

    def __init__(self, session: Db) -> None:
        self.session = session
        self.seen: dict[Any, A] = {}  # key -> aggregate loaded for change or added, in order first seen
        self._nieuw: set[Any] = set()
        self._versies: dict[Any, int] = {}

    # -- to implement / override

    def sleutel(self, aggregaat: A) -> Any:
        raise NotImplementedError

    def kolommen(self, aggregaat: A) -> Mapping[str, Any]:
        """Columns kept next to the document for lookups and lists (e.g. status, organisation)."""
        return {}

    def naar_document(self, aggregaat: A) -> Document:
        return naar_json(aggregaat)

    def uit_document(self, document: Document) -> A:
        return laad(self.aggregaat, document)

    # -- the policy

    async def get(self, sleutel: Any, *, where: Sequence[Any] = ()) -> A:
        """The aggregate, loaded for change: locked ``FOR UPDATE`` and saved when the unit of work commits.
        :class:`NietGevonden` when it does not exist or ``where`` (e.g. the caller's organisation) excludes it."""
        if sleutel in self.seen:
            return self.seen[sleutel]
        row = await self._row(sleutel, where, for_update=True)
        aggregaat = self.uit_document(row.document)
        self.seen[sleutel] = aggregaat
        self._versies[sleutel] = row.version
        return aggregaat

    async def lees(self, sleutel: Any, *, where: Sequence[Any] = ()) -> A:
        """The aggregate, read only: no lock, not saved (its stored version is kept for :meth:`versie`)."""
        if sleutel in self.seen:
            return self.seen[sleutel]
        row = await self._row(sleutel, where, for_update=False)
        self._versies[sleutel] = row.version
        return self.uit_document(row.document)

    def add(self, aggregaat: A) -> None:
        """A new aggregate: inserted when the unit of work commits (a duplicate key fails the commit)."""
        sleutel = self.sleutel(aggregaat)
        self.seen[sleutel] = aggregaat
        self._nieuw.add(sleutel)

    def versie(self, aggregaat: A) -> int:
        """The stored version of an aggregate this repository loaded, read or saved (e.g. for an ETag)."""
        return self._versies[self.sleutel(aggregaat)]

    async def _row(self, sleutel: Any, where: Sequence[Any], *, for_update: bool) -> Any:
        t = self.table
        q = select(t.c.document, t.c.version).where(t.c.id == sleutel, *where)
        if for_update:
            q = q.with_for_update(of=t)
        return await self._eerste(q)

    async def _eerste(self, q: Any) -> Any:
        """The first row of ``q`` (a subclass's own row query goes through here too): a lock that could not be
        had in time is :class:`GelijktijdigGewijzigd`, no row :class:`NietGevonden`."""
        try:
            row = (await self.session.execute(q)).first()
        except DBAPIError as exc:
            if sqlstate(exc) == _LOCK_NOT_AVAILABLE:
                raise GelijktijdigGewijzigd(self.naam) from None
            raise
        if row is None:
            raise NietGevonden(f"{self.naam} not found")
        return row

    async def bewaar(self) -> list[Event]:
        """Save what was added or loaded for change; return their pending events (drained), in order."""
        events: list[Event] = []
        nieuw = []
        for sleutel, aggregaat in self.seen.items():
            if sleutel in self._nieuw:
                nieuw.append({"id": sleutel, "version": 1, "document": self.naar_document(aggregaat), **self.kolommen(aggregaat)})
                self._versies[sleutel] = 1
            else:
                await self._update(sleutel, aggregaat)
            events += aggregaat.neem_events()
        await self._insert(nieuw)
        self._nieuw.clear()
        return events

    async def _insert(self, rows: list[dict[str, Any]]) -> None:
        await insert_rows(self.session, self.table, rows)

    async def _update(self, sleutel: Any, aggregaat: A) -> None:
        geladen = self._versies[sleutel]
        if not await self._update_row(sleutel, geladen, {"document": self.naar_document(aggregaat), **self.kolommen(aggregaat)}):
            raise GelijktijdigGewijzigd(self.naam)
        self._versies[sleutel] = geladen + 1

    # The three storage operations; an in-memory repository for use-case tests overrides exactly these.

    async def _update_row(self, sleutel: Any, geladen: int, values: Mapping[str, Any]) -> bool:
        t = self.table
        result = await self.session.execute(
            update(t).where(t.c.id == sleutel, t.c.version == geladen).values(**values, version=geladen + 1)
        )
        return result.rowcount == 1


# --------------------------------------------------------------------------- unit of work


@dataclass(frozen=True)
class AuditRegel:
    principal: Principal
    actie: str
    aggregaat: str
    ids: tuple[Any, ...]


class UnitOfWork:
    """One transaction per use case (see the module text). A service subclasses it and declares its repositories
    as ``repositories = {"trajecten": TrajectRepository, ...}``; they are attributes of the open unit of work."""

    repositories: ClassVar[Mapping[str, type[Repository[Any]]]] = {}
    session: Db  # the transaction's pooled connection (or the session of a transaction joined with binnen)

    def __init__(
        self,
        engine: AsyncEngine | None = None,
        *,
        klok: Klok | None = None,
        principal: Principal | None = None,
    ) -> None:
        self._engine = engine  # the transaction takes one of its pooled connections
        self.klok: Klok = klok or SysteemKlok()
        self.principal = principal
        self._tx: Any = None

    # -- what a use case calls

    def audit(self, actie: str, aggregaat: str, *ids: Any, principal: Principal | None = None) -> None:
        """Record that the caller (``principal``, default the unit of work's) did ``actie`` on these aggregates;
        written with the change, in the same transaction."""
        wie = principal or self.principal
        if wie is None:
            raise ValueError("audit needs a principal")
        if ids:
            self._audit.append(AuditRegel(wie, actie, aggregaat, ids))

    @asynccontextmanager
    async def wijziging(self, repository: str, sleutel: Any, actie: str, *, where: Sequence[Any] = ()) -> AsyncIterator[Any]:
        """The usual shape of a use case that changes one aggregate, written once::

            async with uow.wijziging("trajecten", traject_id, "ROL_TOEWIJZEN") as traject:
                traject.wijs_rol_toe(rol)          # the domain decides; a refusal raises and nothing is stored

        Opens the unit of work, loads the aggregate for change from the repository declared under that name, and,
        when the block ends without an exception, records ``actie`` on it in the audit log and commits (saving it,
        staging its events)."""
        async with self:
            repo: Repository[Any] = getattr(self, repository)
            aggregaat = await repo.get(sleutel, where=where)
            yield aggregaat
            self.audit(actie, repo.naam, sleutel)

    def publiceer(self, *events: Event) -> None:
        """Stage events that no loaded aggregate carries (e.g. a projection's), after the aggregates' events."""
        self._events.extend(events)

    # -- transaction

    async def __aenter__(self) -> Self:
        if self._engine is None:
            raise RuntimeError("this unit of work has no engine; use UnitOfWork.binnen(session) to join a transaction")
        self._tx = await db.begin(self._engine)  # a pooled connection: no ORM session (module text)
        self._open(self._tx)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        conn, self._tx = self._tx, None
        try:
            if exc_type is None:
                await self._verzamel()
                try:
                    await db.commit(conn)  # the deferred writes, then COMMIT
                except (DBAPIError, asyncpg.PostgresError) as fout:
                    if sqlstate(fout) == _LOCK_NOT_AVAILABLE:
                        raise GelijktijdigGewijzigd("aggregate") from None
                    raise
        finally:
            await db.release(conn)  # rolls back what was not committed

    @classmethod
    @asynccontextmanager
    async def binnen(cls, session: AsyncSession, **kwargs: Any) -> AsyncIterator[Self]:
        """Join a transaction someone else owns (a consumer's inbox transaction): collect at the end of the
        block, do not commit."""
        uow = cls(**kwargs)
        uow._open(session, defer=False)
        yield uow
        await uow._verzamel()

    def _open(self, session: AsyncSession, *, defer: bool = True) -> None:
        self.session = session
        if defer:
            defer_writes(session)  # new rows, outbox, audit: one round trip at commit
        self._audit: list[AuditRegel] = []
        self._events: list[Event] = []
        self._repos: list[Repository[Any]] = []
        for naam, cls in self.repositories.items():
            repo = cls(session)
            setattr(self, naam, repo)
            self._repos.append(repo)

    async def _verzamel(self) -> None:
        events: list[Event] = []
        for repo in self._repos:
            events += await repo.bewaar()
        events += self._events
        regels, self._events, self._audit = self._audit, [], []
        await self._stage(events, regels)

    async def _stage(self, events: list[Event], regels: list[AuditRegel]) -> None:
        """Write the events to the outbox and the audit rows (an in-memory unit of work for tests overrides this)."""
        await outbox.add(self.session, events)
        for regel in regels:
            await audit_log.record(self.session, regel.principal, regel.actie, regel.aggregaat, *regel.ids)
