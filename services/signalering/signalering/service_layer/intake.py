"""Event handlers (run by the common consumer inside its inbox transaction: the inbox row and the effect commit
together, so a redelivered event id has no second effect). A handler that stores aggregates joins that transaction
with :meth:`SignaleringUnitOfWork.binnen`."""

from __future__ import annotations

import logging

from jeugdhulp_common.consumer import MessageMeta
from jeugdhulp_common.contracts.aanmelding import AanmeldingNietOpgestart
from jeugdhulp_common.contracts.traject import (
    SamenwerkingsoverlegGehouden,
    SamenwerkingsoverlegGehoudenV1,
    SamenwerkingsoverlegGehoudenV2,
    TrajectAfgerond,
    TrajectBlokkadeGewijzigd,
)
from jeugdhulp_common.db import Db

from signalering.adapters import repository as repo
from signalering.domain import signalen_uit_overleg
from signalering.service_layer.unit_of_work import SignaleringUnitOfWork

log = logging.getLogger(__name__)


async def samenwerkingsoverleg_gehouden(session: Db, ev: SamenwerkingsoverlegGehouden, meta: MessageMeta) -> None:
    """One CONCEPT per candidate signal (§6 step 1). The ids are derived from the overleg with the salt, so even the
    same overleg published again under a new event id creates no duplicates (the repository leaves an existing
    signal as it is). The identifying data stays with the CONCEPT (for the detector) and is dropped on release.
    Nothing is published: a concept is internal."""
    async with SignaleringUnitOfWork.binnen(session) as uow:
        signalen = signalen_uit_overleg(ev, salt=await uow.geheimen.salt())
        for signaal in signalen:
            uow.signalen.add(signaal)
    log.info("concept signals derived", extra={"aantal": len(signalen), "event_id": str(ev.event_id)})


async def traject_blokkade_gewijzigd(session: Db, ev: TrajectBlokkadeGewijzigd, meta: MessageMeta) -> None:
    """Anonymous count by code only (no traject id is kept)."""
    jaar = ev.occurred_at.year
    await repo.tel(session, "BLOKKADE_NAAR", ev.naar.value, jaar)
    if ev.acute_crisis:
        await repo.tel(session, "ACUTE_CRISIS", "JA", jaar)


async def aanmelding_niet_opgestart(session: Db, ev: AanmeldingNietOpgestart, meta: MessageMeta) -> None:
    """The reason code only (§10: "signalering (code only)")."""
    await repo.tel(session, "NIET_OPGESTART_REDEN", ev.reden.value, ev.occurred_at.year)


async def traject_afgerond(session: Db, ev: TrajectAfgerond, meta: MessageMeta) -> None:
    jaar = ev.occurred_at.year
    await repo.tel(session, "AFGEROND", "TOTAAL", jaar)
    for reden in dict.fromkeys(ev.redenen):
        await repo.tel(session, "AFGEROND_REDEN", reden.value, jaar)
    if ev.blokkade_status_einde is not None:
        await repo.tel(session, "AFGEROND_BLOKKADE_EINDE", ev.blokkade_status_einde.value, jaar)


HANDLERS = {
    SamenwerkingsoverlegGehouden: samenwerkingsoverleg_gehouden,
    SamenwerkingsoverlegGehoudenV1: samenwerkingsoverleg_gehouden,  # old records: the same fields it uses
    SamenwerkingsoverlegGehoudenV2: samenwerkingsoverleg_gehouden,  # old records: with the names for the gate
    TrajectBlokkadeGewijzigd: traject_blokkade_gewijzigd,
    AanmeldingNietOpgestart: aanmelding_niet_opgestart,
    TrajectAfgerond: traject_afgerond,
}
