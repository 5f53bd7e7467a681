"""Event handlers of the traject service. Each runs inside the consumer's inbox transaction."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from jeugdhulp_common.consumer import MessageMeta
from jeugdhulp_common.contracts.aanmelding import AanmeldingOntvangen, AanmeldingOpgestart

from traject.adapters.repository import TrajectRepository
from traject.adapters.tables import aanmelding_projectie
from traject.domain import Traject

log = logging.getLogger(__name__)


async def aanmelding_ontvangen(session: AsyncSession, ev: AanmeldingOntvangen, meta: MessageMeta) -> None:
    # A plain INSERT on purpose: a second effect of the same event would fail loudly, not be absorbed here.
    await session.execute(
        aanmelding_projectie.insert().values(
            aanmelding_id=ev.aanmelding_id,
            aanmelder_organisatie=ev.aanmelder_organisatie,
            ontvangen_op=ev.occurred_at,
            bron_event_id=ev.event_id,
        )
    )


async def aanmelding_opgestart(session: AsyncSession, ev: AanmeldingOpgestart, meta: MessageMeta) -> None:
    """§5.2 "create → IN_OPSTART on AanmeldingOpgestart". The inbox absorbs a redelivery of the same event; the
    unique aanmelding_id absorbs a second, different event for the same aanmelding (one traject per aanmelding,
    §4.2), which is logged and has no effect."""
    traject = Traject.uit_opgestarte_aanmelding(
        traject_id=uuid.uuid4(),
        aanmelding_id=ev.aanmelding_id,
        aanmelder_organisatie=ev.aanmelder_organisatie,
        blokkade_status_bij_aanmelding=ev.blokkade_status_bij_aanmelding,
    )
    aangemaakt = await TrajectRepository(session).add_nieuw(traject, bron_event_id=ev.event_id)
    if not aangemaakt:
        log.warning("aanmelding already has a traject; event ignored", extra={"aanmelding_id": str(ev.aanmelding_id), "event_id": str(ev.event_id)})
    # The factory emits nothing (TrajectGestart follows the startgesprek); nothing goes to the outbox here.


HANDLERS = {AanmeldingOntvangen: aanmelding_ontvangen, AanmeldingOpgestart: aanmelding_opgestart}
