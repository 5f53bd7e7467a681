"""Storage of the aggregates, through the repository base of every service (``jeugdhulp_common.unit_of_work``):
its one locking policy (a row loaded for change is locked ``FOR UPDATE``; every save is checked against the
version loaded and bumps it; a lost race is ``GelijktijdigGewijzigd``, 409) and its one codec.

* :class:`AanmeldingRepository`: the aanmelding as one JSONB document, with the columns the list and the
  duplicate rule look up (:meth:`AanmeldingRepository.kolommen`); the list query and the duplicate lookup are
  extra methods (its advisory lock comes with the intake switch's read, below).
* :class:`IntakeRepository`: the intake switch, a row of plain columns (``intake``). Its documents are those
  columns; saves take the same version check. The one exception to the locking policy is the receipt's read of
  the switch (:meth:`IntakeRepository.voor_ontvangst`): a SHARE lock, not ``FOR UPDATE``. Every receipt reads the
  switch; an exclusive lock would serialise all receipts on that one row, while a share lock lets receipts run
  side by side and still never interleave with a closing (which takes ``FOR UPDATE``): a POST either commits
  before the closing does, or waits and then sees intake closed. The receipt does not change the switch, so it
  is not saved. The same statement claims the request's Idempotency-Key and takes the receipt's advisory lock on
  the jongereRef (serialising receipts for one jongere until the transaction ends, so two concurrent aanmeldingen
  for the same jongere always see each other in the duplicate check, :meth:`AanmeldingRepository.voor_jongere`,
  a statement of its own after it): one round trip opens a receipt.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import func, select, update

from jeugdhulp_common import idempotency
from jeugdhulp_common.db import fetch, fetchrow, insert_rows
from jeugdhulp_common.domain import GelijktijdigGewijzigd, NietGevonden
from jeugdhulp_common.errors import sqlstate
from jeugdhulp_common.unit_of_work import Repository

from aanmelding.adapters.tables import aanmelding_table, intake_table
from aanmelding.domain import INTAKE_KEY, Aanmelding, Intake

# Namespace of the transaction-scoped advisory locks taken per jongereRef (duplicate check under concurrency).
_DUBBEL_LOCK_NAMESPACE = 0x4A48_0A01 & 0x7FFFFFFF


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


class AanmeldingRepository(Repository[Aanmelding]):
    table = aanmelding_table
    aggregaat = Aanmelding
    naam = "Aanmelding"

    def sleutel(self, a: Aanmelding) -> uuid.UUID:
        return a.aanmelding_id

    def kolommen(self, a: Aanmelding) -> Mapping[str, Any]:
        return {
            "aanmelder_organisatie": a.gegevens.aanmelder.organisatie,
            "status": a.status.value,
            "jongere_ref": a.jongere_ref,
            "ontvangen_op": a.ontvangen_op,
            "regio_jongere": a.gegevens.regio_jongere.value,
        }

    async def lees_zichtbaar(self, aanmelding_id: uuid.UUID, organisatie: str | None) -> Aanmelding:
        """The aanmelding, read only; :class:`NietGevonden` also when ``organisatie`` (a partner's; None: the
        team, who sees all) is not the one that referred it."""
        where = () if organisatie is None else (self.table.c.aanmelder_organisatie == organisatie,)
        return await self.lees(aanmelding_id, where=where)

    async def voor_jongere(self, jongere_ref: str) -> list[Samenvatting]:
        rows = await fetch(self.session, "SELECT id, jongere_ref, status FROM aanmelding WHERE jongere_ref = $1", jongere_ref)
        return [Samenvatting(r["id"], r["jongere_ref"], r["status"]) for r in rows]

    async def lijst(self, f: Filter, *, limit: int, offset: int) -> tuple[list[Aanmelding], int]:
        """One page, newest first, and the total number matching the filter (read only; versions kept for
        :meth:`versie`)."""
        t = self.table
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
            select(t.c.id, t.c.document, t.c.version).where(*conds).order_by(t.c.ontvangen_op.desc(), t.c.id).limit(limit).offset(offset)
        )
        items = []
        for r in rows:
            self._versies[r.id] = r.version
            items.append(self.uit_document(r.document))
        return items, total


# The opening of a receipt in one statement: the switch's row (SHARE; no row: NULLs, an open intake); for the row the
# join yields, in select-list order, the Idempotency-Key claim (jeugdhulp_common.idempotency.CLAIM_CTE, $1-$3; a key
# claimed by a transaction in flight waits for it) and then the advisory lock per jongereRef. Every receipt takes them
# in this one order, so two receipts never wait for each other both ways.
_ONTVANGST = (
    f"WITH {idempotency.CLAIM_CTE}"
    " SELECT (SELECT count(*) FROM claim) AS geclaimd, i.open, i.reden, i.gewijzigd_op, i.version,"
    " pg_advisory_xact_lock($5, hashtext($6)) AS vergrendeld"
    " FROM (SELECT) AS een LEFT JOIN LATERAL"
    " (SELECT open, reden, gewijzigd_op, version FROM intake WHERE sleutel = $4 FOR SHARE) AS i ON true"
)


class IntakeRepository(Repository[Intake]):
    """The switch as its own columns; see the module text for its one exception (the receipt's share lock)."""

    table = intake_table
    aggregaat = Intake
    naam = "Intake"

    def sleutel(self, intake: Intake) -> str:
        return INTAKE_KEY

    def naar_document(self, intake: Intake) -> dict[str, Any]:
        return {"open": intake.open, "reden": intake.reden, "gewijzigd_op": intake.gewijzigd_op}

    def uit_document(self, document: Mapping[str, Any]) -> Intake:
        return Intake(**document)

    async def voor_wijziging(self) -> Intake:
        """The switch, loaded for change (``FOR UPDATE``: waits for receipts in flight) and saved at commit.
        A missing row (migration 0002 inserts it) is an open intake, inserted at commit."""
        try:
            return await self.get(INTAKE_KEY)
        except NietGevonden:
            intake = Intake(open=True)
            self.add(intake)
            return intake

    async def voor_ontvangst(self, jongere_ref: str, *, claim: tuple[str, str, str]) -> tuple[bool, Intake]:
        """Open a receipt of an aanmelding for ``jongere_ref`` in one statement (see the module text): claim the
        Idempotency-Key ``claim`` = (organisatie, key, request digest), take the switch with a SHARE lock until the
        transaction ends (not saved) and the receipt lock of that jongereRef. Whether the key was claimed (False: see
        ``jeugdhulp_common.idempotency.na_claim``), and the switch (no row: an open intake)."""
        try:
            row = await fetchrow(self.session, _ONTVANGST, *claim, INTAKE_KEY, _DUBBEL_LOCK_NAMESPACE, jongere_ref)
        except asyncpg.PostgresError as exc:
            if sqlstate(exc) == "55P03":  # lock_timeout: a closing holds the switch (or a receipt the jongere)
                raise GelijktijdigGewijzigd(self.naam) from None
            raise
        assert row is not None  # the join always yields one row
        if row["version"] is None:
            return bool(row["geclaimd"]), Intake(open=True)
        return bool(row["geclaimd"]), self.uit_document({k: row[k] for k in ("open", "reden", "gewijzigd_op")})

    async def huidige(self) -> Intake:
        """The switch, read only (no lock)."""
        try:
            return await self.lees(INTAKE_KEY)
        except NietGevonden:
            return Intake(open=True)

    # The three storage operations, on the intake's columns.

    async def _row(self, sleutel: Any, where: Sequence[Any], *, for_update: bool) -> Any:
        t = self.table
        q = select(t.c.open, t.c.reden, t.c.gewijzigd_op, t.c.version).where(t.c.sleutel == sleutel, *where)
        if for_update:
            q = q.with_for_update()
        row = (await self._eerste(q))._mapping
        return _Rij(document={k: row[k] for k in ("open", "reden", "gewijzigd_op")}, version=row["version"])

    async def _insert(self, rows: list[dict[str, Any]]) -> None:
        await insert_rows(self.session, self.table, [{"sleutel": r["id"], "version": r["version"], **r["document"]} for r in rows])

    async def _update_row(self, sleutel: Any, geladen: int, values: Mapping[str, Any]) -> bool:
        t = self.table
        result = await self.session.execute(
            update(t).where(t.c.sleutel == sleutel, t.c.version == geladen).values(**values["document"], version=geladen + 1)
        )
        return result.rowcount == 1


@dataclass(frozen=True)
class _Rij:
    document: dict[str, Any]
    version: int
