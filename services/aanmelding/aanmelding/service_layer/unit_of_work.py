"""One database transaction per use case: the aggregate's change, its events (outbox) and the audit rows
commit together or not at all. Writes whose result the use case does not read are sent in one round trip just
before the commit (``jeugdhulp_common.db.defer_writes``)."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jeugdhulp_common.db import defer_writes

from aanmelding.adapters.repository import AanmeldingRepository, IntakeRepository


class UnitOfWork:
    session: AsyncSession
    aanmeldingen: AanmeldingRepository
    intake: IntakeRepository

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def __aenter__(self) -> UnitOfWork:
        self._tx = self._sessionmaker.begin()
        self.session = await self._tx.__aenter__()
        defer_writes(self.session)  # new rows, outbox, audit, idempotency record: one round trip at commit
        self.aanmeldingen = AanmeldingRepository(self.session)
        self.intake = IntakeRepository(self.session)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        # Commits when the block ends normally, rolls back on any exception (which then propagates).
        await self._tx.__aexit__(exc_type, exc, tb)
