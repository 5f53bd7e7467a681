"""Nothing personal leaves the service: no jongereRef, contactpersoon or free text on the aanmelding topics."""

from __future__ import annotations

import uuid

from aanmelding_helpers import GEPOST_PRIVE, actie, body, in_toestand, post, wacht_op_events
from jeugdhulp_common import topics
import support


async def test_no_posted_personal_value_or_free_text_is_on_an_aanmelding_topic(client, sleutels) -> None:
    b = body()
    resp = await post(client, sleutels.partner_a, b)
    assert resp.status_code == 201
    aid = resp.json()["aanmeldingId"]
    advies = f"advies-vrije-tekst-{uuid.uuid4().hex}"
    for pad in ("in-bespreking",):
        assert (await actie(client, sleutels.planmaker, aid, pad)).status_code == 200
    json = {"reden": "ANDER_AANBOD_PASSEND", "alternatiefAdvies": {"vorm": "DOP", "tekst": advies}}
    assert (await actie(client, sleutels.planmaker, aid, "niet-opstarten", json)).status_code == 200
    await in_toestand(client, sleutels, "OPGESTART")
    await wacht_op_events(aid, "AanmeldingOntvangen", "AanmeldingGescreend", "AanmeldingNietOpgestart")

    geheim = [s.encode() for s in [*GEPOST_PRIVE, advies] if s]
    records = [*(await support.read_topic(topics.AANMELDING_MICRO)), *(await support.read_topic(topics.AANMELDING_MESO))]
    assert records
    for rec in records:
        blob = b" ".join([rec.key or b"", rec.value or b"", *(v or b"" for _, v in rec.headers or ())])
        for s in geheim:
            assert s not in blob, "a posted personal value or free text is on an aanmelding topic"
