"""Storage of the aggregates (the only place that knows the tables). Every function runs in the caller's
session/transaction; loading for a change takes a row lock (``FOR UPDATE``) so concurrent requests serialise."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from jeugdhulp_common.db import add_to, insert_if_absent
from jeugdhulp_common.domain import NietGevonden
from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from signalering.adapters.codec import laad, naar_json
from signalering.adapters.tables import (
    aanbeveling_table,
    actiepunt_table,
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


@dataclass(frozen=True)
class _Opslag:
    table: Table
    sleutel: str
    naam: str  # for NietGevonden and the audit log
    kolommen: Callable[[Any], dict[str, Any]]


OPSLAG: dict[type, _Opslag] = {
    Signaal: _Opslag(signaal_table, "signaal_id", "Signaal", lambda s: {"status": s.status.value, "traject_id": s.traject_id}),
    Thema: _Opslag(
        thema_table,
        "thema_id",
        "Thema",
        lambda t: {"naam": t.naam, "status": t.status.value, "aantal_trajecten": t.aantal_trajecten, "laatste_signaal_op": t.laatste_signaal_op},
    ),
    LerendNetwerkSessie: _Opslag(sessie_table, "sessie_id", "LerendNetwerkSessie", lambda s: {"thema_id": s.thema_id, "status": s.status.value, "datum": s.datum}),
    Forum: _Opslag(forum_table, "forum_id", "Forum", lambda f: {"datum": f.datum, "vorm": f.vorm.value}),
    Discussietafel: _Opslag(tafel_table, "tafel_id", "Discussietafel", lambda t: {"forum_id": t.forum_id, "thema_id": t.thema_id, "status": t.status.value}),
    Actiepunt: _Opslag(
        actiepunt_table,
        "actiepunt_id",
        "Actiepunt",
        lambda a: {"tafel_id": a.tafel_id, "status": a.status.value, "aangemaakt_op": a.aangemaakt_op, "laatst_gesignaleerd_op": a.laatst_gesignaleerd_op},
    ),
    Beleidsaanbeveling: _Opslag(
        aanbeveling_table, "aanbeveling_id", "Beleidsaanbeveling", lambda b: {"niveau": b.niveau.value, "jaar": b.jaar, "status": b.status.value}
    ),
}


def _rij(agg: Any) -> dict[str, Any]:
    o = OPSLAG[type(agg)]
    return {o.sleutel: getattr(agg, o.sleutel), **o.kolommen(agg), "data": naar_json(agg)}


async def get(session: AsyncSession, cls: type[A], aggregate_id: uuid.UUID, *, lock: bool = False) -> A:
    o = OPSLAG[cls]
    q = select(o.table.c.data).where(o.table.c[o.sleutel] == aggregate_id)
    if lock:
        q = q.with_for_update()
    data = (await session.execute(q)).scalar_one_or_none()
    if data is None:
        raise NietGevonden(f"{o.naam} not found")
    return laad(cls, data)


async def find(
    session: AsyncSession,
    cls: type[A],
    *where: ColumnElement[bool],
    order_by: Sequence[Any] = (),
    lock: bool = False,
    skip_locked: bool = False,
    limit: int | None = None,
) -> list[A]:
    o = OPSLAG[cls]
    q = select(o.table.c.data).where(*where).order_by(*order_by)
    if limit is not None:
        q = q.limit(limit)
    if lock:
        q = q.with_for_update(skip_locked=skip_locked)
    return [laad(cls, d) for d in (await session.execute(q)).scalars()]


async def save(session: AsyncSession, *aggs: Any) -> None:
    """Insert or update (by primary key)."""
    for agg in aggs:
        o = OPSLAG[type(agg)]
        rij = _rij(agg)
        extra = {"gewijzigd_op": dt.datetime.now(dt.UTC)} if o.table is signaal_table else {}
        stmt = pg_insert(o.table).values(**rij)
        await session.execute(
            stmt.on_conflict_do_update(index_elements=[o.table.c[o.sleutel]], set_={k: v for k, v in {**rij, **extra}.items() if k != o.sleutel})
        )


async def add_if_absent(session: AsyncSession, agg: Any) -> bool:
    """Insert unless the id exists (idempotent intake). True when inserted."""
    o = OPSLAG[type(agg)]
    res = await session.execute(pg_insert(o.table).values(**_rij(agg)).on_conflict_do_nothing().returning(o.table.c[o.sleutel]))
    return res.first() is not None


async def stage_if_absent(session: AsyncSession, agg: Any) -> None:
    """Insert unless the id exists, without telling which (in a consumer batch: one statement for the batch at commit)."""
    o = OPSLAG[type(agg)]
    rij = _rij(agg)
    await insert_if_absent(session, o.table, {o.sleutel: rij.pop(o.sleutel)}, rij)


# ------------------------------------------------------------------ salt


SALT_NAAM = "traject_ref_salt"
_salt_cache: bytes | None = None


async def salt(session: AsyncSession) -> bytes:
    """The salt of the traject refs: generated (32 random bytes) on first use and kept in this database only."""
    global _salt_cache  # noqa: PLW0603 - it never changes once created
    if _salt_cache is None:
        await session.execute(pg_insert(geheim_table).values(naam=SALT_NAAM, waarde=os.urandom(32)).on_conflict_do_nothing())
        _salt_cache = (await session.execute(select(geheim_table.c.waarde).where(geheim_table.c.naam == SALT_NAAM))).scalar_one()
    return _salt_cache


# ------------------------------------------------------------------ bevindingen, history, feedback, counts


def _bevinding(r: Any) -> Bevinding:
    return Bevinding(r.bevinding_id, r.thema_id, r.subthema, r.sessie_id, r.toelichting)


async def add_bevindingen(session: AsyncSession, bevindingen: Sequence[Bevinding]) -> None:
    for b in bevindingen:
        await session.execute(
            pg_insert(bevinding_table)
            .values(bevinding_id=b.bevinding_id, thema_id=b.thema_id, subthema=b.subthema, sessie_id=b.sessie_id, toelichting=b.toelichting)
            .on_conflict_do_nothing()
        )


async def bevindingen(session: AsyncSession, *where: ColumnElement[bool]) -> list[Bevinding]:
    rows = (await session.execute(select(bevinding_table).where(*where).order_by(bevinding_table.c.volgorde))).all()
    return [_bevinding(r) for r in rows]


async def add_historie(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(thema_historie_table.insert(), list(rows))


async def historie(session: AsyncSession, thema_id: uuid.UUID) -> list[Any]:
    q = select(thema_historie_table).where(thema_historie_table.c.thema_id == thema_id).order_by(thema_historie_table.c.id)
    return list((await session.execute(q)).mappings())


async def add_terugkoppeling(session: AsyncSession, tk: Terugkoppeling) -> None:
    await session.execute(
        terugkoppeling_table.insert().values(
            terugkoppeling_id=tk.terugkoppeling_id,
            van_niveau=tk.van_niveau.value,
            naar_organisaties=list(tk.naar_organisaties),
            inhoud_ref=tk.inhoud_ref,
            verstuurd_op=tk.verstuurd_op,
        )
    )


async def tel(session: AsyncSession, bron: str, code: str, jaar: int) -> None:
    """One more for (bron, code, jaar); in a consumer batch the counts are summed and written once at commit."""
    await add_to(session, telling_table, {"bron": bron, "code": code, "jaar": jaar}, "aantal")


async def tellingen(session: AsyncSession) -> list[Any]:
    q = select(telling_table).order_by(telling_table.c.bron, telling_table.c.jaar, telling_table.c.code)
    return list((await session.execute(q)).mappings())
