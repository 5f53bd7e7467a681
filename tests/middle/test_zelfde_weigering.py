"""The same refusal answers the same status and problem shape on every service (issue 15, "must show").

One walk per service, each in process on the real Postgres (tests/middle): for every kind of refusal one real
request of that service, and each answer is compared with the one table of every service
(``jeugdhulp_common.problems.SOORTEN``) for domain refusals, and with the shared auth answers for 401/403:

* ``niet-gevonden``: an unknown id -> 404;
* ``ongeldige-overgang``: an action its aggregate's state does not allow -> 409;
* ``ongeldige-invoer``: a field the domain refuses (valid in shape) -> 422 naming the field in ``errors[].field``;
* ``zonder-sleutel``: no API key -> 401; ``verkeerde-rol``: a role the route does not admit -> 403.

Every answer is ``application/problem+json`` with the same ``status``, ``type``, ``title`` and the same keys.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest
import support

from jeugdhulp_common.auth import Toegangsrol as R
from jeugdhulp_common.contracts.aanmelding import AanmeldingOntvangen, AanmeldingOpgestart
from jeugdhulp_common.contracts.vocabulary import AanmelderCategorie
from jeugdhulp_common.domain import NietGevonden, OngeldigeInvoer, OngeldigeOvergang
from jeugdhulp_common.problems import PROBLEM_TYPE, SOORTEN

DIENSTEN = ("aanmelding", "traject", "signalering", "webhooks")
SOORTEN_WEIGERING = ("niet-gevonden", "ongeldige-overgang", "ongeldige-invoer", "zonder-sleutel", "verkeerde-rol")


def _domein(fout: type, *extra_keys: str) -> dict:
    s = SOORTEN[fout]
    return {"status": s.status, "type": PROBLEM_TYPE + s.slug, "title": s.title, "keys": {"type", "title", "status", "detail", *extra_keys}}


# What each kind must answer, everywhere.
VERWACHT = {
    "niet-gevonden": _domein(NietGevonden),
    "ongeldige-overgang": _domein(OngeldigeOvergang),
    "ongeldige-invoer": _domein(OngeldigeInvoer, "errors"),
    "zonder-sleutel": {"status": 401, "type": "about:blank", "title": "Unauthorized", "keys": {"type", "title", "status", "detail"}},
    "verkeerde-rol": {"status": 403, "type": "about:blank", "title": "Forbidden", "keys": {"type", "title", "status", "detail"}},
}

# (service, kind) whose route on main (before the services' ports of issue 15) answers otherwise, and why. The
# ports make them follow the table: strict, so the integrator sees an XPASS fail and deletes the line then.
NOG_ANDERS = {
}

Antwoorden = dict[str, tuple[httpx.Response, str | None]]  # kind -> (answer, the field it must name)


async def _aanmelding(svc) -> Antwoorden:
    body = {
        "aanmelder": {"organisatie": "ORG-PARTNER", "categorie": "VOORZIENING"},
        "onderwerp": "JONGERE", "jongereRef": f"jref-{uuid.uuid4().hex[:12]}", "leeftijdBijAanmelding": 14,
        "regioJongere": "WESTHOEK", "redenen": ["REFLECTIE"],
    }
    async with svc.als(R.PARTNER) as partner, svc.als(R.COORDINATOR) as team, svc.als(None) as anoniem:
        r = await partner.post("/aanmeldingen", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
        assert r.status_code == 201, r.text
        aid = r.json()["aanmeldingId"]
        antwoorden: Antwoorden = {
            "niet-gevonden": (await team.get(f"/aanmeldingen/{uuid.uuid4()}"), None),
            "ongeldige-overgang": (await team.post(f"/aanmeldingen/{aid}/opstart"), None),  # GESCREEND, not WACHT_OP_INSTEMMING
            "zonder-sleutel": (await anoniem.get(f"/aanmeldingen/{aid}"), None),
            "verkeerde-rol": (await partner.post(f"/aanmeldingen/{aid}/in-bespreking"), None),  # a team decision
        }
        for stap in ("in-bespreking", "opstart-beslissing"):  # -> WACHT_OP_INSTEMMING, where consents are recorded
            assert (await team.post(f"/aanmeldingen/{aid}/{stap}")).status_code == 200
        morgen = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
        instemming = {"door": "JONGERE", "op": morgen, "scope": ["TRAJECT_OPSTART"]}  # a consent given tomorrow
        antwoorden["ongeldige-invoer"] = (await team.post(f"/aanmeldingen/{aid}/instemmingen", json=instemming), "op")
        return antwoorden


async def _traject(svc) -> Antwoorden:
    aanmelding_id = uuid.uuid4()
    await svc.verwerk(AanmeldingOpgestart(aanmelding_id=aanmelding_id, aanmelder_organisatie="ORG-PARTNER", aanmelder_categorie=AanmelderCategorie.VOORZIENING))
    [rij] = await support.db_fetch("traject", "SELECT * FROM traject WHERE aanmelding_id = $1", aanmelding_id)
    tid = rij.get("id") or rij["traject_id"]
    afronding = {"besluitOverlegId": str(uuid.uuid4()), "redenen": ["BLOKKADES_DOORBROKEN"]}
    async with svc.als(R.COORDINATOR) as team, svc.als(R.PARTNER) as partner, svc.als(None) as anoniem:
        return {
            "niet-gevonden": (await team.get(f"/trajecten/{uuid.uuid4()}"), None),
            "ongeldige-overgang": (await team.post(f"/trajecten/{tid}/afronding", json=afronding), None),  # IN_OPSTART
            "ongeldige-invoer": (await team.put(f"/trajecten/{tid}/blokkade", json={}), "blokkadeStatus"),  # neither field given
            "zonder-sleutel": (await anoniem.get(f"/trajecten/{tid}"), None),
            "verkeerde-rol": (await partner.post(f"/trajecten/{tid}/afronding", json=afronding), None),
        }


async def _signalering(svc) -> Antwoorden:
    async with svc.als(R.COORDINATOR) as coord, svc.als(R.PARTNER) as partner, svc.als(None) as anoniem:
        r = await coord.post("/themas", json={"naam": f"Zelfde weigering reeks {uuid.uuid4().int % 900000 + 100000}"})
        assert r.status_code == 201, r.text
        thema_id = r.json()["themaId"]
        dubbel = [{"organisatie": "Voorziening A", "sector": "BJB"}, {"organisatie": "voorziening a", "sector": "GGZ"}]
        forum = {"datum": dt.date.today().isoformat(), "vorm": "FYSIEK", "deelnemers": dubbel}
        return {
            "niet-gevonden": (await coord.get(f"/themas/{uuid.uuid4()}"), None),
            "ongeldige-overgang": (await coord.post(f"/themas/{thema_id}/naar-stuurgroep"), None),  # GESIGNALEERD, not OP_FORUM
            "ongeldige-invoer": (await coord.post("/fora", json=forum), "deelnemers"),  # an organisation twice
            "zonder-sleutel": (await anoniem.get(f"/themas/{thema_id}"), None),
            "verkeerde-rol": (await partner.post("/themas", json={"naam": "Zelfde weigering partner"}), None),
        }


async def _webhooks(svc) -> Antwoorden:
    from webhooks.service_layer.unit_of_work import WebhooksUnitOfWork

    url = "https://93.184.216.34/zelfde-weigering"  # public literal, no DNS; never sent (no worker here), deleted below
    async with svc.als(R.PARTNER) as partner, svc.als(R.PLANMAKER) as planmaker, svc.als(None) as anoniem:
        r = await partner.post("/subscriptions", json={"url": url})
        assert r.status_code == 201, r.text
        sid = r.json()["id"]
        try:
            async with WebhooksUnitOfWork(svc.engine) as uow:  # what the worker does on a 410
                (await uow.abonnementen.get(uuid.UUID(sid))).schakel_uit("410 Gone from the receiver", dt.datetime.now(dt.UTC))
            return {
                "niet-gevonden": (await partner.get(f"/subscriptions/{uuid.uuid4()}"), None),
                "ongeldige-overgang": (await partner.post(f"/subscriptions/{sid}/pause"), None),  # DISABLED: resume, not pause
                "ongeldige-invoer": (await partner.post("/subscriptions", json={"url": url, "eventTypes": [AanmeldingOntvangen.event_type]}), "eventTypes"),
                "zonder-sleutel": (await anoniem.get(f"/subscriptions/{sid}"), None),
                "verkeerde-rol": (await planmaker.get(f"/subscriptions/{sid}"), None),
            }
        finally:
            await support.db_fetch("webhooks", "DELETE FROM subscription WHERE url = $1", url)


WANDELINGEN: dict[str, Callable[..., Awaitable[Antwoorden]]] = {
    "aanmelding": _aanmelding, "traject": _traject, "signalering": _signalering, "webhooks": _webhooks,
}


@pytest.fixture(scope="module")
async def antwoorden(in_process) -> dict[str, Antwoorden]:
    """Every service walked once (the walks create what they refuse to change)."""
    return {naam: await WANDELINGEN[naam](await in_process(naam)) for naam in DIENSTEN}


def _markeer(dienst: str, soort: str) -> object:
    reden = NOG_ANDERS.get((dienst, soort))
    return pytest.param(dienst, soort, id=f"{soort}-{dienst}", marks=[pytest.mark.xfail(strict=True, reason=reden)] if reden else [])


@pytest.mark.parametrize(("dienst", "soort"), [_markeer(d, s) for s in SOORTEN_WEIGERING for d in DIENSTEN])
def test_the_same_refusal_answers_the_same_problem_on_every_service(antwoorden: dict[str, Antwoorden], dienst: str, soort: str) -> None:
    r, veld = antwoorden[dienst][soort]
    body = r.json()
    verwacht = VERWACHT[soort]
    assert r.headers["content-type"].startswith("application/problem+json"), r.text
    gekregen = {"status": r.status_code, "type": body.get("type"), "title": body.get("title"), "keys": set(body)}
    assert gekregen == verwacht, r.text
    assert body["status"] == r.status_code
    if veld is not None:
        assert [e["field"] for e in body["errors"]] == [veld], r.text
