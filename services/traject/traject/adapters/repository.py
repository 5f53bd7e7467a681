"""Repositories of the traject service: load an aggregate for change (row lock), save it (version check).

A repository lives for one transaction (one unit of work). ``get_for_update`` takes ``SELECT … FOR UPDATE`` on
the aggregate's row, so concurrent changes of one aggregate are serialised; ``save`` also checks the version it
loaded (optimistic check, belt and braces) and increments it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import and_, func, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from jeugdhulp_common.domain import NietGevonden

from traject.adapters.serialisatie import naar_json, velden_uit_json
from traject.adapters.tables import diw_aanvraag_table, traject_table
from traject.domain import TELT_MEE_IN_FONDS, DIWFondsAanvraag, DIWFondsRegels, Traject, TrajectStatus, plus_maanden

# A transaction-scoped advisory lock serialising all DIW approvals of this database (the one fund, §5.3).
DIW_FONDS_LOCK_ID = 0x4A48_D1F0


class GelijktijdigGewijzigd(Exception):
    """The row changed since it was loaded (cannot happen under the row lock; a guard against misuse)."""


def _traject_uit_rij(data: dict) -> Traject:
    return Traject.herstel(**velden_uit_json(Traject, data))


def _diw_uit_rij(data: dict) -> DIWFondsAanvraag:
    return DIWFondsAanvraag.herstel(**velden_uit_json(DIWFondsAanvraag, data))


class TrajectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._versies: dict[uuid.UUID, int] = {}

    async def add_nieuw(self, traject: Traject, *, bron_event_id: uuid.UUID) -> bool:
        """Insert a new traject; False (nothing written) if its aanmelding already has one."""
        res = await self.session.execute(
            pg_insert(traject_table)
            .values(**self._kolommen(traject), version=1, bron_event_id=bron_event_id)
            .on_conflict_do_nothing(index_elements=["aanmelding_id"])
            .returning(traject_table.c.traject_id)
        )
        return res.first() is not None

    async def get(self, traject_id: uuid.UUID, *, organisatie: str | None = None, for_update: bool = False) -> Traject:
        """The traject; with ``organisatie``, only if that organisation has a role in it (else NietGevonden)."""
        q = select(traject_table.c.data, traject_table.c.version).where(traject_table.c.traject_id == traject_id)
        if organisatie is not None:
            q = q.where(traject_table.c.rol_organisaties.any(organisatie))
        if for_update:
            q = q.with_for_update()
        row = (await self.session.execute(q)).first()
        if row is None:
            raise NietGevonden("no such traject")
        self._versies[traject_id] = row.version
        return _traject_uit_rij(row.data)

    async def id_van_aanmelding(self, aanmelding_id: uuid.UUID) -> uuid.UUID | None:
        """The traject of an aanmelding (1:1, §4.2), if the traject service has it."""
        q = select(traject_table.c.traject_id).where(traject_table.c.aanmelding_id == aanmelding_id)
        return (await self.session.execute(q)).scalar_one_or_none()

    async def lijst(
        self, *, organisatie: str | None, status: TrajectStatus | None, limit: int, offset: int
    ) -> tuple[list[Traject], int]:
        voorwaarden = []
        if organisatie is not None:
            voorwaarden.append(traject_table.c.rol_organisaties.any(organisatie))
        if status is not None:
            voorwaarden.append(traject_table.c.status == status.value)
        waar = and_(true(), *voorwaarden)
        totaal = (await self.session.execute(select(func.count()).select_from(traject_table).where(waar))).scalar_one()
        rows = (
            await self.session.execute(
                select(traject_table.c.data)
                .where(waar)
                .order_by(traject_table.c.aangemaakt_op, traject_table.c.traject_id)
                .limit(limit)
                .offset(offset)
            )
        ).all()
        return [_traject_uit_rij(r.data) for r in rows], totaal

    async def claim_evaluatie_verschuldigd(self, vandaag: dt.date, limit: int) -> list[Traject]:
        """Running trajecten whose evaluation date has passed, locked; rows another instance holds are skipped."""
        rows = (
            await self.session.execute(
                select(traject_table.c.traject_id, traject_table.c.data, traject_table.c.version)
                .where(
                    traject_table.c.status.in_([TrajectStatus.LOPEND.value, TrajectStatus.VERLENGD.value]),
                    traject_table.c.evaluatie_datum <= vandaag,
                )
                .order_by(traject_table.c.evaluatie_datum)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
        for r in rows:
            self._versies[r.traject_id] = r.version
        return [_traject_uit_rij(r.data) for r in rows]

    async def save(self, traject: Traject) -> None:
        versie = self._versies[traject.traject_id]
        res = await self.session.execute(
            update(traject_table)
            .where(traject_table.c.traject_id == traject.traject_id, traject_table.c.version == versie)
            .values(**self._kolommen(traject), version=versie + 1, gewijzigd_op=func.now())
        )
        if res.rowcount != 1:
            raise GelijktijdigGewijzigd(str(traject.traject_id))
        self._versies[traject.traject_id] = versie + 1

    @staticmethod
    def _kolommen(t: Traject) -> dict:
        return {
            "traject_id": t.traject_id,
            "aanmelding_id": t.aanmelding_id,
            "status": t.status.value,
            "startdatum": t.startdatum,
            "evaluatie_datum": t.evaluatie_datum,
            "blokkade_status": t.blokkade_status.value,
            "acute_crisis": t.acute_crisis,
            "rol_organisaties": sorted({r.organisatie for r in t.rollen}),
            "data": naar_json(t),
        }


def volgende_diw_evaluatie(a: DIWFondsAanvraag, regels: DIWFondsRegels) -> dt.date | None:
    """The next 3-monthly due date not yet reported (None unless IN_GEBRUIK)."""
    if a.status.value != "IN_GEBRUIK" or a.gebruik_vanaf is None:
        return None
    k = 1
    while True:
        d = plus_maanden(a.gebruik_vanaf, k * regels.evaluatie_interval_maanden)
        if a.laatste_evaluatie_gemeld is None or d > a.laatste_evaluatie_gemeld:
            return d
        k += 1


class DIWRepository:
    def __init__(self, session: AsyncSession, regels: DIWFondsRegels) -> None:
        self.session = session
        self.regels = regels
        self._versies: dict[uuid.UUID, int] = {}

    async def add(self, a: DIWFondsAanvraag) -> None:
        await self.session.execute(diw_aanvraag_table.insert().values(**self._kolommen(a), version=1))
        self._versies[a.aanvraag_id] = 1

    async def get(self, aanvraag_id: uuid.UUID, *, for_update: bool = False) -> DIWFondsAanvraag:
        q = select(diw_aanvraag_table.c.data, diw_aanvraag_table.c.version).where(diw_aanvraag_table.c.aanvraag_id == aanvraag_id)
        if for_update:
            q = q.with_for_update()
        row = (await self.session.execute(q)).first()
        if row is None:
            raise NietGevonden("no such DIW-fonds aanvraag")
        self._versies[aanvraag_id] = row.version
        return _diw_uit_rij(row.data)

    async def van_traject(self, traject_id: uuid.UUID) -> list[DIWFondsAanvraag]:
        rows = (
            await self.session.execute(
                select(diw_aanvraag_table.c.data)
                .where(diw_aanvraag_table.c.traject_id == traject_id)
                .order_by(diw_aanvraag_table.c.aangemaakt_op, diw_aanvraag_table.c.aanvraag_id)
            )
        ).all()
        return [_diw_uit_rij(r.data) for r in rows]

    async def vergrendel_fonds(self) -> None:
        """Serialise approvals: held until the transaction ends."""
        await self.session.execute(select(func.pg_advisory_xact_lock(DIW_FONDS_LOCK_ID)))

    async def goedgekeurd_totaal(self, *, behalve: uuid.UUID) -> int:
        """Σ bedrag of the aanvragen that count against the cap (call under :meth:`vergrendel_fonds`)."""
        q = select(func.coalesce(func.sum(diw_aanvraag_table.c.bedrag_eurocent), 0)).where(
            diw_aanvraag_table.c.status.in_([s.value for s in TELT_MEE_IN_FONDS]),
            diw_aanvraag_table.c.aanvraag_id != behalve,
        )
        return int((await self.session.execute(q)).scalar_one())

    async def claim_evaluatie_verschuldigd(self, vandaag: dt.date, limit: int) -> Sequence[DIWFondsAanvraag]:
        rows = (
            await self.session.execute(
                select(diw_aanvraag_table.c.aanvraag_id, diw_aanvraag_table.c.data, diw_aanvraag_table.c.version)
                .where(diw_aanvraag_table.c.status == "IN_GEBRUIK", diw_aanvraag_table.c.volgende_evaluatie_datum <= vandaag)
                .order_by(diw_aanvraag_table.c.volgende_evaluatie_datum)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
        for r in rows:
            self._versies[r.aanvraag_id] = r.version
        return [_diw_uit_rij(r.data) for r in rows]

    async def save(self, a: DIWFondsAanvraag) -> None:
        versie = self._versies[a.aanvraag_id]
        res = await self.session.execute(
            update(diw_aanvraag_table)
            .where(diw_aanvraag_table.c.aanvraag_id == a.aanvraag_id, diw_aanvraag_table.c.version == versie)
            .values(**self._kolommen(a), version=versie + 1, gewijzigd_op=func.now())
        )
        if res.rowcount != 1:
            raise GelijktijdigGewijzigd(str(a.aanvraag_id))
        self._versies[a.aanvraag_id] = versie + 1

    def _kolommen(self, a: DIWFondsAanvraag) -> dict:
        return {
            "aanvraag_id": a.aanvraag_id,
            "traject_id": a.traject_id,
            "status": a.status.value,
            "bedrag_eurocent": a.bedrag_eurocent,
            "volgende_evaluatie_datum": volgende_diw_evaluatie(a, self.regels),
            "data": naar_json(a),
        }
