"""Event handlers of the traject service. Each runs inside the consumer's inbox transaction; a handler that
changes aggregates joins it with :meth:`TrajectUnitOfWork.binnen`."""

from __future__ import annotations

import logging
import uuid


from jeugdhulp_common.auth import Principal
from jeugdhulp_common.consumer import MessageMeta
from jeugdhulp_common.contracts.aanmelding import AanmeldingOntvangen, AanmeldingOpgestart, InstemmingVastgelegd
from jeugdhulp_common import db
from jeugdhulp_common.db import Db

from traject.adapters.tables import aanmelding_projectie
from traject.domain import Traject
from traject.service_layer.unit_of_work import TRAJECT, TrajectUnitOfWork

log = logging.getLogger(__name__)


# A plain INSERT on purpose: a second effect of the same event would fail loudly, not be absorbed here. Sent straight
# on the driver (a hot path: every aanmelding's hop ends here), prepared once per connection.
_PROJECTIE_INSERT = (
    f"INSERT INTO {aanmelding_projectie.name} (aanmelding_id, aanmelder_organisatie, ontvangen_op, bron_event_id) VALUES ($1, $2, $3, $4)"
)


async def aanmelding_ontvangen(session: Db, ev: AanmeldingOntvangen, meta: MessageMeta) -> None:
    await db.execute(session, _PROJECTIE_INSERT, ev.aanmelding_id, ev.aanmelder_organisatie, ev.occurred_at, ev.event_id)


async def aanmelding_opgestart(session: Db, ev: AanmeldingOpgestart, meta: MessageMeta) -> None:
    """§5.2 "create → IN_OPSTART on AanmeldingOpgestart". The inbox absorbs a redelivery of the same event; a
    second, different event for the same aanmelding (one traject per aanmelding, §4.2) is logged and has no effect
    (the unique aanmelding_id backs this up under a race: the consumer's transaction fails and is retried)."""
    async with TrajectUnitOfWork.binnen(session) as uow:
        if await uow.trajecten.id_van_aanmelding(ev.aanmelding_id) is not None:
            log.warning("aanmelding already has a traject; event ignored", extra={"aanmelding_id": str(ev.aanmelding_id), "event_id": str(ev.event_id)})
            return
        traject = Traject.uit_opgestarte_aanmelding(
            traject_id=uuid.uuid4(),
            aanmelding_id=ev.aanmelding_id,
            aanmelder_organisatie=ev.aanmelder_organisatie,
            blokkade_status_bij_aanmelding=ev.blokkade_status_bij_aanmelding,
        )
        uow.trajecten.add_uit_event(traject, bron_event_id=ev.event_id)
    # The factory emits nothing (TrajectGestart follows the startgesprek); nothing goes to the outbox here.


# Who changed the traject when a consent is withdrawn: the jongere/ouder, through the aanmelding service's event.
INSTEMMING_INGETROKKEN = "INSTEMMING_INGETROKKEN"
_VIA_AANMELDING = Principal(credential_id=uuid.UUID(int=0), organisatie="aanmelding (instemming)", rollen=frozenset())


async def instemming_vastgelegd(session: Db, ev: InstemmingVastgelegd, meta: MessageMeta) -> None:
    """§9 rule 5: a withdrawn consent has effect on the traject of that aanmelding (recorded, audited, shown on
    the traject): GEGEVENSDELING_PARTNERS cuts partners' reads of its personal data, TRAJECT_OPSTART flags it for
    the team and stops candidate signals. A consent given, or a withdrawal before a traject exists, changes
    nothing here (the aanmelding service refuses the opstart without consent)."""
    if not ev.ingetrokken:
        return
    async with TrajectUnitOfWork.binnen(session, principal=_VIA_AANMELDING) as uow:
        traject_id = await uow.trajecten.id_van_aanmelding(ev.aanmelding_id)
        if traject_id is None:
            log.info("consent withdrawn before a traject exists", extra={"aanmelding_id": str(ev.aanmelding_id), "event_id": str(ev.event_id)})
            return
        traject = await uow.trajecten.get(traject_id)
        if traject.registreer_intrekking(ev.scope, ev.op.date()):
            uow.audit(INSTEMMING_INGETROKKEN, TRAJECT, traject_id)


HANDLERS = {
    AanmeldingOntvangen: aanmelding_ontvangen,
    AanmeldingOpgestart: aanmelding_opgestart,
    InstemmingVastgelegd: instemming_vastgelegd,
}
