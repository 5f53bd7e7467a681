"""Storage of the aggregates (the only place that knows the tables): one :class:`jeugdhulp_common.unit_of_work.Repository`
per aggregate, with the ONE locking policy of the base (``get`` = ``FOR UPDATE`` and a version check on save), and
their own lists and lookups next to it. Everything runs in the unit of work's session and transaction.

Besides the aggregates: the salt of the traject refs (:class:`Geheimen`), a theme's history rows (written by
:class:`ThemaRepository` with the theme's events), the bevindingen (rows of a held lerend netwerk) and the anonymous
counts (:func:`tel`, for the consumer).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, TypeVar

from jeugdhulp_common.contracts.signalering import ThemaStatusGewijzigd
from jeugdhulp_common.db import Db, add_to, insert_if_absent, insert_rows
from jeugdhulp_common.domain import NietGevonden, OngeldigeInvoer
from jeugdhulp_common.events import Event
from jeugdhulp_common.unit_of_work import Repository
from sqlalchemy import ColumnElement, Table, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from signalering.adapters.tables import (
    aanbeveling_table,
    actiepunt_table,
    als_document,
    bevinding_table,
    forum_table,
    geheim_table,
    sessie_table,
    signaal_table,
    tafel_table,
    telling_table,
    terugkoppeling_table,
    thema_historie_table,
    thema_table,
)
from signalering.domain import (
    Actiepunt,
    Beleidsaanbeveling,
    Bevinding,
    Discussietafel,
    Forum,
    LerendNetwerkSessie,
    Signaal,
    Terugkoppeling,
    Thema,
)


A = TypeVar("A")


class _Opslag(Repository[A]):
    """A signalering repository: declared with its table and the aggregate's id field (the table's key column),
    ``class XRepository(_Opslag[X], tabel=x_table, veld="x_id")``; the aggregate type names it in messages."""

    veld: ClassVar[str]

    def __init_subclass__(cls, *, tabel: Table | None = None, veld: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if tabel is not None and veld is not None:
            cls.table, cls.veld = als_document(tabel, veld), veld
        if "aggregaat" in cls.__dict__ and "naam" not in cls.__dict__:
            cls.naam = cls.aggregaat.__name__

    def sleutel(self, aggregaat: A) -> uuid.UUID:
        return getattr(aggregaat, self.veld)

    async def pagina(self, *where: ColumnElement[bool], order_by: Sequence[Any], limit: int, offset: int) -> tuple[list[A], int]:
        """A page of a list (read only): the aggregates matching ``where`` in ``order_by`` order, and their count."""
        t = self.table
        rows = await self.session.execute(select(t.c.document).where(*where).order_by(*order_by).limit(limit).offset(offset))
        totaal = (await self.session.execute(select(func.count()).select_from(t).where(*where))).scalar_one()
        return [self.uit_document(d) for d in rows.scalars()], int(totaal)


class SignaalRepository(_Opslag[Signaal], tabel=signaal_table, veld="signaal_id"):
    aggregaat = Signaal

    def kolommen(self, s: Signaal) -> Mapping[str, Any]:
        # traject_id only while CONCEPT: the domain drops it on release, and NULL is written here
        return {"status": s.status.value, "traject_id": s.traject_id}

    async def _insert(self, rows: list[dict[str, Any]]) -> None:
        """A signal's id is derived from its overleg (with the salt): a row that exists already is the same signal
        (an overleg delivered again), and is left as it is."""
        for row in rows:  # in a consumer batch: merged with the batch's other rows, written at commit
            echt = {self.table.c[k].name: v for k, v in row.items()}  # the database's column names
            await insert_if_absent(self.session, signaal_table, {self.veld: echt.pop(self.veld)}, echt)

    async def lijst(self, status: str | None, *, limit: int, offset: int) -> tuple[list[Signaal], int]:
        t = self.table
        where = [t.c.status == status] if status else []
        return await self.pagina(*where, order_by=[t.c.aangemaakt_op, t.c.id], limit=limit, offset=offset)


class ThemaRepository(_Opslag[Thema], tabel=thema_table, veld="thema_id"):
    """Themes; every theme event and every linked signal also goes into the theme's history, with the theme's exact
    count (the team's view; the event's own count is suppressed)."""

    aggregaat = Thema

    def __init__(self, session: Db) -> None:
        super().__init__(session)
        self._historie: list[dict[str, Any]] = []

    def kolommen(self, t: Thema) -> Mapping[str, Any]:
        return {"naam": t.naam, "status": t.status.value, "aantal_trajecten": t.aantal_trajecten, "laatste_signaal_op": t.laatste_signaal_op}

    async def voor_wijziging(self, thema_ids: Sequence[uuid.UUID], *, veld: str = "themaIds") -> list[Thema]:
        """Several themes named in a request (field ``veld``), loaded for change, in the order given (each once);
        locked in id order, so that two requests naming the same themes never wait on each other crosswise. An
        unknown id is an invalid field of the request (422), not a missing resource."""
        ids = list(dict.fromkeys(thema_ids))
        try:
            geladen = {i: await self.get(i) for i in sorted(ids)}
        except NietGevonden:
            raise OngeldigeInvoer(veld, "unknown theme") from None
        return [geladen[i] for i in ids]

    def noteer_koppeling(self, themas: Sequence[Thema], op: dt.datetime) -> None:
        """A signal was linked to these themes (a history row each, with the count after linking)."""
        self._historie += [_historie(t, op, "SIGNAAL_GEKOPPELD", None) for t in themas]

    async def namen(self) -> list[str]:
        return list((await self.session.execute(select(self.table.c.naam))).scalars())

    async def lijst(self, *, limit: int, offset: int) -> tuple[list[Thema], int]:
        return await self.pagina(order_by=[self.table.c.naam], limit=limit, offset=offset)

    async def met_status(self, status: str) -> list[Thema]:
        t = self.table
        return [self.uit_document(d) for d in (await self.session.execute(select(t.c.document).where(t.c.status == status))).scalars()]

    async def bevindingen(self, thema_id: uuid.UUID | None = None) -> list[Bevinding]:
        """The bevindingen of a theme (all when None), in the order they were found."""
        where = [bevinding_table.c.thema_id == thema_id] if thema_id else []
        rows = (await self.session.execute(select(bevinding_table).where(*where).order_by(bevinding_table.c.volgorde))).all()
        return [Bevinding(r.bevinding_id, r.thema_id, r.subthema, r.sessie_id, r.toelichting) for r in rows]

    async def voeg_bevindingen_toe(self, bevindingen: Sequence[Bevinding]) -> None:
        for b in bevindingen:
            await self.session.execute(
                pg_insert(bevinding_table)
                .values(bevinding_id=b.bevinding_id, thema_id=b.thema_id, subthema=b.subthema, sessie_id=b.sessie_id, toelichting=b.toelichting)
                .on_conflict_do_nothing()
            )

    async def historie(self, thema_id: uuid.UUID) -> list[Any]:
        q = select(thema_historie_table).where(thema_historie_table.c.thema_id == thema_id).order_by(thema_historie_table.c.id)
        return list((await self.session.execute(q)).mappings())

    async def bewaar(self) -> list[Event]:
        historie = [_historie(t, ev.occurred_at, type(ev).__name__, ev) for t in self.seen.values() for ev in t.events]
        events = await super().bewaar()
        rijen, self._historie = [*self._historie, *historie], []
        await self._schrijf_historie(rijen)
        return events

    async def _schrijf_historie(self, rijen: list[dict[str, Any]]) -> None:
        if rijen:
            await self.session.execute(thema_historie_table.insert(), rijen)


def _historie(t: Thema, op: dt.datetime, gebeurtenis: str, ev: Any) -> dict[str, Any]:
    return {
        "thema_id": t.thema_id,
        "op": op,
        "gebeurtenis": gebeurtenis,
        "status": t.status.value if ev is None else ev.status.value,
        "van": ev.van.value if isinstance(ev, ThemaStatusGewijzigd) else None,
        "aantal_trajecten": t.aantal_trajecten,
    }


class SessieRepository(_Opslag[LerendNetwerkSessie], tabel=sessie_table, veld="sessie_id"):
    aggregaat = LerendNetwerkSessie

    def kolommen(self, s: LerendNetwerkSessie) -> Mapping[str, Any]:
        return {"thema_id": s.thema_id, "status": s.status.value, "datum": s.datum}


class ForumRepository(_Opslag[Forum], tabel=forum_table, veld="forum_id"):
    aggregaat = Forum

    def kolommen(self, f: Forum) -> Mapping[str, Any]:
        return {"datum": f.datum, "vorm": f.vorm.value}


class TafelRepository(_Opslag[Discussietafel], tabel=tafel_table, veld="tafel_id"):
    aggregaat = Discussietafel

    def kolommen(self, t: Discussietafel) -> Mapping[str, Any]:
        return {"forum_id": t.forum_id, "thema_id": t.thema_id, "status": t.status.value}

    async def van_forum(self, forum_id: uuid.UUID) -> list[Discussietafel]:
        t = self.table
        q = select(t.c.document).where(t.c.forum_id == forum_id).order_by(t.c.volgorde)
        return [self.uit_document(d) for d in (await self.session.execute(q)).scalars()]

    async def alle(self) -> list[Discussietafel]:
        return [self.uit_document(d) for d in (await self.session.execute(select(self.table.c.document))).scalars()]


class ActiepuntRepository(_Opslag[Actiepunt], tabel=actiepunt_table, veld="actiepunt_id"):
    aggregaat = Actiepunt

    def kolommen(self, a: Actiepunt) -> Mapping[str, Any]:
        return {"tafel_id": a.tafel_id, "status": a.status.value, "aangemaakt_op": a.aangemaakt_op, "laatst_gesignaleerd_op": a.laatst_gesignaleerd_op}

    async def lijst(self, status: str | None, *, limit: int, offset: int) -> tuple[list[Actiepunt], int]:
        t = self.table
        where = [t.c.status == status] if status else []
        return await self.pagina(*where, order_by=[t.c.volgorde], limit=limit, offset=offset)

    async def van_tafels(self, tafel_ids: Sequence[uuid.UUID]) -> list[Actiepunt]:
        t = self.table
        q = select(t.c.document).where(t.c.tafel_id.in_(list(tafel_ids))).order_by(t.c.volgorde)
        return [self.uit_document(d) for d in (await self.session.execute(q)).scalars()]

    async def open_sinds(self, grens: dt.date, *, batch: int) -> list[Actiepunt]:
        """OPEN actiepunten made or last raised on or before ``grens``, loaded for change like :meth:`get` (locked,
        version checked on save), but ``SKIP LOCKED``: a row another instance holds is skipped, and once that
        commits it is no longer due (Postgres re-checks the condition on the locked row version)."""
        t = self.table
        q = (
            select(t.c.id, t.c.document, t.c.version)
            .where(t.c.status == "OPEN", func.coalesce(t.c.laatst_gesignaleerd_op, t.c.aangemaakt_op) <= grens)
            .order_by(t.c.volgorde)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
        uit = []
        for row in await self.session.execute(q):
            if row.id not in self.seen:
                self.seen[row.id] = self.uit_document(row.document)
                self._versies[row.id] = row.version
            uit.append(self.seen[row.id])
        return uit


class AanbevelingRepository(_Opslag[Beleidsaanbeveling], tabel=aanbeveling_table, veld="aanbeveling_id"):
    aggregaat = Beleidsaanbeveling

    def kolommen(self, a: Beleidsaanbeveling) -> Mapping[str, Any]:
        return {"niveau": a.niveau.value, "jaar": a.jaar, "status": a.status.value}

    async def lijst(self, *, limit: int, offset: int) -> tuple[list[Beleidsaanbeveling], int]:
        return await self.pagina(order_by=[self.table.c.volgorde], limit=limit, offset=offset)

    async def over_thema(self, thema_id: uuid.UUID) -> list[uuid.UUID]:
        t = self.table
        q = select(t.c.id).where(t.c.document["thema_ids"].contains([str(thema_id)])).order_by(t.c.volgorde)
        return list((await self.session.execute(q)).scalars())


class TerugkoppelingRepository(_Opslag[Terugkoppeling], tabel=terugkoppeling_table, veld="terugkoppeling_id"):
    """Feedback sent: only ever added (its columns, no document: it is never loaded again)."""

    aggregaat = Terugkoppeling

    def kolommen(self, t: Terugkoppeling) -> Mapping[str, Any]:
        return {"van_niveau": t.van_niveau.value, "naar_organisaties": list(t.naar_organisaties), "inhoud_ref": t.inhoud_ref, "verstuurd_op": t.verstuurd_op}

    async def _insert(self, rows: list[dict[str, Any]]) -> None:
        await insert_rows(self.session, self.table, [{k: v for k, v in r.items() if k not in ("document", "version")} for r in rows])


class Geheimen(Repository[Any]):
    """The salt of the traject refs: 32 random bytes made on first use, kept in this database only (not an
    aggregate: nothing to save; a repository so that the use cases reach it through the unit of work)."""

    table = geheim_table
    naam = "Geheim"
    SALT = "traject_ref_salt"
    _salt: bytes | None = None  # it never changes once created: one read per process

    async def salt(self) -> bytes:
        if Geheimen._salt is None:
            await self.session.execute(pg_insert(geheim_table).values(naam=self.SALT, waarde=os.urandom(32)).on_conflict_do_nothing())
            Geheimen._salt = (await self.session.execute(select(geheim_table.c.waarde).where(geheim_table.c.naam == self.SALT))).scalar_one()
        return Geheimen._salt


async def salt(session: Db) -> bytes:
    """The salt, in a session that is not a unit of work's (the report read model's handlers)."""
    return Geheimen._salt if Geheimen._salt is not None else await Geheimen(session).salt()  # noqa: SLF001 - read once per process


async def tel(session: Db, bron: str, code: str, jaar: int) -> None:
    """One more for (bron, code, jaar); in a consumer batch the counts are summed and written once at commit."""
    await add_to(session, telling_table, {"bron": bron, "code": code, "jaar": jaar}, "aantal")


async def tellingen(session: Db) -> list[Any]:
    q = select(telling_table).order_by(telling_table.c.bron, telling_table.c.jaar, telling_table.c.code)
    return list((await session.execute(q)).mappings())
