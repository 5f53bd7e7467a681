"""Use-case plumbing: one transaction that loads an aggregate under a row lock, lets the domain act, saves it,
stages its events in the outbox and writes the audit row (cosmicpython's unit of work, kept small)."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jeugdhulp_common import audit, outbox
from jeugdhulp_common.auth import Principal

from traject.adapters.repository import DIWRepository, TrajectRepository
from traject.domain import DIWFondsAanvraag, Traject
from traject.settings import TrajectSettings

TRAJECT = "Traject"
DIW_AANVRAAG = "DIWFondsAanvraag"

T = TypeVar("T")


class Context:
    """What the use cases need: the database and the configured rules."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], settings: TrajectSettings) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.traject_regels = settings.traject_regels
        self.diw_regels = settings.diw_regels
        self.tijdzone = zoneinfo.ZoneInfo(settings.tijdzone)

    def vandaag(self) -> dt.date:
        return dt.datetime.now(self.tijdzone).date()

    async def wijzig_traject(
        self, principal: Principal | None, traject_id: uuid.UUID, actie: str, doe: Callable[[Traject], T]
    ) -> tuple[Traject, T]:
        """Load (FOR UPDATE), act, save + outbox + audit, in ONE transaction. A refusal by the domain raises and
        rolls everything back: nothing changes, nothing is published."""
        async with self.sessionmaker.begin() as session:
            repo = TrajectRepository(session)
            traject = await repo.get(traject_id, for_update=True)
            uitkomst = doe(traject)
            await repo.save(traject)
            await outbox.add(session, traject.neem_events())
            if principal is not None:
                await audit.record(session, principal, actie, TRAJECT, traject_id)
        return traject, uitkomst

    async def wijzig_diw(
        self,
        principal: Principal,
        aanvraag_id: uuid.UUID,
        actie: str,
        doe: Callable[[DIWFondsAanvraag, DIWRepository], Awaitable[None]],
        *,
        fonds_vergrendelen: bool = False,
    ) -> DIWFondsAanvraag:
        async with self.sessionmaker.begin() as session:
            repo = DIWRepository(session, self.diw_regels)
            if fonds_vergrendelen:
                await repo.vergrendel_fonds()  # before the row lock: every approval takes them in this order
            aanvraag = await repo.get(aanvraag_id, for_update=True)
            await doe(aanvraag, repo)
            await repo.save(aanvraag)
            await outbox.add(session, aanvraag.neem_events())
            await audit.record(session, principal, actie, DIW_AANVRAAG, aanvraag_id)
        return aanvraag
