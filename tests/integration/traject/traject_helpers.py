"""Helpers for the traject service's integration tests (real broker, real database, real processes)."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import httpx
import support
from events_factory import as_record

from jeugdhulp_common import topics
from jeugdhulp_common.auth import Toegangsrol, create_credential
from jeugdhulp_common.contracts.aanmelding import AanmeldingOpgestart
from jeugdhulp_common.contracts.vocabulary import AanmelderCategorie, BlokkadeStatus

FAST = {
    "TRAJECT_TIMER_POLL_SECONDS": "0.3",
    "TRAJECT_DIW_SUBSIDIE_EINDDATUM": "2099-12-31",
    "JH_RELAY_IDLE_SECONDS": "0.1",
    "TRAJECT_TIJDZONE": "UTC",  # the service's calendar day = the test's dt.date.today()
}


def vandaag() -> dt.date:
    return dt.date.today()


def maanden_terug(n: int) -> dt.date:
    d = vandaag()
    y, m = divmod(d.month - 1 - n, 12)
    return d.replace(year=d.year + y, month=m + 1, day=min(d.day, 28))


def opgestart(organisatie: str, blokkade: BlokkadeStatus | None = None) -> AanmeldingOpgestart:
    return AanmeldingOpgestart(
        aanmelding_id=uuid.uuid4(),
        aanmelder_organisatie=organisatie,
        aanmelder_categorie=AanmelderCategorie.VOORZIENING,
        blokkade_status_bij_aanmelding=blokkade,
    )


async def start_service(log_dir, *args: str, env: dict[str, str] | None = None) -> support.ServiceProcess:
    proc = support.ServiceProcess("traject", "serve", *args, log_dir=log_dir, port=support.free_port(), env={**FAST, **(env or {})}).start()
    try:
        await proc.wait_healthy(timeout=90)
    except BaseException:
        proc.stop()
        raise
    return proc


async def credential(organisatie: str, *rollen: Toegangsrol) -> dict[str, str]:
    key = await create_credential({"traject": support.database_url("traject")}, organisatie, list(rollen))
    return {"Authorization": f"Bearer {key}"}


async def traject_van(aanmelding_id: uuid.UUID) -> uuid.UUID | None:
    return await support.db_fetchval("traject", "SELECT traject_id FROM traject WHERE aanmelding_id = $1", aanmelding_id)


async def nieuw_traject(organisatie: str = "VOT", blokkade: BlokkadeStatus | None = None) -> uuid.UUID:
    """Produce AanmeldingOpgestart to Kafka (the real path) and wait until the service made the traject."""
    ev = opgestart(organisatie, blokkade)
    await support.produce_raw(topics.AANMELDING_MICRO, [as_record(ev)])
    return await support.wait_for(lambda: traject_van(ev.aanmelding_id), timeout=60, what="traject created")  # type: ignore[return-value]


def deelnemer(functie: str, organisatie: str) -> dict[str, str]:
    return {"functie": functie, "organisatie": organisatie}


def startgesprek_body(datum: dt.date, *, rollen: list[dict] | None = None, **override) -> dict:
    body = {
        "datum": datum.isoformat(),
        "deelnemers": [deelnemer("consulent", "VOT"), deelnemer("begeleider", "INOA"), deelnemer("planmaker", "Co-ncept")],
        "afspraken": {
            "overzichtBewaarder": deelnemer("begeleider", "INOA"),
            "rondeTafelsOrganisator": deelnemer("planmaker", "Co-ncept"),
            "overige": ["maandelijkse ronde tafel"],
        },
        "rollen": rollen or [],
    }
    body.update(override)
    return body


async def post(c: httpx.AsyncClient, path: str, body: dict, headers: dict, *, expect: int = 200) -> dict:
    r = await c.post(path, json=body, headers=headers)
    assert r.status_code == expect, (r.status_code, r.text)
    return r.json()


async def lopend_traject(c: httpx.AsyncClient, team: dict, *, datum: dt.date, organisatie: str = "VOT", rollen: list[dict] | None = None) -> uuid.UUID:
    tid = await nieuw_traject(organisatie)
    await post(c, f"/trajecten/{tid}/startgesprek", startgesprek_body(datum, rollen=rollen), team)
    return tid


async def events_van(topic: str, key: uuid.UUID | str) -> list:
    return [r for r in await support.read_topic(topic) if r.key is not None and r.key.decode() == str(key)]


def event_type(record) -> str:
    return (support.header(record, "ce_type") or "").rsplit(".", 1)[-1]


async def wacht_op_events(topic: str, key: uuid.UUID, types: list[str], *, timeout: float = 60) -> list:
    """Wait until every event type in ``types`` was published for ``key`` (in any order); returns all its records."""

    async def klaar():
        recs = await events_van(topic, key)
        gezien = [event_type(r) for r in recs]
        return recs if all(gezien.count(t) >= types.count(t) for t in set(types)) else None

    return await support.wait_for(klaar, timeout=timeout, interval=0.5, what=f"{types} on {topic}")  # type: ignore[return-value]


def body_json(record) -> dict:
    return json.loads(record.value)
