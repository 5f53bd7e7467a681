"""Team decisions (§5.1) through the API: every illegal transition 409, non-start needs alternatief advies,
opstart needs the jongere's instemming, withdrawal of consent, and the events each step publishes.
The tests of this file that need no broker run in the middle tier: tests/middle/test_aanmelding_beslissingen_api.py.
"""

from __future__ import annotations

import uuid

from aanmelding_helpers import (
    MAX_LEEFTIJD,
    actie,
    assert_problem,
    auth,
    in_toestand,
    instemming_jongere,
    nieuw,
    wacht_op_events,
)


async def test_exclusion_after_failed_screening_with_text_advice_publishes_code_only(client, sleutels) -> None:
    aid = await nieuw(client, sleutels.partner_a, leeftijdBijAanmelding=MAX_LEEFTIJD + 1)
    tekst = f"advies-tekst-{uuid.uuid4().hex}"
    json = {"reden": "EXCLUSIE_LEEFTIJD", "alternatiefAdvies": {"vorm": "JAC_TRAJECTEN", "tekst": tekst}}
    resp = await actie(client, sleutels.coordinator, aid, "niet-opstarten", json)
    assert resp.status_code == 200, resp.text
    view = resp.json()
    assert view["status"] == "NIET_OPGESTART" and view["redenNietOpstart"] == "EXCLUSIE_LEEFTIJD"
    assert view["alternatiefAdvies"] == {"vorm": "JAC_TRAJECTEN", "tekst": tekst}
    # the referring partner sees the outcome with the advice
    partner = (await client.get(f"/aanmeldingen/{aid}", headers=auth(sleutels.partner_a))).json()
    assert partner["alternatiefAdvies"]["vorm"] == "JAC_TRAJECTEN"
    gelezen = await wacht_op_events(aid, "AanmeldingOntvangen", "AanmeldingGescreend", "AanmeldingNietOpgestart")
    g = next(g for g in gelezen if type(g.event).__name__ == "AanmeldingNietOpgestart")
    assert g.event.reden == "EXCLUSIE_LEEFTIJD" and g.event.alternatief_advies == "JAC_TRAJECTEN"
    assert g.h("ce_privacyclass") == "Ps" and g.record.key.decode() == aid
    assert tekst.encode() not in g.record.value


async def test_withdrawn_consent_blocks_opstart_and_is_published(client, sleutels) -> None:
    aid = await in_toestand(client, sleutels, "WACHT_OP_INSTEMMING")
    resp = await actie(client, sleutels.planmaker, aid, "instemmingen", instemming_jongere())
    assert resp.status_code == 201, resp.text
    iid = resp.json()["instemmingId"]
    resp = await actie(client, sleutels.planmaker, aid, f"instemmingen/{iid}/intrekking", {"op": "2024-01-20T09:00:00+01:00"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["ingetrokkenOp"] is not None
    assert_problem(await actie(client, sleutels.planmaker, aid, "opstart"), 409, "instemmingen")
    # withdrawing twice, or before the consent, or an unknown consent
    assert_problem(await actie(client, sleutels.planmaker, aid, f"instemmingen/{iid}/intrekking", {"op": "2024-01-21T09:00:00+01:00"}), 409)
    assert_problem(await actie(client, sleutels.planmaker, aid, f"instemmingen/{uuid.uuid4()}/intrekking", {"op": "2024-01-21T09:00:00+01:00"}), 404)
    # consent in the future, or a naive time, is refused
    toekomst = dict(instemming_jongere(), op="2999-01-01T00:00:00+00:00")
    assert_problem(await actie(client, sleutels.planmaker, aid, "instemmingen", toekomst), 422, "op")  # a field that breaks a rule whatever the state: 422
    naief = dict(instemming_jongere(), op="2024-01-01T00:00:00")
    assert_problem(await actie(client, sleutels.planmaker, aid, "instemmingen", naief), 422, "op")
    gelezen = await wacht_op_events(aid, "InstemmingVastgelegd", "InstemmingVastgelegd")
    inst = [g for g in gelezen if type(g.event).__name__ == "InstemmingVastgelegd"]
    assert [g.event.ingetrokken for g in inst] == [False, True]
    assert all(str(g.event.instemming_id) == iid and g.event.door == "JONGERE" and g.h("ce_privacyclass") == "Ps" for g in inst)


async def test_the_whole_path_to_opstart_publishes_each_event(client, sleutels) -> None:
    aid = await nieuw(client, sleutels.partner_a)
    for pad in ("in-bespreking", "opstart-beslissing"):
        assert (await actie(client, sleutels.planmaker, aid, pad)).status_code == 200
    resp = await actie(client, sleutels.planmaker, aid, "instemmingen", instemming_jongere(scope=("TRAJECT_OPSTART", "GEGEVENSDELING_PARTNERS")))
    assert resp.status_code == 201 and resp.json()["scope"] == ["GEGEVENSDELING_PARTNERS", "TRAJECT_OPSTART"]
    resp = await actie(client, sleutels.coordinator, aid, "opstart")
    assert resp.status_code == 200, resp.text
    view = resp.json()
    assert view["status"] == "OPGESTART" and view["opgestartOp"] and view["toegestaneActies"] == ["instemming_intrekken"]
    assert len(view["instemmingen"]) == 1
    gelezen = await wacht_op_events(aid, "AanmeldingOntvangen", "AanmeldingGescreend", "InstemmingVastgelegd", "AanmeldingOpgestart")
    assert [type(g.event).__name__ for g in gelezen] == ["AanmeldingOntvangen", "AanmeldingGescreend", "InstemmingVastgelegd", "AanmeldingOpgestart"]
    assert all(g.record.key.decode() == aid and g.h("ce_subject") == aid for g in gelezen)
    opgestart = gelezen[-1]
    assert opgestart.h("ce_privacyclass") == "Ps" and opgestart.event.blokkade_status_bij_aanmelding == "DREIGEND_TE_BLOKKEREN"
    # kept in order on one partition (one key)
    assert len({g.record.partition for g in gelezen}) == 1
    assert [g.record.offset for g in gelezen] == sorted(g.record.offset for g in gelezen)
