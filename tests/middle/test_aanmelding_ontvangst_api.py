"""POST /aanmeldingen: receipt and screening, events with key and CloudEvents headers, idempotency, 422s.
In the middle tier (the app in process on the real Postgres, no broker).
What needs the topics stays in tests/integration/aanmelding/test_aanmelding_api_ontvangst.py.
"""

from __future__ import annotations

import asyncio
import uuid

from aanmelding_helpers import client_in_process, sleutels_in_process  # noqa: F401 - this tier's client and sleutels
from aanmelding_helpers import (
    ORG_A,
    aantal_aanmeldingen,
    aantal_outbox,
    assert_problem,
    auth,
    body,
    post,
)


async def test_same_key_same_body_replays_the_response_without_a_second_aanmelding(client, sleutels) -> None:
    b = body()
    key = str(uuid.uuid4())
    first = await post(client, sleutels.partner_a, b, key)
    second = await post(client, sleutels.partner_a, b, key)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers.get("idempotent-replayed") == "true"
    assert await aantal_aanmeldingen(jongere_ref=b["jongereRef"]) == 1


async def test_same_key_other_body_is_409_and_stores_nothing(client, sleutels) -> None:
    b = body()
    key = str(uuid.uuid4())
    assert (await post(client, sleutels.partner_a, b, key)).status_code == 201
    ander = dict(b, leeftijdBijAanmelding=15)
    ander_ref = dict(b, jongereRef=f"{b['jongereRef']}-x")
    for andere_body in (ander, ander_ref):
        p = assert_problem(await post(client, sleutels.partner_a, andere_body, key), 409, "Idempotency-Key")
        assert "Idempotency-Key" in p["title"]
    assert await aantal_aanmeldingen(jongere_ref=b["jongereRef"]) == 1
    assert await aantal_aanmeldingen(jongere_ref=ander_ref["jongereRef"]) == 0


async def test_concurrent_posts_with_one_key_make_one_aanmelding(client, sleutels) -> None:
    b = body()
    key = str(uuid.uuid4())
    resps = await asyncio.gather(*(post(client, sleutels.partner_a, b, key) for _ in range(6)))
    assert {r.status_code for r in resps} == {201}, [r.text for r in resps]
    assert len({r.json()["aanmeldingId"] for r in resps}) == 1
    assert await aantal_aanmeldingen(jongere_ref=b["jongereRef"]) == 1


async def test_idempotency_keys_are_per_organisation(client, sleutels) -> None:
    key = str(uuid.uuid4())
    a = await post(client, sleutels.partner_a, body(), key)
    from aanmelding_helpers import ORG_B

    b = await post(client, sleutels.partner_b, body(ORG_B), key)
    assert a.status_code == b.status_code == 201
    assert a.json()["aanmeldingId"] != b.json()["aanmeldingId"]


async def test_missing_idempotency_key_is_422_naming_the_header(client, sleutels) -> None:
    resp = await client.post("/aanmeldingen", json=body(), headers=auth(sleutels.partner_a))
    assert_problem(resp, 422, "Idempotency-Key")


async def test_invalid_input_is_422_naming_each_field_and_stores_and_publishes_nothing(client, sleutels) -> None:
    b = body()
    b["aanmelder"] = {"organisatie": ORG_A, "categorie": "GEEN_CATEGORIE"}
    b.update(
        onderwerp="HUISDIER",
        jongereRef="   ",
        leeftijdBijAanmelding=26,
        regioJongere="GENT",
        redenen=[],
        blokkadeStatusBijAanmelding="ZEER",
        verblijfssituatie="STRAND",
        labels=["XL"],
        onbekendVeld=1,
    )
    b["gezinssamenstelling"] = {"ouders": "ONBEKEND", "brussen": [{"leeftijd": -1}]}
    voor_outbox = await aantal_outbox()
    resp = await post(client, sleutels.partner_a, b)
    p = assert_problem(
        resp,
        422,
        "aanmelder.categorie",
        "onderwerp",
        "jongereRef",
        "leeftijdBijAanmelding",
        "regioJongere",
        "redenen",
        "blokkadeStatusBijAanmelding",
        "verblijfssituatie",
        "labels.0",
        "gezinssamenstelling.ouders",
        "gezinssamenstelling.brussen.0.leeftijd",
        "onbekendVeld",
    )
    assert "   " not in str(p["errors"])  # values are not echoed back
    assert await aantal_aanmeldingen(jongere_ref="   ") == 0
    assert await aantal_outbox() == voor_outbox

    # Missing required fields are each named too.
    resp = await post(client, sleutels.partner_a, {"aanmelder": {"organisatie": ORG_A}})
    assert_problem(
        resp, 422, "aanmelder.categorie", "onderwerp", "jongereRef", "leeftijdBijAanmelding", "regioJongere", "redenen"
    )
    # A string where a number is expected, and a non-JSON body.
    assert_problem(await post(client, sleutels.partner_a, body(leeftijdBijAanmelding="14")), 422, "leeftijdBijAanmelding")
    resp = await client.post(
        "/aanmeldingen", content=b"{niet json", headers={**auth(sleutels.partner_a, str(uuid.uuid4())), "content-type": "application/json"}
    )
    assert_problem(resp, 422)
    assert await aantal_outbox() == voor_outbox


async def test_a_second_open_aanmelding_for_the_same_jongere_is_flagged_for_the_team_not_merged(client, sleutels) -> None:
    from aanmelding_helpers import ORG_B

    eerste = body()
    r1 = await post(client, sleutels.partner_a, eerste)
    r2 = await post(client, sleutels.partner_b, body(ORG_B, jongereRef=eerste["jongereRef"]))
    assert r1.status_code == r2.status_code == 201
    id1, id2 = r1.json()["aanmeldingId"], r2.json()["aanmeldingId"]
    assert id1 != id2
    assert await aantal_aanmeldingen(jongere_ref=eerste["jongereRef"]) == 2
    team = (await client.get(f"/aanmeldingen/{id2}", headers=auth(sleutels.planmaker))).json()
    assert team["mogelijkDubbel"] is True and team["mogelijkDubbelVan"] == [id1]
    assert (await client.get(f"/aanmeldingen/{id1}", headers=auth(sleutels.planmaker))).json()["mogelijkDubbel"] is False
    # The partner does not learn that another organisation referred the same jongere.
    partner = (await client.get(f"/aanmeldingen/{id2}", headers=auth(sleutels.partner_b))).json()
    assert partner["mogelijkDubbel"] is None and partner["mogelijkDubbelVan"] is None
