"""Repositories of the traject service: the shared :class:`~jeugdhulp_common.unit_of_work.Repository` (one JSONB
document per aggregate, the one codec, its one locking policy: ``FOR UPDATE`` + version check) with this service's
lookup columns and queries next to it.

Ordering rule of the DIW approvals: :meth:`DIWRepository.vergrendel_fonds` (the fund's advisory lock) is taken
BEFORE the aanvraag's row lock (:meth:`~jeugdhulp_common.unit_of_work.Repository.get`), by every approval, so two
racing approvals cannot deadlock and cannot together exceed the cap.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, and_, any_, func, literal, select, true
from sqlalchemy.exc import DBAPIError

from jeugdhulp_common.domain import Aggregaat, GelijktijdigGewijzigd
from jeugdhulp_common.errors import sqlstate
from jeugdhulp_common.unit_of_work import _LOCK_NOT_AVAILABLE, Repository

from traject.adapters.tables import diw_aanvraag_table, traject_table
from traject.domain import (
    STANDAARD_DIW_REGELS,
    TELT_MEE_IN_FONDS,
    DIWFondsAanvraag,
    DIWFondsRegels,
    Traject,
    TrajectStatus,
)

# A transaction-scoped advisory lock serialising all DIW approvals of this database (the one fund, §5.3).
DIW_FONDS_LOCK_ID = 0x4A48_D1F0

A = TypeVar("A", bound=Aggregaat)


class _Rijen(Repository[A]):
    """What both repositories add to the base: ``gewijzigd_op`` kept on every save, and claiming due rows for the
    timers (``FOR UPDATE SKIP LOCKED``: a row another instance holds is skipped) as aggregates loaded for change."""

    async def _update_row(self, sleutel: Any, geladen: int, values: Mapping[str, Any]) -> bool:
        return await super()._update_row(sleutel, geladen, {**values, "gewijzigd_op": func.now()})

    async def _claim(self, query: Select) -> list[A]:
        t = self.table
        rows = (await self.session.execute(query.add_columns(t.c.id, t.c.document, t.c.version).with_for_update(of=t, skip_locked=True))).all()
        uit = []
        for r in rows:
            aggregaat = self.seen.setdefault(r.id, self.uit_document(r.document))
            self._versies.setdefault(r.id, r.version)
            uit.append(aggregaat)
        return uit

    async def _documenten(self, query: Select) -> list[A]:
        return [self.uit_document(d) for d in (await self.session.execute(query.add_columns(self.table.c.document))).scalars()]


class TrajectRepository(_Rijen[Traject]):
    table = traject_table
    aggregaat = Traject
    naam = "Traject"

    def __init__(self, session: Any) -> None:
        super().__init__(session)
        self._bron: dict[uuid.UUID, uuid.UUID] = {}

    def sleutel(self, t: Traject) -> uuid.UUID:
        return t.traject_id

    def kolommen(self, t: Traject) -> dict[str, Any]:
        uit = {
            "aanmelding_id": t.aanmelding_id,
            "status": t.status.value,
            "startdatum": t.startdatum,
            "evaluatie_datum": t.evaluatie_datum,
            "blokkade_status": t.blokkade_status.value,
            "acute_crisis": t.acute_crisis,
            "rol_organisaties": sorted({r.organisatie for r in t.rollen}),
        }
        if t.traject_id in self._bron:
            uit["bron_event_id"] = self._bron[t.traject_id]
        return uit

    def add_uit_event(self, traject: Traject, *, bron_event_id: uuid.UUID) -> None:
        """A new traject, created by the event ``bron_event_id`` (kept with its row)."""
        self._bron[traject.traject_id] = bron_event_id
        self.add(traject)

    @staticmethod
    def zichtbaar_voor(organisatie: str | None) -> list[Any]:
        """The condition limiting trajecten to those in which ``organisatie`` has a role (none: all)."""
        return [] if organisatie is None else [literal(organisatie) == any_(traject_table.c.rol_organisaties)]

    async def id_van_aanmelding(self, aanmelding_id: uuid.UUID) -> uuid.UUID | None:
        """The traject of an aanmelding (1:1, §4.2), if the traject service has it."""
        q = select(traject_table.c.id).where(traject_table.c.aanmelding_id == aanmelding_id)
        return (await self.session.execute(q)).scalar_one_or_none()

    async def lijst(
        self, *, organisatie: str | None, status: TrajectStatus | None, limit: int, offset: int
    ) -> tuple[list[Traject], int]:
        """A page of trajecten, oldest first, read only; and how many match."""
        t = traject_table
        waar = and_(true(), *self.zichtbaar_voor(organisatie), *([t.c.status == status.value] if status else []))
        totaal = (await self.session.execute(select(func.count()).select_from(t).where(waar))).scalar_one()
        trajecten = await self._documenten(select().select_from(t).where(waar).order_by(t.c.aangemaakt_op, t.c.id).limit(limit).offset(offset))
        return trajecten, totaal

    async def claim_evaluatie_verschuldigd(self, vandaag: dt.date, limit: int) -> list[Traject]:
        """Running trajecten whose evaluation date has passed, loaded for change."""
        t = traject_table
        return await self._claim(
            select()
            .select_from(t)
            .where(t.c.status.in_([TrajectStatus.LOPEND.value, TrajectStatus.VERLENGD.value]), t.c.evaluatie_datum <= vandaag)
            .order_by(t.c.evaluatie_datum)
            .limit(limit)
        )


class DIWRepository(_Rijen[DIWFondsAanvraag]):
    table = diw_aanvraag_table
    aggregaat = DIWFondsAanvraag
    naam = "DIWFondsAanvraag"
    regels: DIWFondsRegels = STANDAARD_DIW_REGELS  # the configured rules: set by TrajectUnitOfWork

    def sleutel(self, a: DIWFondsAanvraag) -> uuid.UUID:
        return a.aanvraag_id

    def kolommen(self, a: DIWFondsAanvraag) -> dict[str, Any]:
        return {
            "traject_id": a.traject_id,
            "status": a.status.value,
            "bedrag_eurocent": a.bedrag_eurocent,
            "volgende_evaluatie_datum": a.volgende_evaluatiedatum(self.regels),  # the domain's schedule
        }

    async def van_traject(self, traject_id: uuid.UUID, *, limit: int, offset: int) -> tuple[list[DIWFondsAanvraag], int]:
        """A page of a traject's aanvragen, oldest first, read only; and how many it has."""
        t = diw_aanvraag_table
        totaal = (await self.session.execute(select(func.count()).select_from(t).where(t.c.traject_id == traject_id))).scalar_one()
        aanvragen = await self._documenten(
            select().select_from(t).where(t.c.traject_id == traject_id).order_by(t.c.aangemaakt_op, t.c.id).limit(limit).offset(offset)
        )
        return aanvragen, totaal

    async def vergrendel_fonds(self) -> None:
        """Serialise approvals: held until the transaction ends. Take it BEFORE the aanvraag's row lock. Waits at
        most the connection's ``lock_timeout``, then refuses as the row lock does (:class:`GelijktijdigGewijzigd`)."""
        try:
            await self.session.execute(select(func.pg_advisory_xact_lock(DIW_FONDS_LOCK_ID)))
        except DBAPIError as exc:
            if sqlstate(exc) == _LOCK_NOT_AVAILABLE:  # a lock wait that timed out, as the base repository tests it
                raise GelijktijdigGewijzigd("the DIW-fonds") from None
            raise

    async def goedgekeurd_totaal(self, *, behalve: uuid.UUID) -> int:
        """Σ bedrag of the aanvragen that count against the cap (call under :meth:`vergrendel_fonds`)."""
        t = diw_aanvraag_table
        q = select(func.coalesce(func.sum(t.c.bedrag_eurocent), 0)).where(
            t.c.status.in_([s.value for s in TELT_MEE_IN_FONDS]), t.c.id != behalve
        )
        return int((await self.session.execute(q)).scalar_one())

    async def claim_evaluatie_verschuldigd(self, vandaag: dt.date, limit: int) -> Sequence[DIWFondsAanvraag]:
        """IN_GEBRUIK aanvragen whose next evaluation date has come, loaded for change."""
        t = diw_aanvraag_table
        return await self._claim(
            select().select_from(t).where(t.c.status == "IN_GEBRUIK", t.c.volgende_evaluatie_datum <= vandaag).order_by(t.c.volgende_evaluatie_datum).limit(limit)
        )
