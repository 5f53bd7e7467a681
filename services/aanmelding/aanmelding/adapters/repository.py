"""Storage of the aggregates: the aanmelding as one JSONB document (+ columns for lookups), the intake switch.

Optimistic locking: every save is ``UPDATE … WHERE version = :loaded`` and bumps the version; when no row
matches, another transaction changed the aggregate since it was loaded and :class:`GelijktijdigGewijzigd`
is raised (the caller's transaction rolls back; the client may retry).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from jeugdhulp_common.db import execute, fetch, fetchrow, insert_rows
from jeugdhulp_common.domain import NietGevonden

from aanmelding.adapters.tables import aanmelding_table, intake_table
from aanmelding.domain import INTAKE_KEY, Aanmelding, Intake, naar_document, uit_document

# Namespace of the transaction-scoped advisory locks taken per jongereRef (duplicate check under concurrency).
_DUBBEL_LOCK_NAMESPACE = 0x4A48_0A01 & 0x7FFFFFFF


class GelijktijdigGewijzigd(Exception):
    """The aggregate changed since it was loaded (optimistic lock lost)."""


@dataclass(frozen=True)
class Samenvatting:
    """A light row for the duplicate rule (satisfies ``aanmelding.domain.AanmeldingSamenvatting``)."""

    aanmelding_id: uuid.UUID
    jongere_ref: str
    status: str


@dataclass(frozen=True)
class Filter:
    organisatie: str | None = None  # None: all organisations (team)
    status: Sequence[str] = ()
    regio: Sequence[str] = ()
    ontvangen_van: dt.datetime | None = None
    ontvangen_tot: dt.datetime | None = None


class AanmeldingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, aanmelding_id: uuid.UUID, *, organisatie: str | None = None) -> Aanmelding:
        """The aanmelding; :class:`NietGevonden` if it does not exist or belongs to another organisation."""
        q = select(aanmelding_table.c.document, aanmelding_table.c.version).where(aanmelding_table.c.id == aanmelding_id)
        if organisatie is not None:
            q = q.where(aanmelding_table.c.aanmelder_organisatie == organisatie)
        row = (await self.session.execute(q)).first()
        if row is None:
            raise NietGevonden("aanmelding not found")
        return uit_document(row.document, version=row.version)

    async def add(self, a: Aanmelding) -> None:
        await insert_rows(
            self.session,
            aanmelding_table,
            [
                dict(
                    id=a.aanmelding_id,
                    aanmelder_organisatie=a.gegevens.aanmelder.organisatie,
                    status=a.status.value,
                    jongere_ref=a.jongere_ref,
                    ontvangen_op=a.ontvangen_op,
                    regio_jongere=a.gegevens.regio_jongere.value,
                    document=naar_document(a),
                    version=1,
                )
            ],
        )
        a.version = 1

    async def save(self, a: Aanmelding) -> None:
        result = await self.session.execute(
            update(aanmelding_table)
            .where(aanmelding_table.c.id == a.aanmelding_id, aanmelding_table.c.version == a.version)
            .values(status=a.status.value, document=naar_document(a), version=a.version + 1)
        )
        if result.rowcount != 1:
            raise GelijktijdigGewijzigd(f"aanmelding {a.aanmelding_id} changed concurrently")
        a.version += 1

    async def vergrendel_jongere(self, jongere_ref: str) -> None:
        """Serialise receipts for one jongereRef until the end of the transaction, so two concurrent
        aanmeldingen for the same jongere always see each other in the duplicate check."""
        await execute(self.session, "SELECT pg_advisory_xact_lock($1, hashtext($2))", _DUBBEL_LOCK_NAMESPACE, jongere_ref)

    async def voor_jongere(self, jongere_ref: str) -> list[Samenvatting]:
        rows = await fetch(self.session, "SELECT id, jongere_ref, status FROM aanmelding WHERE jongere_ref = $1", jongere_ref)
        return [Samenvatting(r["id"], r["jongere_ref"], r["status"]) for r in rows]

    async def lijst(self, f: Filter, *, limit: int, offset: int) -> tuple[list[Aanmelding], int]:
        """One page, newest first, and the total number matching the filter."""
        t = aanmelding_table
        conds = []
        if f.organisatie is not None:
            conds.append(t.c.aanmelder_organisatie == f.organisatie)
        if f.status:
            conds.append(t.c.status.in_(list(f.status)))
        if f.regio:
            conds.append(t.c.regio_jongere.in_(list(f.regio)))
        if f.ontvangen_van is not None:
            conds.append(t.c.ontvangen_op >= f.ontvangen_van)
        if f.ontvangen_tot is not None:
            conds.append(t.c.ontvangen_op < f.ontvangen_tot)
        total = (await self.session.execute(select(func.count()).select_from(t).where(*conds))).scalar_one()
        rows = await self.session.execute(
            select(t.c.document, t.c.version).where(*conds).order_by(t.c.ontvangen_op.desc(), t.c.id).limit(limit).offset(offset)
        )
        return [uit_document(r.document, version=r.version) for r in rows], total


_INTAKE = "SELECT open, reden, gewijzigd_op, version FROM intake WHERE sleutel = $1"
_INTAKE_VOOR_WIJZIGING = _INTAKE + " FOR UPDATE"
_INTAKE_GEDEELD = _INTAKE + " FOR SHARE"


class IntakeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, *, voor_wijziging: bool = False) -> Intake:
        """The switch. ``voor_wijziging=False`` takes a share lock: a receipt and a closing never interleave
        (a POST either completes before the closing commits or sees intake closed)."""
        row = await fetchrow(self.session, _INTAKE_VOOR_WIJZIGING if voor_wijziging else _INTAKE_GEDEELD, INTAKE_KEY)
        if row is None:  # migration 0002 inserts it; be robust if someone deleted it
            return Intake(open=True, version=0)
        return Intake(open=row["open"], reden=row["reden"], gewijzigd_op=row["gewijzigd_op"], version=row["version"])

    async def lees(self) -> Intake:
        row = (await self.session.execute(select(intake_table).where(intake_table.c.sleutel == INTAKE_KEY))).mappings().first()
        if row is None:
            return Intake(open=True, version=0)
        return Intake(open=row["open"], reden=row["reden"], gewijzigd_op=row["gewijzigd_op"], version=row["version"])

    async def save(self, intake: Intake) -> None:
        if intake.version == 0:
            await self.session.execute(
                intake_table.insert().values(
                    sleutel=INTAKE_KEY, open=intake.open, reden=intake.reden, gewijzigd_op=intake.gewijzigd_op, version=1
                )
            )
            intake.version = 1
            return
        result = await self.session.execute(
            update(intake_table)
            .where(intake_table.c.sleutel == INTAKE_KEY, intake_table.c.version == intake.version)
            .values(open=intake.open, reden=intake.reden, gewijzigd_op=intake.gewijzigd_op, version=intake.version + 1)
        )
        if result.rowcount != 1:
            raise GelijktijdigGewijzigd("intake changed concurrently")
        intake.version += 1
