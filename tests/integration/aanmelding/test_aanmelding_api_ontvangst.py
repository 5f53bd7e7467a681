"""POST /aanmeldingen: receipt and screening, events with key and CloudEvents headers, idempotency, 422s.
The tests of this file that need no broker run in the middle tier: tests/middle/test_aanmelding_ontvangst_api.py.
"""

from __future__ import annotations

from aanmelding_helpers import (
    ORG_A,
    auth,
    body,
    post,
    wacht_op_events,
)


async def test_post_receives_screens_and_publishes_both_events_with_key_and_cloudevents_headers(client, sleutels) -> None:
    b = body()
    resp = await post(client, sleutels.partner_a, b)
    assert resp.status_code == 201, resp.text
    antwoord = resp.json()
    aid = antwoord["aanmeldingId"]
    assert antwoord["status"] == "GESCREEND"
    assert antwoord["screening"]["regioOk"] is True and antwoord["screening"]["leeftijdOk"] is True
    assert resp.headers["location"] == f"/aanmeldingen/{aid}"

    gelezen = await wacht_op_events(aid, "AanmeldingOntvangen", "AanmeldingGescreend")
    soorten = {type(g.event).__name__: g for g in gelezen}
    assert list(soorten) == ["AanmeldingOntvangen", "AanmeldingGescreend"]
    for naam, privacy in (("AanmeldingOntvangen", "P"), ("AanmeldingGescreend", "Ps")):
        g = soorten[naam]
        assert g.record.key.decode() == aid
        assert g.h("ce_specversion") == "1.0"
        assert g.h("ce_id") == str(g.event.event_id)
        assert g.h("ce_source") == "/jeugdhulp/aanmelding"
        assert g.h("ce_type") == type(g.event).event_type and naam in g.h("ce_type")
        assert g.h("ce_subject") == aid
        assert g.h("ce_time") and g.h("ce_schemaversion") == "1"
        assert g.h("ce_privacyclass") == privacy
        assert g.h("traceparent")
    ontvangen = soorten["AanmeldingOntvangen"].event
    assert ontvangen.aanmelder_organisatie == ORG_A and ontvangen.regio_jongere == "WESTHOEK" and ontvangen.leeftijd_bij_aanmelding == 14
    gescreend = soorten["AanmeldingGescreend"].event
    assert gescreend.regio_ok and gescreend.leeftijd_ok

    # What was posted is what the partner reads back (camelCase), and the row carries the columns.
    got = await client.get(f"/aanmeldingen/{aid}", headers=auth(sleutels.partner_a))
    assert got.status_code == 200, got.text
    view = got.json()
    for veld in ("aanmelder", "onderwerp", "jongereRef", "leeftijdBijAanmelding", "regioJongere", "redenen", "redenenToelichting",
                 "blokkadeStatusBijAanmelding", "gezinssamenstelling", "verblijfssituatie", "labels", "betrokkenPartners", "jeugdhulpregisseur"):
        assert view[veld] == b[veld], veld
    assert view["status"] == "GESCREEND"
    # team-only fields are not shown to a partner
    assert view["instemmingen"] is None and view["mogelijkDubbel"] is None and view["mogelijkDubbelVan"] is None
