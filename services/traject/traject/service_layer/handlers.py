"""Event handlers of the traject service. Each runs inside the consumer's inbox transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from jeugdhulp_common.consumer import MessageMeta
from jeugdhulp_common.contracts.aanmelding import AanmeldingOntvangen

from traject.adapters.tables import aanmelding_projectie


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


HANDLERS = {AanmeldingOntvangen: aanmelding_ontvangen}
