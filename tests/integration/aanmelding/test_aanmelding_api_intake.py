"""The intake switch: closing publishes IntakeStatusGewijzigd (meso, class A) and refuses new aanmeldingen
with a clear problem+json, storing nothing; reopening accepts them again.
The tests of this file that need no broker run in the middle tier: tests/middle/test_aanmelding_intake_api.py.
"""

from __future__ import annotations

import uuid

from aanmelding_helpers import aantal_aanmeldingen, aantal_outbox, assert_problem, auth, body, post
from jeugdhulp_common import topics
from jeugdhulp_common.contracts.aanmelding import INTAKE_KEY
import support


async def _intake_events() -> list:
    from jeugdhulp_common.events import decode, headers_dict

    return [(r, decode(r.value, headers_dict(r.headers))) for r in await support.read_topic(topics.AANMELDING_MESO)]


async def test_closed_intake_refuses_posts_and_publishes_intake_status(client, sleutels) -> None:
    reden = f"pauze in het opstarten {uuid.uuid4().hex[:6]}"
    voor = len(await _intake_events())
    try:
        resp = await client.put("/intake", json={"open": False, "reden": reden}, headers=auth(sleutels.coordinator))
        assert resp.status_code == 200, resp.text
        assert resp.json()["open"] is False and resp.json()["reden"] == reden
        # closing again changes nothing and publishes nothing
        assert (await client.put("/intake", json={"open": False, "reden": "nog eens"}, headers=auth(sleutels.planmaker))).json()["reden"] == reden
        # partners can read the switch
        assert (await client.get("/intake", headers=auth(sleutels.partner_a))).json()["open"] is False

        b = body()
        outbox_voor = await aantal_outbox()
        p = assert_problem(await post(client, sleutels.partner_a, b), 409)
        assert p["title"] == "Intake closed" and p["intakeOpen"] is False and "intake-gesloten" in p["type"]
        assert await aantal_aanmeldingen(jongere_ref=b["jongereRef"]) == 0
        assert await aantal_outbox() == outbox_voor
        # the refusal is not remembered under the Idempotency-Key: the same key works once intake reopens
        key = str(uuid.uuid4())
        assert_problem(await post(client, sleutels.partner_a, b, key), 409)
    finally:
        resp = await client.put("/intake", json={"open": True}, headers=auth(sleutels.planmaker))
        assert resp.status_code == 200 and resp.json()["open"] is True

    assert (await post(client, sleutels.partner_a, b, key)).status_code == 201

    async def twee_nieuwe() -> list | None:
        ev = await _intake_events()
        return ev[voor:] if len(ev) - voor >= 2 else None

    nieuw = await support.wait_for(twee_nieuwe, timeout=60, interval=0.5, what="IntakeStatusGewijzigd x2")
    assert [(e.open, e.reden_code) for _, e in nieuw] == [(False, "ANDERE"), (True, None)]  # a code, not the team's words
    for rec, e in nieuw:
        assert type(e).__name__ == "IntakeStatusGewijzigd"
        assert rec.key.decode() == INTAKE_KEY
        assert support.header(rec, "ce_privacyclass") == "A"
        assert support.header(rec, "ce_type") and support.header(rec, "ce_id") == str(e.event_id)
        assert support.header(rec, "ce_source") == "/jeugdhulp/aanmelding" and support.header(rec, "ce_specversion") == "1.0"
