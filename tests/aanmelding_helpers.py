"""Helpers for the aanmelding API tests, in both tiers: tests/integration/aanmelding (a real service process, real
Postgres and Kafka) and tests/middle/test_aanmelding_api_* (the app in process on the real Postgres, no broker),
which take :func:`client_in_process` and :func:`sleutels_in_process` as their ``client`` and ``sleutels``."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import support

from jeugdhulp_common import topics
from jeugdhulp_common.auth import Toegangsrol, create_credential
from jeugdhulp_common.events import decode, headers_dict

MIN_LEEFTIJD, MAX_LEEFTIJD = 10, 16
ORG_A = "Voorziening A (test)"
ORG_B = "CLB B (test)"
TEAM_ORG = "Co-ncept planmakers (test)"

# Every personal value or free text a test posts; the privacy test checks none of them reaches a topic.
GEPOST_PRIVE: list[str] = []


@dataclass(frozen=True)
class Sleutels:
    partner_a: str
    partner_b: str
    planmaker: str
    coordinator: str
    stuurgroep: str


async def sleutel(organisatie: str, *rollen: Toegangsrol) -> str:
    return await create_credential({"aanmelding": support.database_url("aanmelding")}, organisatie, list(rollen))


async def maak_sleutels() -> Sleutels:
    return Sleutels(
        partner_a=await sleutel(ORG_A, Toegangsrol.PARTNER),
        partner_b=await sleutel(ORG_B, Toegangsrol.PARTNER),
        planmaker=await sleutel(TEAM_ORG, Toegangsrol.PLANMAKER),
        coordinator=await sleutel(TEAM_ORG, Toegangsrol.COORDINATOR),
        stuurgroep=await sleutel("Stuurgroep (test)", Toegangsrol.STUURGROEP),
    )


@pytest.fixture(name="client")
async def client_in_process(in_process) -> AsyncIterator[httpx.AsyncClient]:  # noqa: ANN001
    """The middle tier's ``client``: the aanmelding app in process (tests/middle/conftest.py), without a key."""
    svc = await in_process("aanmelding")
    async with svc.als(None) as c:
        yield c


@pytest.fixture(name="sleutels", scope="session")
async def sleutels_in_process(migrated) -> Sleutels:  # noqa: ANN001
    """The middle tier's ``sleutels`` (the same organisations as in tests/integration/aanmelding)."""
    return await maak_sleutels()


def auth(key: str, idempotency_key: str | None = None) -> dict[str, str]:
    h = {"Authorization": f"Bearer {key}"}
    if idempotency_key is not None:
        h["Idempotency-Key"] = idempotency_key
    return h


def body(organisatie: str = ORG_A, **velden: Any) -> dict[str, Any]:
    """A complete, valid aanmelding with a fresh jongereRef and recognisable free text."""
    merk = uuid.uuid4().hex[:12]
    b: dict[str, Any] = {
        "aanmelder": {"organisatie": organisatie, "categorie": "VOORZIENING", "contactpersoon": f"Contactpersoon {merk}"},
        "onderwerp": "JONGERE",
        "jongereRef": f"jref-{merk}",
        "leeftijdBijAanmelding": 14,
        "regioJongere": "WESTHOEK",
        "redenen": ["REFLECTIE", "BLOKKADES_LEVENSDOMEINEN"],
        "redenenToelichting": f"vrije toelichting {merk}",
        "blokkadeStatusBijAanmelding": "DREIGEND_TE_BLOKKEREN",
        "gezinssamenstelling": {"ouders": "GESCHEIDEN", "brussen": [{"ref": f"brus-{merk}", "leeftijd": 9}]},
        "verblijfssituatie": "VOORZIENING_LEEFGROEP",
        "labels": ["GES"],
        "betrokkenPartners": ["CLB Brugge"],
        "jeugdhulpregisseur": f"jhr-{merk}",
    }
    b.update(velden)
    GEPOST_PRIVE.extend([b["jongereRef"], b["aanmelder"].get("contactpersoon") or "", b.get("redenenToelichting") or "", f"brus-{merk}", f"jhr-{merk}"])
    return b


async def post(client: httpx.AsyncClient, key: str, b: dict[str, Any], idempotency_key: str | None = None) -> httpx.Response:
    return await client.post("/aanmeldingen", json=b, headers=auth(key, idempotency_key or str(uuid.uuid4())))


async def nieuw(client: httpx.AsyncClient, key: str, **velden: Any) -> str:
    """Post a valid aanmelding (for ORG_A unless ``organisatie`` is given); returns its id."""
    org = velden.pop("organisatie", ORG_A)
    resp = await post(client, key, body(org, **velden))
    assert resp.status_code == 201, resp.text
    return resp.json()["aanmeldingId"]


async def actie(client: httpx.AsyncClient, key: str, aanmelding_id: str, pad: str, json: Any = None) -> httpx.Response:
    return await client.post(f"/aanmeldingen/{aanmelding_id}/{pad}", json=json, headers=auth(key))


def assert_problem(resp: httpx.Response, status: int, *velden: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json"), resp.headers
    p = resp.json()
    assert p["status"] == status and p["title"]
    if velden:
        assert sorted({e["field"] for e in p.get("errors", [])}) == sorted(velden), p
    return p


async def aantal_aanmeldingen(**waar: str) -> int:
    if "jongere_ref" in waar:
        return int(await support.db_fetchval("aanmelding", "SELECT count(*) FROM aanmelding WHERE jongere_ref = $1", waar["jongere_ref"]))
    return int(await support.db_fetchval("aanmelding", "SELECT count(*) FROM aanmelding"))


async def aantal_outbox() -> int:
    return int(await support.db_fetchval("aanmelding", "SELECT count(*) FROM outbox"))


@dataclass(frozen=True)
class Gelezen:
    record: Any
    event: Any

    def h(self, name: str) -> str | None:
        return support.header(self.record, name)


async def lees_events(topic: str, sleutel: str) -> list[Gelezen]:
    out = []
    for rec in await support.read_topic(topic):
        if rec.key is not None and rec.key.decode() == sleutel:
            out.append(Gelezen(rec, decode(rec.value, headers_dict(rec.headers))))
    return out


async def wacht_op_events(sleutel: str, *event_types: str, topic: str = topics.AANMELDING_MICRO, timeout: float = 60) -> list[Gelezen]:
    """Wait until the events of these types (in this order, possibly among others) are on the topic under this key."""

    async def klaar() -> list[Gelezen] | None:
        gelezen = await lees_events(topic, sleutel)
        types = [type(g.event).__name__ for g in gelezen]
        it = iter(types)
        if all(any(t == gezocht for t in it) for gezocht in event_types):
            return gelezen
        return None

    return await support.wait_for(klaar, timeout=timeout, interval=0.5, what=f"{event_types} on {topic} for {sleutel}")  # type: ignore[return-value]


async def in_toestand(client: httpx.AsyncClient, sl: Sleutels, toestand: str) -> str:
    """An aanmelding brought to ``toestand`` through the API (GESCREEND_AFGEWEZEN: screening failed on age)."""
    if toestand == "GESCREEND_AFGEWEZEN":
        return await nieuw(client, sl.partner_a, leeftijdBijAanmelding=MAX_LEEFTIJD + 1)
    aid = await nieuw(client, sl.partner_a)
    stappen = {
        "GESCREEND": [],
        "IN_BESPREKING": ["in-bespreking"],
        "WACHT_OP_INSTEMMING": ["in-bespreking", "opstart-beslissing"],
        "OPGESTART": ["in-bespreking", "opstart-beslissing", "instemming", "opstart"],
        "NIET_OPGESTART": ["in-bespreking", "niet-opstarten"],
    }[toestand]
    for stap in stappen:
        if stap == "instemming":
            resp = await actie(client, sl.planmaker, aid, "instemmingen", instemming_jongere())
            assert resp.status_code == 201, resp.text
            continue
        json = {"reden": "GEEN_CAPACITEIT", "alternatiefAdvies": {"vorm": "DOP"}} if stap == "niet-opstarten" else None
        resp = await actie(client, sl.planmaker, aid, stap, json)
        assert resp.status_code == 200, resp.text
    return aid


def instemming_jongere(door: str = "JONGERE", scope: tuple[str, ...] = ("TRAJECT_OPSTART",)) -> dict[str, Any]:
    return {"door": door, "op": "2024-01-15T10:00:00+01:00", "scope": list(scope)}
