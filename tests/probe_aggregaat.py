"""A small aggregate with a repository and a unit of work, to test the shared unit of work itself (in memory in
tests/unit/common, on the real Postgres in tests/middle, table ``uow_probe`` created by that test)."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass, field

from jeugdhulp_common.domain import Aggregaat
from jeugdhulp_common.events import Event
from jeugdhulp_common.unit_of_work import Repository, UnitOfWork
from sqlalchemy import Column, Integer, MetaData, Table, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB

_tabel = Table("uow_probe", MetaData(), Column("id", Uuid, primary_key=True), Column("version", Integer), Column("document", JSONB), Column("staat", Text))


class Staat(enum.StrEnum):
    NIEUW = "NIEUW"
    KLAAR = "KLAAR"


@dataclass(frozen=True)
class Deel:
    naam: str
    op: dt.date | None = None


@dataclass(eq=False)
class Ding(Aggregaat):
    ding_id: uuid.UUID
    staat: Staat = Staat.NIEUW
    delen: tuple[Deel, ...] = ()
    labels: frozenset[str] = frozenset()
    sinds: dt.datetime | None = None
    extra: dict[str, int] = field(default_factory=dict)

    def klaar(self, ev: Event) -> None:
        self.staat = Staat.KLAAR
        self._emit(ev)


class DingRepository(Repository[Ding]):
    table = _tabel
    aggregaat = Ding
    naam = "Ding"

    def sleutel(self, d: Ding) -> uuid.UUID:
        return d.ding_id

    def kolommen(self, d: Ding) -> dict[str, str]:
        return {"staat": d.staat.value}


class DingUnitOfWork(UnitOfWork):
    repositories = {"dingen": DingRepository}
    dingen: DingRepository


