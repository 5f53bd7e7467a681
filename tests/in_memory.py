"""An in-memory unit of work for use-case tests (cosmicpython's FakeUnitOfWork): the same
``jeugdhulp_common.unit_of_work`` classes with their three storage operations and the outbox/audit staging
replaced by dicts and lists. Documents go through the real codec, versions through the real locking policy.

    uow = in_memory(TrajectUnitOfWork, principal=p, klok=VasteKlok(moment))
    await use_case(uow, ...)
    assert [type(e).__name__ for e in uow.gepubliceerd] == [...]; assert uow.gecommit

Only what the Repository base does is in memory; a repository's own SQL queries (lists, lookups) are not, and
are covered by the middle tier (tests/middle) on the real Postgres.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any, Self

from jeugdhulp_common.domain import NietGevonden
from jeugdhulp_common.events import Event
from jeugdhulp_common.unit_of_work import AuditRegel, Repository, UnitOfWork


class Opslag:
    """Rows per table name: key -> (version, document, columns)."""

    def __init__(self) -> None:
        self.rijen: dict[str, dict[Any, dict[str, Any]]] = {}

    def tabel(self, naam: str) -> dict[Any, dict[str, Any]]:
        return self.rijen.setdefault(naam, {})


def _in_memory_repository(cls: type[Repository[Any]], opslag: Opslag) -> type[Repository[Any]]:
    class InMemory(cls):  # type: ignore[misc,valid-type]
        async def _row(self, sleutel: Any, where: Sequence[Any], *, for_update: bool) -> Any:
            if where:
                raise NotImplementedError("conditions (where=...) need the real database: test this in tests/middle")
            rij = opslag.tabel(self.table.name).get(sleutel)
            if rij is None:
                raise NietGevonden(f"{self.naam} not found")
            return SimpleNamespace(document=rij["document"], version=rij["version"])

        async def _insert(self, rows: list[dict[str, Any]]) -> None:
            tabel = opslag.tabel(self.table.name)
            for row in rows:
                if row["id"] in tabel:
                    raise KeyError(f"duplicate key {row['id']}")
                tabel[row["id"]] = dict(row)

        async def _update_row(self, sleutel: Any, geladen: int, values: Mapping[str, Any]) -> bool:
            rij = opslag.tabel(self.table.name).get(sleutel)
            if rij is None or rij["version"] != geladen:
                return False
            rij.update(values, version=geladen + 1)
            return True

    InMemory.__name__ = f"InMemory{cls.__name__}"
    return InMemory


def in_memory(uow_cls: type[UnitOfWork], opslag: Opslag | None = None, **kwargs: Any) -> UnitOfWork:
    """An instance of ``uow_cls`` (a service's unit of work) that keeps everything in ``opslag``. After each
    committed block: ``gepubliceerd`` (events staged, in order), ``geaudit`` (audit rows), ``gecommit`` (count)."""
    opslag = opslag or Opslag()
    repos = {naam: _in_memory_repository(cls, opslag) for naam, cls in uow_cls.repositories.items()}

    class InMemoryUnitOfWork(uow_cls):  # type: ignore[misc,valid-type]
        repositories = repos

        async def __aenter__(self) -> Self:
            self._open(None, defer=False)  # type: ignore[arg-type]
            return self

        async def __aexit__(self, exc_type, exc, tb) -> None:  # noqa: ANN001
            if exc_type is None:
                await self._verzamel()
                self.gecommit += 1

        async def _stage(self, events: list[Event], regels: list[AuditRegel]) -> None:
            self.gepubliceerd += events
            self.geaudit += regels

    uow = InMemoryUnitOfWork(**kwargs)
    uow.opslag, uow.gepubliceerd, uow.geaudit, uow.gecommit = opslag, [], [], 0
    return uow
