"""The report read model: event handlers that keep one fact row per aanmelding and per traject, the rebuild from
the event log, and the report query.

Which events (all on topics signalering already reads):

* ``AanmeldingOntvangen`` (jeugdhulp.aanmelding.micro, class P): received date (its ``occurredAt``, which the
  aanmelding domain sets to the moment of receipt, also for imported history), aanmelder, leeftijd, regio, blokkade
  at aanmelding — the codes Tabel 2–4 need; nothing else of it is kept;
* ``AanmeldingOpgestart`` / ``AanmeldingNietOpgestart`` (Ps): the decision, its date, reason and advice code;
* ``TrajectGestart`` (Ps): startdatum and the link traject → aanmelding; ``TrajectAfgerond`` (Ps): afgerond_op,
  reasons, blokkade at the end.

Every handler is an upsert of the columns its event knows, so the order of arrival across topics does not matter and
a replay (rebuild) gives the same rows. Micro ids are replaced by salted refs before anything is stored.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import uuid
from collections.abc import Iterable
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from jeugdhulp_common.consumer import MessageMeta
from jeugdhulp_common.db import Db, upsert_row
from jeugdhulp_common.contracts.aanmelding import AanmeldingNietOpgestart, AanmeldingOntvangen, AanmeldingOpgestart
from jeugdhulp_common.contracts.traject import TrajectAfgerond, TrajectGestart
from jeugdhulp_common.events import DecodeError, Event, decode, headers_dict
from jeugdhulp_common.kafka import KafkaConnection, partitions
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from signalering.adapters import repository as repo
from signalering.adapters.rapportage_tables import RAPPORTAGE_TABELLEN, rapportage_aanmelding, rapportage_traject
from signalering.adapters.tables import (
    actiepunt_table,
    aanbeveling_table,
    forum_table,
    sessie_table,
    signaal_table,
    tafel_table,
    thema_table,
)
from signalering.domain.pseudoniem import bron_ref
from signalering.domain.rapportage import AanmeldingFeit, Periode, Rapport, TrajectFeit, Trechter, bereken

log = logging.getLogger(__name__)

TIJDZONE = ZoneInfo("Europe/Brussels")


def _dag(moment: dt.datetime) -> dt.date:
    """The calendar day in Flanders of an event moment (a report year starts at midnight in Brussels)."""
    return moment.astimezone(TIJDZONE).date()


async def _ref(session: Db, soort: str, id_: uuid.UUID) -> str:
    return bron_ref(soort, id_, await repo.salt(session))


_FEITEN = {"aanmelding": rapportage_aanmelding, "traject": rapportage_traject}


async def _upsert(session: Db, soort: str, id_: uuid.UUID, **waarden: Any) -> None:
    """Upsert the columns an event knows into the fact row of this aanmelding or traject (keyed by its salted ref)."""
    # In a consumer batch the upserts of one ref are merged and each table's rows go in one statement at commit.
    await upsert_row(session, _FEITEN[soort], {"ref": await _ref(session, soort, id_)}, waarden)


def _code(waarde: StrEnum | None) -> str | None:
    return None if waarde is None else waarde.value


async def aanmelding_ontvangen(session: Db, ev: AanmeldingOntvangen, meta: MessageMeta | None) -> None:
    await _upsert(
        session,
        "aanmelding",
        ev.aanmelding_id,
        ontvangen_op=_dag(ev.occurred_at),
        aanmelder_categorie=ev.aanmelder_categorie.value,
        aanmelder_organisatie=ev.aanmelder_organisatie,
        leeftijd=ev.leeftijd_bij_aanmelding,
        regio=ev.regio_jongere.value,
        blokkade_bij_aanmelding=_code(ev.blokkade_status_bij_aanmelding),
    )


async def aanmelding_opgestart(session: Db, ev: AanmeldingOpgestart, meta: MessageMeta | None) -> None:
    await _upsert(session, "aanmelding", ev.aanmelding_id, opgestart_op=_dag(ev.occurred_at))


async def aanmelding_niet_opgestart(session: Db, ev: AanmeldingNietOpgestart, meta: MessageMeta | None) -> None:
    await _upsert(
        session,
        "aanmelding",
        ev.aanmelding_id,
        niet_opgestart_op=_dag(ev.occurred_at),
        reden_niet_opstart=ev.reden.value,
        alternatief_advies=_code(ev.alternatief_advies),
    )


async def traject_gestart(session: Db, ev: TrajectGestart, meta: MessageMeta | None) -> None:
    await _upsert(session, "traject", ev.traject_id, aanmelding_ref=await _ref(session, "aanmelding", ev.aanmelding_id), startdatum=ev.startdatum)


async def traject_afgerond(session: Db, ev: TrajectAfgerond, meta: MessageMeta | None) -> None:
    await _upsert(
        session,
        "traject",
        ev.traject_id,
        afgerond_op=ev.afgerond_op,
        afrondingsredenen=[r.value for r in dict.fromkeys(ev.redenen)],
        blokkade_einde=_code(ev.blokkade_status_einde),
    )


HANDLERS = {
    AanmeldingOntvangen: aanmelding_ontvangen,
    AanmeldingOpgestart: aanmelding_opgestart,
    AanmeldingNietOpgestart: aanmelding_niet_opgestart,
    TrajectGestart: traject_gestart,
    TrajectAfgerond: traject_afgerond,
}

BRON_TOPICS = sorted({cls.topic for cls in HANDLERS})


# --------------------------------------------------------------------------- rebuild from the event log


async def herbouw(sessionmaker: async_sessionmaker[AsyncSession], kafka: KafkaConnection, *, timeout: float = 300) -> int:
    """Empty the read model and replay every report event from the beginning of the log, in ONE transaction (the
    old model stays visible until the new one is complete). Reads by partition assignment, without a consumer group,
    so the service's own group offsets are untouched. Returns the number of events applied."""
    consumer = kafka.consumer(enable_auto_commit=False, group_id=None, client_id="signalering-herbouw")
    await consumer.start()
    toegepast = 0
    try:
        tps = await partitions(consumer, BRON_TOPICS)
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        eind = await consumer.end_offsets(tps)
        async with sessionmaker.begin() as session:
            for table in RAPPORTAGE_TABELLEN:
                await session.execute(delete(table))
            deadline = time.monotonic() + timeout
            while [tp for tp in tps if await consumer.position(tp) < eind[tp]]:
                if time.monotonic() > deadline:
                    raise TimeoutError("the event log could not be read to its end in time")
                batch = await consumer.getmany(timeout_ms=500)
                for records in batch.values():
                    for record in records:
                        try:
                            ev = decode(record.value, headers_dict(record.headers))
                        except DecodeError:
                            continue  # poison was dead-lettered by the live consumer; the rebuild skips it too
                        handler = HANDLERS.get(type(ev))
                        if handler is not None:
                            await handler(session, ev, None)  # type: ignore[arg-type]
                            toegepast += 1
                await asyncio.sleep(0)
    finally:
        await consumer.stop()
    log.info("report read model rebuilt", extra={"aantal": toegepast})
    return toegepast


# --------------------------------------------------------------------------- query


async def feiten(session: Db) -> tuple[list[AanmeldingFeit], list[TrajectFeit]]:
    a = [AanmeldingFeit(**dict(r)) for r in (await session.execute(select(rapportage_aanmelding))).mappings()]
    t = [
        TrajectFeit(**{**dict(r), "afrondingsredenen": tuple(r["afrondingsredenen"] or ())})
        for r in (await session.execute(select(rapportage_traject))).mappings()
    ]
    return a, t


async def _groep(session: Db, kolom: Any, *where: Any) -> dict[str, int]:
    q = select(kolom, func.count()).where(*where).group_by(kolom).order_by(kolom)
    return {str(k): int(n) for k, n in (await session.execute(q)).all()}


async def trechter(session: Db, periode: Periode) -> Trechter:
    """The funnel from signalering's own tables (the service is their source of truth)."""
    namen = {r.thema_id: r.naam for r in (await session.execute(select(thema_table.c.thema_id, thema_table.c.naam))).all()}
    per_thema: dict[str, int] = {}
    rijen = await session.execute(select(signaal_table.c.data).where(signaal_table.c.status != "CONCEPT"))
    for (data,) in rijen.all():
        op = data.get("vrijgegeven_op")
        if not op or not periode.bevat(_dag(dt.datetime.fromisoformat(op))):
            continue
        for tid in data.get("thema_ids") or ():
            naam = namen.get(uuid.UUID(tid), "ONBEKEND")
            per_thema[naam] = per_thema.get(naam, 0) + 1
    actiepunten = await _groep(session, actiepunt_table.c.status, actiepunt_table.c.aangemaakt_op.between(periode.van, periode.tot))
    actiepunten["OPNIEUW_GESIGNALEERD"] = int(
        (
            await session.execute(
                select(func.count()).where(
                    actiepunt_table.c.aangemaakt_op.between(periode.van, periode.tot), actiepunt_table.c.laatst_gesignaleerd_op.is_not(None)
                )
            )
        ).scalar_one()
    )
    tafels = await _groep(
        session,
        tafel_table.c.status,
        tafel_table.c.forum_id.in_(select(forum_table.c.forum_id).where(forum_table.c.datum.between(periode.van, periode.tot))),
    )
    return Trechter(
        signalen_vrijgegeven_per_thema=dict(sorted(per_thema.items())),
        themas_per_status=await _groep(session, thema_table.c.status),
        lerend_netwerk_sessies=await _groep(session, sessie_table.c.status, sessie_table.c.datum.between(periode.van, periode.tot)),
        forum_discussietafels=tafels,
        actiepunten=actiepunten,
        beleidsaanbevelingen_per_niveau=await _groep(
            session, aanbeveling_table.c.niveau, aanbeveling_table.c.jaar.between(periode.van.year, periode.tot.year)
        ),
    )


async def standaard_periode(session: Db) -> Periode:
    """From the first to the last calendar year with a fact (this year when there is none)."""
    data: list[dt.date] = []
    for kolom in (rapportage_aanmelding.c.ontvangen_op, rapportage_traject.c.startdatum, rapportage_traject.c.afgerond_op):
        lo, hi = (await session.execute(select(func.min(kolom), func.max(kolom)))).one()
        data += [d for d in (lo, hi) if d is not None]
    if not data:
        return Periode.jaar(dt.date.today().year)
    return Periode(dt.date(min(data).year, 1, 1), dt.date(max(data).year, 12, 31))


async def rapport(sessionmaker: async_sessionmaker[AsyncSession], periode: Periode | None) -> Rapport:
    """The exact report (the team's view) of ``periode`` (default: every year with data), in one snapshot."""
    async with sessionmaker.begin() as session:
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})  # one snapshot for all queries
        periode = periode or await standaard_periode(session)
        a, t = await feiten(session)
        return bereken(periode, a, t, await trechter(session, periode))


def combineer(*tabellen: dict) -> dict:
    """Handlers for one event class from several parts of the service run one after the other, in one transaction."""
    uit: dict = {}
    for tabel in tabellen:
        for cls, handler in tabel.items():
            uit.setdefault(cls, []).append(handler)

    def keten(handlers: Iterable) -> Any:
        handlers = list(handlers)
        if len(handlers) == 1:
            return handlers[0]

        async def beide(session: Db, ev: Event, meta: MessageMeta) -> None:
            for h in handlers:
                await h(session, ev, meta)

        return beide

    return {cls: keten(hs) for cls, hs in uit.items()}
