"""The de-identification gate, intake and counts from delivered events — through the real service, broker and
database (access, paging, refusals, recurrence and small cells without the broker: tests/middle/test_signalering_api.py)."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import support
from signalering_helpers import alle, concepten, overleg, publiceer

from jeugdhulp_common.contracts.aanmelding import AanmeldingNietOpgestart
from jeugdhulp_common.contracts.traject import TrajectAfgerond, TrajectBlokkadeGewijzigd
from jeugdhulp_common.contracts.vocabulary import AfrondingsReden, BlokkadeStatus, RedenNietOpstart, SignaalSoort

NAAM = "Zoltana Vermeulenaere"


async def _wacht_op_concepten(c, n_extra: int, voor: int) -> list[dict]:
    async def genoeg():
        lijst = await concepten(c)
        return lijst if len(lijst) >= voor + n_extra else None

    return await support.wait_for(genoeg, timeout=60, what="concept signals")


async def test_release_refused_while_name_or_phone_then_allowed_after_edit(sig) -> None:
    async with sig.als("PLANMAKER") as pm, sig.als("COORDINATOR") as co:
        voor = len(await concepten(pm))
        ev = overleg(  # an old (version 2) record still brings the names for the gate
            sig.scanner,
            versie=2,
            namen=[NAAM],
            kandidaten=[
                (SignaalSoort.DREMPEL, f"{NAAM} wachtte acht maanden op een plaats."),
                (SignaalSoort.KNELPUNT, "Bellen naar 0470 12 34 56 leverde niets op bij de dienst."),
            ],
        )
        await publiceer(ev)
        lijst = await _wacht_op_concepten(pm, 2, voor)
        mijn = [s for s in lijst if "wachtte acht maanden" in s["tekst"] or "leverde niets op" in s["tekst"]]
        assert len(mijn) == 2
        naam_sig = next(s for s in mijn if s["soort"] == "DREMPEL")
        tel_sig = next(s for s in mijn if s["soort"] == "KNELPUNT")
        assert naam_sig["persoonsgegevens"] == ["NAAM"] and "[NAAM]" in naam_sig["tekst"]
        assert tel_sig["persoonsgegevens"] == ["TELEFOONNUMMER"] and "[TELEFOONNUMMER]" in tel_sig["tekst"]

        for s, soort in ((naam_sig, "NAAM"), (tel_sig, "TELEFOONNUMMER")):
            r = await co.post(f"/signalen/{s['signaalId']}/vrijgeven")
            assert r.status_code == 409, r.text
            body = r.json()
            assert body["errors"][0]["field"] == "tekst"
            assert body["soorten"] == [soort]
            assert "0470" not in r.text and "zoltana" not in r.text.lower()

        # after editing, release works (and emits SignaalVrijgegeven with a traject ref)
        r = await pm.patch(f"/signalen/{naam_sig['signaalId']}", json={"tekst": "Een jongere wachtte acht maanden op een plaats.", "sectoren": ["BJB"]})
        assert r.status_code == 200 and r.json()["persoonsgegevens"] == []
        r = await pm.post(f"/signalen/{naam_sig['signaalId']}/vrijgeven")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "VRIJGEGEVEN"
        r = await pm.patch(f"/signalen/{tel_sig['signaalId']}", json={"tekst": "Telefonisch contact met de dienst leverde niets op."})
        assert (await pm.post(f"/signalen/{tel_sig['signaalId']}/vrijgeven")).status_code == 200

        # the identifying data and the traject id are gone from the released signal's row
        assert await support.db_fetchval("signalering", "SELECT traject_id FROM signaal WHERE signaal_id = $1", uuid.UUID(naam_sig["signaalId"])) is None
        data = await support.db_fetchval("signalering", "SELECT data::text FROM signaal WHERE signaal_id = $1", uuid.UUID(naam_sig["signaalId"]))
        assert "zoltana" not in data.lower() and str(ev.traject_id) not in data

        async def gepubliceerd():
            recs = await support.read_topic("jeugdhulp.signalering.meso")
            return [r for r in recs if support.header(r, "ce_subject") == naam_sig["signaalId"]]

        (rec,) = await support.wait_for(gepubliceerd, timeout=60, what="SignaalVrijgegeven")
        assert "SignaalVrijgegeven" in support.header(rec, "ce_type")
        assert len(json.loads(rec.value)["trajectRef"]) == 64


async def test_redelivered_overleg_creates_no_duplicates(sig) -> None:
    async with sig.als("PLANMAKER") as pm:
        ev = overleg(sig.scanner, kandidaten=[(SignaalSoort.GOEDE_PRAKTIJK, "Een gedeelde agenda over de sectoren heen werkte goed.")])
        await publiceer(ev, ev)  # the same message twice
        again = ev.model_copy(update={"event_id": uuid.uuid4()})  # the same overleg published again under a new event id
        await publiceer(again)

        async def verwerkt():
            return await support.db_fetchval("signalering", "SELECT count(*) FROM inbox WHERE event_id = ANY($1::uuid[])", [ev.event_id, again.event_id]) == 2

        await support.wait_for(verwerkt, timeout=60, what="both events consumed")
        lijst = [s for s in await concepten(pm) if s["tekst"].startswith("Een gedeelde agenda")]
        assert len(lijst) == 1


async def test_anonymous_counts_from_micro_events(sig) -> None:
    async with sig.als("COORDINATOR") as co:
        tid = uuid.uuid4()
        sig.scanner.verbied(tid)
        evs = [
            TrajectBlokkadeGewijzigd(traject_id=tid, van=BlokkadeStatus.DREIGEND_TE_BLOKKEREN, naar=BlokkadeStatus.GEBLOKKEERD, acute_crisis=True),
            AanmeldingNietOpgestart(aanmelding_id=uuid.uuid4(), aanmelder_organisatie="VOT", reden=RedenNietOpstart.GEEN_CAPACITEIT),
            TrajectAfgerond(traject_id=tid, afgerond_op=dt.date(2025, 6, 30), redenen=[AfrondingsReden.BLOKKADES_DOORBROKEN]),
        ]
        await publiceer(*evs)

        async def geteld():
            rows = await alle(co, "/tellingen")
            codes = {(r["bron"], r["code"]) for r in rows}
            return {("BLOKKADE_NAAR", "GEBLOKKEERD"), ("ACUTE_CRISIS", "JA"), ("NIET_OPGESTART_REDEN", "GEEN_CAPACITEIT"), ("AFGEROND_REDEN", "BLOKKADES_DOORBROKEN")} <= codes

        await support.wait_for(geteld, timeout=60, what="counts")
        assert await support.db_fetchval("signalering", "SELECT count(*) FROM telling WHERE code = $1", str(tid)) == 0


async def test_zz_every_meso_and_macro_message_is_anonymous(sig) -> None:
    n = await sig.scanner.check_topics()
    assert n > 0
    assert sig.scanner.gescand > n


async def test_findings_shown_levensdomeinen_with_a_name_refused_released_signal_has_no_detected_span(sig) -> None:
    from signalering.domain.persoonsgegevens import detecteer

    async with sig.als("PLANMAKER") as pm:
        voor = len(await concepten(pm))
        tekst = "Lotte Vermeulen (14) uit Poperinge wacht al maanden op een plaats."
        await publiceer(overleg(sig.scanner, namen=["Lotte Vermeulen"], kandidaten=[(SignaalSoort.DREMPEL, tekst)]))
        lijst = await _wacht_op_concepten(pm, 1, voor)
        (s,) = [x for x in lijst if "wacht al maanden op een plaats" in x["tekst"]]

        # the planmaker sees why: each finding with kind and span (masked), and a suggested de-identified text
        r = await pm.get(f"/signalen/{s['signaalId']}")
        assert r.status_code == 200, r.text
        body = r.json()
        soorten = {b["soort"] for b in body["bevindingen"]}
        assert {"NAAM", "LEEFTIJD", "LOCATIE"} <= soorten, soorten
        naam = next(b for b in body["bevindingen"] if b["soort"] == "NAAM")
        assert (naam["veld"], naam["start"], naam["einde"], naam["gemaskeerd"]) == ("tekst", 0, len("Lotte Vermeulen"), "[NAAM]")
        assert body["voorstel"]["tekst"].startswith("[NAAM]") and "Poperinge" not in r.text

        # levensdomeinen go to meso as well: a name there is refused, naming the field
        r = await pm.patch(
            f"/signalen/{s['signaalId']}",
            json={"tekst": "Een jongere wacht al maanden op een plaats.", "levensdomeinen": ["Onderwijs", "Wonen bij oma Rita"]},
        )
        assert r.status_code == 200, r.text
        assert [b["veld"] for b in r.json()["bevindingen"]] == ["levensdomeinen[1]"]
        r = await pm.post(f"/signalen/{s['signaalId']}/vrijgeven")
        assert r.status_code == 409, r.text
        assert r.json()["errors"][0]["field"] == "levensdomeinen" and "Rita" not in r.text

        r = await pm.patch(f"/signalen/{s['signaalId']}", json={"levensdomeinen": ["Onderwijs", "Wonen"]})
        assert r.json()["bevindingen"] == [] and r.json()["voorstel"] is None
        assert (await pm.post(f"/signalen/{s['signaalId']}/vrijgeven")).status_code == 200

        async def gepubliceerd():
            recs = await support.read_topic("jeugdhulp.signalering.meso")
            return [x for x in recs if support.header(x, "ce_subject") == s["signaalId"]]

        (rec,) = await support.wait_for(gepubliceerd, timeout=60, what="SignaalVrijgegeven")
        vrijgegeven = json.loads(rec.value)
        # a released signal never contains a span the gate detects, in any of its texts
        for veld in ("tekst", "levensdomeinen"):
            waarden = vrijgegeven[veld] if isinstance(vrijgegeven[veld], list) else [vrijgegeven[veld]]
            assert all(detecteer(w) == [] for w in waarden), veld
