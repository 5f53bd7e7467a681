"""Lerend netwerk → forum backlog → netwerkforum (the 2024 forum of the seeds) → actiepunten (reminder timer with
two instances) → beleidsaanbeveling and terugkoppeling."""

from __future__ import annotations

import asyncio
import json
import uuid

import support
from signalering_helpers import SIGNALERING_ENV

from signalering.domain.catalogus import CONTEXTBEGELEIDING, TRAUMASENSITIEF_HANDELEN
from signalering.domain.forum_2024 import FORUM_2024


async def test_forum_2024_entered_through_the_api_and_read_back(sig, log_dir) -> None:
    # a second instance with only the timer (no relay, no consumer): reminders must still be raised once
    tweede = support.ServiceProcess("signalering", "serve", "--no-relay", "--no-consumer", log_dir=log_dir, port=support.free_port(), env=SIGNALERING_ENV).start()
    try:
        async with sig.als("STUURGROEP") as sg, sig.als("PARTNER") as partner:
            backlog = {(b["themaNaam"], b["subthema"]) for b in (await partner.get("/forum/backlog")).json()}
            for t in (CONTEXTBEGELEIDING, TRAUMASENSITIEF_HANDELEN):
                assert {(t.naam, s) for s in t.subthemas} <= backlog

            r = await sg.post("/fora", json={"datum": FORUM_2024["datum"], "vorm": FORUM_2024["vorm"], "deelnemers": FORUM_2024["deelnemers"]})
            assert r.status_code == 201, r.text
            forum_id = r.json()["forumId"]
            ids = {t.naam: str(t.thema_id) for t in (CONTEXTBEGELEIDING, TRAUMASENSITIEF_HANDELEN)}
            for rij in FORUM_2024["themas"]:
                for nr in range(1, rij["aantal_tafels"] + 1):
                    r = await sg.post(f"/fora/{forum_id}/tafels", json={"themaId": ids[rij["thema"]]})
                    assert r.status_code == 201, r.text
                    tafel = r.json()["tafelId"]
                    if nr == 1:
                        # a prioritering that does not sum to 100 is refused
                        fout = dict(rij["prioritering"])
                        fout[next(iter(fout))] += 1
                        r = await sg.put(f"/fora/{forum_id}/tafels/{tafel}/prioritering", json={"prioritering": fout})
                        assert r.status_code == 409 and r.json()["errors"][0]["field"] == "prioritering", r.text
                        r = await sg.put(f"/fora/{forum_id}/tafels/{tafel}/prioritering", json={"prioritering": {**rij["prioritering"], next(iter(fout)): 101}})
                        assert r.status_code == 422 and r.json()["errors"][0]["field"].startswith("prioritering"), r.text
                        r = await sg.put(f"/fora/{forum_id}/tafels/{tafel}/prioritering", json={"prioritering": rij["prioritering"]})
                        assert r.status_code == 200, r.text
                        if rij["doelstelling"]:
                            assert (await sg.put(f"/fora/{forum_id}/tafels/{tafel}/doelstelling", json=rij["doelstelling"])).status_code == 200
                        for ap in rij["actiepunten"]:
                            r = await sg.post(
                                f"/fora/{forum_id}/tafels/{tafel}/actiepunten",
                                json={"subthema": ap["bevinding"], "tekst": ap["tekst"], "adresNiveau": ap["adres_niveau"], "eigenaar": ap["eigenaar"]},
                            )
                            assert r.status_code == 201, r.text
                    assert (await sg.post(f"/fora/{forum_id}/tafels/{tafel}/afronden")).status_code == 200

            forum = (await partner.get(f"/fora/{forum_id}")).json()
            assert forum["datum"] == FORUM_2024["datum"] and forum["vorm"] == FORUM_2024["vorm"]
            assert forum["deelnemers"] == FORUM_2024["deelnemers"]
            assert (forum["aantalOrganisaties"], forum["aantalPersonen"]) == (33, 57)
            for rij in FORUM_2024["themas"]:
                tafels = [t for t in forum["tafels"] if t["themaNaam"] == rij["thema"]]
                assert len(tafels) == rij["aantal_tafels"]
                eerste = tafels[0]
                assert eerste["prioritering"] == rij["prioritering"]
                assert list(eerste["prioritering"]) == [b["subthema"] for b in eerste["bevindingen"]]
                assert eerste["doelstelling"] == rij["doelstelling"]
                assert [
                    {"tekst": a["tekst"], "bevinding": a["subthema"], "adres_niveau": a["adresNiveau"], "eigenaar": a["eigenaar"]} for a in eerste["actiepunten"]
                ] == rij["actiepunten"]
                assert all(t["status"] == "AFGEROND" for t in tafels)
                assert all(t["prioritering"] is None and t["actiepunten"] == [] for t in tafels[1:])
            backlog = {(b["themaNaam"], b["subthema"]) for b in (await partner.get("/forum/backlog")).json()}
            assert not {(t.naam, s) for t in (CONTEXTBEGELEIDING, TRAUMASENSITIEF_HANDELEN) for s in t.subthemas} & backlog

            # the actiepunten are dated 22/11/2024, older than 90 days: each is raised again exactly once,
            # although two instances run the timer every second
            ap_ids = {a["actiepuntId"] for t in forum["tafels"] for a in t["actiepunten"]}
            assert len(ap_ids) == 9

            async def herinnerd():
                recs = await support.read_topic("jeugdhulp.signalering.macro")
                uit = [json.loads(r.value) for r in recs if support.header(r, "ce_subject") in ap_ids]
                uit = [v for v in uit if v.get("opnieuwGesignaleerd")]
                return uit if len({v["actiepuntId"] for v in uit}) == len(ap_ids) else None

            await support.wait_for(herinnerd, timeout=60, what="reminders")
            await asyncio.sleep(4)  # several more timer periods of both instances
            herinneringen = await herinnerd()
            assert sorted(v["actiepuntId"] for v in herinneringen) == sorted(ap_ids)  # once each
            tweede.assert_running()
    finally:
        tweede.stop()


async def test_lerend_netwerk_session_to_forum_backlog_and_policy(sig) -> None:
    async with sig.als("COORDINATOR") as co, sig.als("STUURGROEP") as sg, sig.als("PARTNER") as partner:
        naam = f"Cultuursensitief werken reeks {uuid.uuid4().int % 900000 + 100000}"
        thema_id = (await co.post("/themas", json={"naam": naam})).json()["themaId"]
        # a theme that is only GESIGNALEERD cannot get a session yet
        r = await co.post("/lerend-netwerk/sessies", json={"themaId": thema_id, "datum": "2025-04-01"})
        assert r.status_code == 409, r.text
        # use a recurring catalogue backlog theme instead
        backlog = (await partner.get("/lerend-netwerk/backlog")).json()
        doel = next(t for t in backlog if t["naam"] == "Zorg op maat en op tijd")
        r = await co.post(
            "/lerend-netwerk/sessies",
            json={"themaId": doel["themaId"], "datum": "2025-04-01", "deelnemers": [{"functie": "Jeugdhulpregisseur", "organisatie": "ACT"}, {"functie": "Begeleider", "organisatie": "CAW"}]},
        )
        assert r.status_code == 201, r.text
        sessie = r.json()["sessieId"]
        assert (await co.post(f"/lerend-netwerk/sessies/{sessie}/stellingen", json={"tekst": "Het landschap is helder.", "akkoord": 2, "nietAkkoord": 9})).status_code == 200
        assert (await co.post(f"/lerend-netwerk/sessies/{sessie}/post-its", json={"niveau": "MESO", "vraag": "WAT_WERKT_ER", "tekst": "Korte lijnen"})).status_code == 200
        r = await co.patch(
            f"/lerend-netwerk/sessies/{sessie}/uitkomst",
            json={"subthemas": ["Wegwijs in het aanbod", "Tijdige zorg"], "volgendeThemas": ["Dagbesteding"], "ontbrekendePartners": ["OCJ", "CLB"], "verslag": "Verslag van de sessie."},
        )
        assert r.status_code == 200, r.text
        r = await co.post(f"/lerend-netwerk/sessies/{sessie}/houden")
        assert r.status_code == 200 and r.json()["status"] == "GEHOUDEN", r.text
        fb = {(b["themaId"], b["subthema"]) for b in (await partner.get("/forum/backlog")).json()}
        assert {(doel["themaId"], "Wegwijs in het aanbod"), (doel["themaId"], "Tijdige zorg")} <= fb
        thema = (await partner.get(f"/themas/{doel['themaId']}")).json()
        assert thema["status"] == "LN_GEHOUDEN" and thema["sessies"][0]["sessieId"] == sessie

        # forum table → stuurgroep → beleidsaanbeveling → terugkoppeling
        forum_id = (await sg.post("/fora", json={"datum": "2025-11-20", "vorm": "DIGITAAL", "deelnemers": [{"organisatie": "ACT W-VL", "sector": "GEEN", "aantal": 2}]})).json()["forumId"]
        r = await sg.post(f"/fora/{forum_id}/tafels", json={"themaId": doel["themaId"]})
        assert r.status_code == 201, r.text
        tafel = r.json()["tafelId"]
        r = await sg.post(f"/fora/{forum_id}/tafels/{tafel}/actiepunten", json={"subthema": "Tijdige zorg", "tekst": "Wachttijden opvolgen", "adresNiveau": "NETWERKEN", "eigenaar": "ACT"})
        ap = r.json()["actiepuntId"]
        assert (await sg.post(f"/actiepunten/{ap}/status", json={"actie": "OMZETTEN"})).status_code == 409
        assert (await sg.post(f"/actiepunten/{ap}/status", json={"actie": "OPNEMEN"})).json()["status"] == "OPGENOMEN"
        assert (await sg.post(f"/actiepunten/{ap}/status", json={"actie": "TERUGKOPPELEN", "naarOrganisaties": ["ACT"]})).json()["status"] == "TERUGGEKOPPELD"
        assert (await partner.post(f"/actiepunten/{ap}/status", json={"actie": "OPNEMEN"})).status_code == 403
        assert (await sg.post(f"/themas/{doel['themaId']}/naar-stuurgroep")).json()["status"] == "IN_UITWERKING_STUURGROEP"
        r = await sg.post(
            "/beleidsaanbevelingen",
            json={"niveau": "BELEIDSMAKERS", "themaIds": [doel["themaId"]], "tekst": "Eén aanspreekpunt per regio.", "randvoorwaarden": ["Structurele middelen"], "drempels": ["Versnipperd aanbod"], "jaar": 2025},
        )
        assert r.status_code == 201, r.text
        ab = r.json()["aanbevelingId"]
        r = await sg.post(f"/beleidsaanbevelingen/{ab}/terugkoppelen", json={"naarOrganisaties": ["ACT W-VL", "Opgroeien"]})
        assert r.json()["status"] == "TERUGGEKOPPELD"
        assert (await partner.get(f"/themas/{doel['themaId']}")).json()["status"] == "BELEIDSVOORSTEL"
        r = await sg.post("/beleidsaanbevelingen", json={"niveau": "NETWERKEN", "tekst": "x", "randvoorwaarden": [], "drempels": ["y"], "jaar": 2025})
        assert r.status_code == 409 and r.json()["errors"][0]["field"] == "randvoorwaarden"

        async def soorten_terugkoppeling() -> set[str]:
            recs = await support.read_topic("jeugdhulp.signalering.meso")
            return {
                json.loads(r.value)["inhoudRef"].split(":")[0]
                for r in recs
                if "TerugkoppelingVerstuurd" in (support.header(r, "ce_type") or "")
            }

        # Wait for both kinds: the relay publishes them independently.
        await support.wait_for(
            lambda: _bevat(soorten_terugkoppeling(), {"lerend-netwerk", "actiepunt"}), timeout=60, what="feedback after LN and actiepunt"
        )


async def test_zz_every_meso_and_macro_message_is_anonymous(sig) -> None:
    assert await sig.scanner.check_topics() > 0


async def _bevat(soorten, verwacht: set[str]) -> bool:
    return verwacht <= await soorten
