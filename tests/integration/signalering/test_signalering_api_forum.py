"""The 2024 netwerkforum of the seeds entered through the API, and its actiepunten raised again by the reminder timer
of two instances, each exactly once (on the real broker; the lerend netwerk → forum → beleid flow without the
broker: tests/middle/test_signalering_api.py)."""

from __future__ import annotations

import json

import support
from signalering_helpers import SIGNALERING_ENV, alle

from signalering.domain import SignaleringRegels
from signalering.domain.catalogus import CONTEXTBEGELEIDING, TRAUMASENSITIEF_HANDELEN
from signalering.domain.forum_2024 import FORUM_2024
from signalering.service_layer.unit_of_work import SignaleringUnitOfWork
from signalering.service_layer.usecases import herinner_actiepunten
from sqlalchemy.ext.asyncio import create_async_engine


async def herinner_hier() -> int:
    """One run of the reminder timer's use case in this process, on the service's database."""
    engine = create_async_engine(support.database_url("signalering"))
    try:
        return await herinner_actiepunten(SignaleringUnitOfWork(engine, regels=SignaleringRegels()))
    finally:
        await engine.dispose()


async def alles_gepubliceerd() -> bool:
    return await support.db_fetchval("signalering", "SELECT count(*) FROM outbox WHERE published_at IS NULL AND parked_at IS NULL") == 0


async def test_forum_2024_entered_through_the_api_and_read_back(sig, log_dir) -> None:
    # a second instance with only the timer (no relay, no consumer): reminders must still be raised once
    tweede = support.ServiceProcess("signalering", "serve", "--no-relay", "--no-consumer", log_dir=log_dir, port=support.free_port(), env=SIGNALERING_ENV).start()
    try:
        async with sig.als("STUURGROEP") as sg, sig.als("PARTNER") as partner:
            backlog = {(b["themaNaam"], b["subthema"]) for b in await alle(partner, "/forum/backlog")}
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
            backlog = {(b["themaNaam"], b["subthema"]) for b in await alle(partner, "/forum/backlog")}
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
            # once raised, none is due again this period: a run of the timer's use case here raises nothing, and
            # once both instances' relays have published all they staged, each actiepunt was raised exactly once
            assert await herinner_hier() == 0
            await support.wait_for(alles_gepubliceerd, timeout=60, what="the outbox relayed")
            herinneringen = await herinnerd()
            assert sorted(v["actiepuntId"] for v in herinneringen) == sorted(ap_ids)  # once each
            tweede.assert_running()
    finally:
        tweede.stop()


async def test_zz_every_meso_and_macro_message_is_anonymous(sig) -> None:
    assert await sig.scanner.check_topics() > 0
