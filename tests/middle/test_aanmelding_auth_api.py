"""The auth matrix: no key / bad key → 401; wrong role → 403; another organisation's aanmelding → 404;
a partner cannot post in another organisation's name.
In the middle tier (the app in process on the real Postgres, no broker).
What needs the topics stays in tests/integration/aanmelding/test_aanmelding_api_auth.py.
"""

from __future__ import annotations

import uuid

import pytest

from aanmelding_helpers import client_in_process, sleutels_in_process  # noqa: F401 - this tier's client and sleutels
from aanmelding_helpers import ORG_A, ORG_B, aantal_aanmeldingen, actie, assert_problem, auth, body, nieuw, post


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic dXNlcjpwdw=="},
        {"Authorization": "Bearer niet-een-sleutel"},
        {"Authorization": f"Bearer jh_{uuid.uuid4().hex}_verzonnen"},
    ],
    ids=["none", "empty-bearer", "basic", "malformed", "unknown"],
)
async def test_no_or_bad_key_is_401_everywhere(client, sleutels, headers) -> None:
    aid = await nieuw(client, sleutels.partner_a)
    calls = [
        client.post("/aanmeldingen", json=body(), headers={**headers, "Idempotency-Key": str(uuid.uuid4())}),
        client.get("/aanmeldingen", headers=headers),
        client.get(f"/aanmeldingen/{aid}", headers=headers),
        client.post(f"/aanmeldingen/{aid}/in-bespreking", headers=headers),
        client.put("/intake", json={"open": True}, headers=headers),
        client.get("/intake", headers=headers),
        client.get("/audit", headers=headers),
    ]
    for call in calls:
        resp = await call
        assert_problem(resp, 401)
        assert resp.headers["www-authenticate"] == "Bearer"


async def test_a_wrong_secret_for_a_real_credential_is_401(client, sleutels) -> None:
    kop, cred, _ = sleutels.partner_a.split("_", 2)
    assert_problem(await client.get("/aanmeldingen", headers=auth(f"{kop}_{cred}_ditisniethetgeheim")), 401)


async def test_wrong_role_is_403(client, sleutels) -> None:
    aid = await nieuw(client, sleutels.partner_a)
    # the stuurgroep has no business with individual aanmeldingen
    assert_problem(await post(client, sleutels.stuurgroep, body()), 403)
    assert_problem(await client.get("/aanmeldingen", headers=auth(sleutels.stuurgroep)), 403)
    assert_problem(await client.get(f"/aanmeldingen/{aid}", headers=auth(sleutels.stuurgroep)), 403)
    # a partner may not take team decisions nor switch intake
    for pad, json in [
        ("in-bespreking", None),
        ("opstart-beslissing", None),
        ("niet-opstarten", {"reden": "GEEN_CAPACITEIT", "alternatiefAdvies": {"vorm": "DOP"}}),
        ("instemmingen", {"door": "JONGERE", "op": "2024-01-01T00:00:00+00:00", "scope": ["TRAJECT_OPSTART"]}),
        (f"instemmingen/{uuid.uuid4()}/intrekking", {"op": "2024-01-01T00:00:00+00:00"}),
        ("opstart", None),
    ]:
        assert_problem(await actie(client, sleutels.partner_a, aid, pad, json), 403)
    assert_problem(await client.put("/intake", json={"open": False, "reden": "x"}, headers=auth(sleutels.partner_a)), 403)
    assert_problem(await client.put("/intake", json={"open": False, "reden": "x"}, headers=auth(sleutels.stuurgroep)), 403)
    # nothing changed
    team = (await client.get(f"/aanmeldingen/{aid}", headers=auth(sleutels.planmaker))).json()
    assert team["status"] == "GESCREEND"
    assert (await client.get("/intake", headers=auth(sleutels.partner_a))).json()["open"] is True


async def test_partner_a_cannot_see_partner_b_aanmelding(client, sleutels) -> None:
    van_b = await nieuw(client, sleutels.partner_b, organisatie=ORG_B)
    van_a = await nieuw(client, sleutels.partner_a)
    assert_problem(await client.get(f"/aanmeldingen/{van_b}", headers=auth(sleutels.partner_a)), 404)
    assert_problem(await client.get(f"/aanmeldingen/{uuid.uuid4()}", headers=auth(sleutels.partner_a)), 404)
    assert (await client.get(f"/aanmeldingen/{van_b}", headers=auth(sleutels.partner_b))).status_code == 200
    lijst_a = (await client.get("/aanmeldingen", params={"limit": 200}, headers=auth(sleutels.partner_a))).json()
    assert lijst_a["items"] and all(i["aanmelder"]["organisatie"] == ORG_A for i in lijst_a["items"])
    assert van_b not in {i["aanmeldingId"] for i in lijst_a["items"]}
    # the team sees both
    for key in (sleutels.planmaker, sleutels.coordinator):
        for aid in (van_a, van_b):
            assert (await client.get(f"/aanmeldingen/{aid}", headers=auth(key))).status_code == 200


async def test_partner_cannot_post_for_another_organisation(client, sleutels) -> None:
    b = body(ORG_B)
    p = assert_problem(await post(client, sleutels.partner_a, b), 403, "aanmelder.organisatie")
    assert "own organisation" in p["detail"]
    assert await aantal_aanmeldingen(jongere_ref=b["jongereRef"]) == 0


async def test_the_team_may_post_on_behalf_of_a_partner(client, sleutels) -> None:
    resp = await post(client, sleutels.planmaker, body(ORG_B))
    assert resp.status_code == 201, resp.text
    aid = resp.json()["aanmeldingId"]
    assert (await client.get(f"/aanmeldingen/{aid}", headers=auth(sleutels.partner_b))).status_code == 200


async def test_list_is_paginated_and_filtered(client, sleutels) -> None:
    ids = [await nieuw(client, sleutels.partner_b, organisatie=ORG_B, regioJongere="RITS") for _ in range(3)]
    buiten = await nieuw(client, sleutels.partner_b, organisatie=ORG_B, regioJongere="BUITEN_REGIO")
    h = auth(sleutels.partner_b)
    p1 = (await client.get("/aanmeldingen", params={"regio": "RITS", "limit": 2}, headers=h)).json()
    p2 = (await client.get("/aanmeldingen", params={"regio": "RITS", "limit": 2, "offset": 2}, headers=h)).json()
    assert p1["total"] == p2["total"] >= 3 and len(p1["items"]) == 2 and p1["limit"] == 2 and p2["offset"] == 2
    gezien = [i["aanmeldingId"] for i in p1["items"] + p2["items"]]
    assert len(gezien) == len(set(gezien)) and set(ids) <= set(gezien) and buiten not in gezien
    assert all(i["regioJongere"] == "RITS" for i in p1["items"] + p2["items"])
    # status filter, several regios, received window
    beide = (await client.get("/aanmeldingen", params=[("regio", "RITS"), ("regio", "BUITEN_REGIO"), ("limit", 200)], headers=h)).json()
    assert {buiten, *ids} <= {i["aanmeldingId"] for i in beide["items"]}
    assert (await client.get("/aanmeldingen", params={"status": "OPGESTART"}, headers=h)).json()["total"] == 0
    assert (await client.get("/aanmeldingen", params={"ontvangenVan": "2999-01-01T00:00:00Z"}, headers=h)).json()["total"] == 0
    assert (await client.get("/aanmeldingen", params={"ontvangenTot": "2000-01-01T00:00:00Z"}, headers=h)).json()["total"] == 0
    # invalid filters are 422 naming the parameter
    assert_problem(await client.get("/aanmeldingen", params={"status": "KLAAR", "limit": 0}, headers=h), 422, "status.0", "limit")
    assert_problem(await client.get("/aanmeldingen", params={"ontvangenVan": "2024-01-01T00:00:00"}, headers=h), 422, "ontvangenVan")
