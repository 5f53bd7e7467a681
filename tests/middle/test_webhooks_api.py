"""The subscription API in process on the real Postgres (no broker, no delivery worker): every route, its roles,
the refusals (401/403/404/409/422 naming the field, problem+json), paging, and what the worker will find."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import support

from jeugdhulp_common.auth import Toegangsrol
from jeugdhulp_common.contracts.aanmelding import AanmeldingGescreend, AanmeldingOntvangen
from webhooks.service_layer.unit_of_work import WebhooksUnitOfWork

# A public address literal: the SSRF guard passes without DNS. Nothing is sent here (no worker in this tier) and
# the rows are deleted after each test, so a later suite's worker never sees them.
URL = "https://93.184.216.34/middle-hook"
PROBLEM = "https://jeugdhulp.example/problems/"


@pytest.fixture
async def svc(in_process) -> AsyncIterator:
    s = await in_process("webhooks")
    yield s
    await support.db_fetch("webhooks", "DELETE FROM subscription WHERE url LIKE $1", URL + "%")


async def abonneer(c: httpx.AsyncClient, **extra) -> dict:
    r = await c.post("/subscriptions", json={"url": URL, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def veld(r: httpx.Response, status: int, type_: str) -> str:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"] == PROBLEM + type_
    return r.json()["errors"][0]["field"]


async def test_create_read_update_and_delete(svc) -> None:
    async with svc.als(Toegangsrol.PARTNER) as c:
        sub = await abonneer(c, eventTypes=[AanmeldingGescreend.event_type, AanmeldingGescreend.event_type], description="dossier")
        assert sub["secret"].startswith("whsec_") and sub["organisatie"] == "ORG-PARTNER" and sub["profiel"] == "PARTNER"
        assert sub["status"] == "ACTIVE" and sub["eventTypes"] == [AanmeldingGescreend.event_type] and sub["disabledReason"] is None
        got = (await c.get(f"/subscriptions/{sub['id']}")).json()
        assert got == {k: v for k, v in sub.items() if k != "secret"}
        r = await c.patch(f"/subscriptions/{sub['id']}", json={"description": "nieuw", "eventTypes": []})
        assert r.status_code == 200 and r.json()["description"] == "nieuw" and r.json()["eventTypes"] == [] and r.json()["url"] == URL
        assert r.json()["updatedAt"] > sub["updatedAt"]
        assert (await c.delete(f"/subscriptions/{sub['id']}")).status_code == 204
        assert (await c.get(f"/subscriptions/{sub['id']}")).status_code == 404
    rows = await support.db_fetch("webhooks", "SELECT actie FROM audit_log WHERE aggregate_id = $1 AND aggregate_type = 'Abonnement' ORDER BY id", sub["id"])
    assert [r["actie"] for r in rows] == ["AANMAKEN", "WIJZIGEN", "VERWIJDEREN"]


async def test_list_is_a_page_of_the_callers_organisation(svc) -> None:
    async with svc.als(Toegangsrol.PARTNER) as c, svc.als("ANDERE_PARTNER") as andere, svc.als(Toegangsrol.COORDINATOR) as coord:
        await support.db_fetch("webhooks", "DELETE FROM subscription WHERE organisatie = 'ORG-PARTNER'")
        ids = [(await abonneer(c, description=str(i)))["id"] for i in range(3)]
        vreemd = (await abonneer(andere))["id"]
        page = (await c.get("/subscriptions", params={"limit": 2, "offset": 1})).json()
        assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1) and [s["id"] for s in page["items"]] == ids[1:]
        alles = (await coord.get("/subscriptions", params={"limit": 200})).json()
        assert set(ids) | {vreemd} <= {s["id"] for s in alles["items"]} and alles["total"] >= 4
        assert (await c.get("/subscriptions", params={"limit": 201})).status_code == 422
        # Another organisation's subscription does not exist for a partner.
        for r in (await c.get(f"/subscriptions/{vreemd}"), await c.post(f"/subscriptions/{vreemd}/pause"), await c.delete(f"/subscriptions/{vreemd}")):
            assert r.status_code == 404 and r.json()["type"] == PROBLEM + "niet-gevonden"
        assert (await coord.get(f"/subscriptions/{vreemd}")).status_code == 200


async def test_roles_and_authentication(svc) -> None:
    async with svc.als(None) as anoniem, svc.als(Toegangsrol.PLANMAKER) as planmaker, svc.als(Toegangsrol.PARTNER) as c:
        assert (await anoniem.get("/subscriptions")).status_code == 401
        assert (await anoniem.post("/subscriptions", json={"url": URL})).status_code == 401
        assert (await planmaker.post("/subscriptions", json={"url": URL})).status_code == 403
        assert veld(await c.post("/subscriptions", json={"url": URL, "profiel": "ACT"}), 403, "verboden") == "profiel"
        assert veld(await c.post("/subscriptions", json={"url": URL, "organisatie": "Iemand anders"}), 403, "verboden") == "organisatie"
    async with svc.als(Toegangsrol.COORDINATOR) as coord:
        act = await abonneer(coord, profiel="ACT", organisatie="Regie", eventTypes=[AanmeldingOntvangen.event_type])
        assert (act["profiel"], act["organisatie"]) == ("ACT", "Regie")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"eventTypes": [AanmeldingOntvangen.event_type]}, "eventTypes"),  # P-class: never to a partner
        ({"eventTypes": ["be.jeugdhulp.traject.SamenwerkingsoverlegGehouden"]}, "eventTypes"),
        ({"url": "http://10.0.0.1/hook"}, "url"),
        ({"url": "https://169.254.169.254/latest"}, "url"),
        ({"url": "http://127.0.0.2:9/x"}, "url"),
        ({"url": "https://[::1]/x"}, "url"),
        ({"url": "ftp://93.184.216.34/x"}, "url"),
    ],
)
async def test_invalid_fields_are_422_naming_the_field(svc, body: dict, field: str) -> None:
    async with svc.als(Toegangsrol.PARTNER) as c:
        assert veld(await c.post("/subscriptions", json={"url": URL, **body}), 422, "ongeldige-invoer") == field
        sub = await abonneer(c)
        assert veld(await c.patch(f"/subscriptions/{sub['id']}", json=body), 422, "ongeldige-invoer") == field
        # Request shape errors name the field too (pydantic, before the domain).
        r = await c.post("/subscriptions", json={"url": URL, "eventTypes": ["x"] * 51})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "eventTypes"


async def test_pause_resume_and_a_disabled_subscription_is_resumed_not_paused(svc) -> None:
    async with svc.als(Toegangsrol.PARTNER) as c:
        sub = await abonneer(c)
        assert (await c.post(f"/subscriptions/{sub['id']}/pause")).json()["status"] == "PAUSED"
        assert (await c.post(f"/subscriptions/{sub['id']}/resume")).json()["status"] == "ACTIVE"
        # What the delivery worker does on a 410: the same aggregate, through the same unit of work.
        async with WebhooksUnitOfWork(svc.engine) as uow:
            (await uow.abonnementen.get(uuid.UUID(sub["id"]))).schakel_uit("410 Gone from the receiver", dt.datetime.now(dt.UTC))
        got = (await c.get(f"/subscriptions/{sub['id']}")).json()
        assert got["status"] == "DISABLED" and got["disabledReason"] == "410 Gone from the receiver"
        r = await c.post(f"/subscriptions/{sub['id']}/pause")
        assert r.status_code == 409 and r.json()["type"] == PROBLEM + "ongeldige-overgang", r.text
        r = await c.post(f"/subscriptions/{sub['id']}/resume")
        assert r.json()["status"] == "ACTIVE" and r.json()["disabledReason"] is None
        assert (await support.db_fetchval("webhooks", "SELECT status FROM subscription WHERE id = $1", uuid.UUID(sub["id"]))) == "ACTIVE"


async def test_rotate_ping_deliveries_and_replay(svc) -> None:
    async with svc.als(Toegangsrol.PARTNER) as c:
        sub = await abonneer(c)
        r = await c.post(f"/subscriptions/{sub['id']}/secret/rotate", json={"overlapSeconds": 3600})
        assert r.status_code == 200 and r.json()["secret"] != sub["secret"]
        geheimen = await support.db_fetchval("webhooks", "SELECT jsonb_array_length(document->'geheimen') FROM subscription WHERE id = $1", uuid.UUID(sub["id"]))
        assert geheimen == 2
        pings = [(await c.post(f"/subscriptions/{sub['id']}/test")) for _ in range(3)]
        assert {p.status_code for p in pings} == {202}
        page = (await c.get(f"/subscriptions/{sub['id']}/deliveries", params={"limit": 2})).json()
        assert page["total"] == 3 and [d["webhookId"] for d in page["items"]] == [pings[2].json()["webhookId"], pings[1].json()["webhookId"]]
        assert page["items"][0]["status"] == "PENDING" and page["items"][0]["eventType"] == "be.jeugdhulp.webhooks.Ping"
        assert (await c.get(f"/subscriptions/{sub['id']}/deliveries", params={"status": "DELIVERED"})).json()["total"] == 0
        nu = dt.datetime.now(dt.UTC)
        r = await c.post(f"/subscriptions/{sub['id']}/replay", json={"from": (nu - dt.timedelta(hours=1)).isoformat(), "until": nu.isoformat()})
        assert r.json() == {"requeued": 0}  # all still pending
        assert veld(await c.post(f"/subscriptions/{sub['id']}/replay", json={"from": nu.isoformat(), "until": nu.isoformat()}), 422, "ongeldige-invoer") == "until"
        assert (await c.post(f"/subscriptions/{uuid.uuid4()}/test")).status_code == 404


async def test_every_route_declares_its_response(svc) -> None:
    async with svc.als(None) as c:
        spec = (await c.get("/openapi.json")).json()
    for pad, methoden in spec["paths"].items():
        if not pad.startswith("/subscriptions"):
            continue
        for methode, op in methoden.items():
            ok = next(code for code in op["responses"] if code.startswith("2"))
            if ok != "204":
                schema = op["responses"][ok]["content"]["application/json"]["schema"]
                assert schema.get("$ref") or schema.get("items"), (methode, pad, schema)
            assert {"401", "403", "422"} <= set(op["responses"]), (methode, pad)
    pagina = spec["components"]["schemas"]["Page_AbonnementUit_"]
    assert set(pagina["properties"]) == {"items", "total", "limit", "offset"}
