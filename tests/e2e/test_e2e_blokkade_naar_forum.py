"""End to end, the client's headline: a blokkade seen in a single traject becomes a recurring theme, is discussed in
the lerend netwerk and lands in the forum backlog — three service processes, the real broker and database — and every
hop of every event is in the trace of the request that caused it.

Path (twice, for two aanmeldingen/trajecten): partner POST /aanmeldingen (screened) → team: in-bespreking,
opstart-beslissing, instemming of the jongere, opstart → traject (consumer of AanmeldingOpgestart) → startgesprek
planned and held → blokkade GEBLOKKEERD → samenwerkingsoverleg einde with a drempel (E5a) → signalering (consumer of
SamenwerkingsoverlegGehouden, the role holder's name masked by traject) makes a CONCEPT → the gate finds the
young person's name → a planmaker edits it out and releases it, linked to one theme.
At the second traject the theme recurs → lerend-netwerk backlog → session planned, outcome, held → forum backlog.

The trace assertions are derived from what the run produced: every record on the event topics whose CloudEvents id
was published by this run's relays (``messaging.message.id`` on the publish spans) is matched to its publish span,
the request (HTTP SERVER span) at the root of that span's trace, and the process span of every consumer group that
reads its topic.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections import Counter, defaultdict

import httpx
import support
from signalering.service import HANDLERS as SIGNALERING_HANDLERS
from traject.service_layer.handlers import HANDLERS as TRAJECT_HANDLERS

from jeugdhulp_common import topics
from jeugdhulp_common.auth import Toegangsrol, create_credential
from signalering.domain import scan_privacy

PARTNER_ORG = "Voorziening De Branding (e2e)"
TEAM_ORG = "Co-ncept planmakers (e2e)"
# Consumer group → the event types it handles (the services' own handler tables, not a copy).
CONSUMERS = {"traject": set(TRAJECT_HANDLERS), "signalering": set(SIGNALERING_HANDLERS)}
SUBSCRIBED = {group: {cls.topic for cls in handled} for group, handled in CONSUMERS.items()}


class Flow:
    """The three services, credentials per role, and everything personal that was posted (for the privacy check)."""

    def __init__(self, aanmelding: str, traject: str, signalering: str, keys: dict[Toegangsrol, str]) -> None:
        self.a = httpx.AsyncClient(base_url=aanmelding, timeout=30)
        self.t = httpx.AsyncClient(base_url=traject, timeout=30)
        self.s = httpx.AsyncClient(base_url=signalering, timeout=30)
        self.keys = keys
        self.gepost_prive: list[str] = []
        self.aggregaten: set[str] = set()  # ids of everything this test created (CloudEvents subjects)

    def h(self, rol: Toegangsrol, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[rol]}", **extra}

    async def close(self) -> None:
        for c in (self.a, self.t, self.s):
            await c.aclose()


async def ok(resp_coro, expect: int = 200) -> dict:
    r = await resp_coro
    assert r.status_code == expect, f"{r.request.method} {r.request.url.path} -> {r.status_code}: {r.text}"
    return r.json()


async def alle(client, pad: str, headers: dict, **params) -> list[dict]:
    """Every item of one of signalering's paged lists."""
    uit: list[dict] = []
    while True:
        page = await ok(client.get(pad, params={**params, "limit": 200, "offset": len(uit)}, headers=headers))
        uit += page["items"]
        if not page["items"] or len(uit) >= page["total"]:
            return uit


async def traject_met_signaal(f: Flow, thema_id: str, nr: int) -> tuple[str, str, str]:
    """One aanmelding through to a released signal linked to ``thema_id``. Returns (aanmelding, traject, signaal) ids."""
    merk = uuid.uuid4().hex[:10]
    jongere_ref, contact = f"jref-e2e-{merk}", f"Contactpersoon Wieland{nr} Dessauvage"
    persoon = ("Ottilie Vanhoudenhove", "Bertrand Lemahieu")[nr - 1]
    toelichting = f"toelichting-e2e-{merk}"
    f.gepost_prive += [jongere_ref, contact, persoon, toelichting, *persoon.split()]
    body = {
        "aanmelder": {"organisatie": PARTNER_ORG, "categorie": "VOORZIENING", "contactpersoon": contact},
        "onderwerp": "JONGERE",
        "jongereRef": jongere_ref,
        "leeftijdBijAanmelding": 14,
        "regioJongere": "WESTHOEK",
        "redenen": ["BLOKKADES_LEVENSDOMEINEN"],
        "redenenToelichting": toelichting,
        "blokkadeStatusBijAanmelding": "DREIGEND_TE_BLOKKEREN",
    }
    P, PM = Toegangsrol.PARTNER, Toegangsrol.PLANMAKER
    ontvangen = await ok(f.a.post("/aanmeldingen", json=body, headers=f.h(P, **{"Idempotency-Key": str(uuid.uuid4())})), 201)
    aid = ontvangen["aanmeldingId"]
    assert ontvangen["status"] == "GESCREEND", ontvangen  # screened at once (regio and leeftijd)
    f.aggregaten.add(aid)
    await ok(f.a.post(f"/aanmeldingen/{aid}/in-bespreking", headers=f.h(PM)))
    await ok(f.a.post(f"/aanmeldingen/{aid}/opstart-beslissing", headers=f.h(PM)))
    instemming = {"door": "JONGERE", "op": "2025-01-15T10:00:00+01:00", "scope": ["TRAJECT_OPSTART"]}
    await ok(f.a.post(f"/aanmeldingen/{aid}/instemmingen", json=instemming, headers=f.h(PM)), 201)
    assert (await ok(f.a.post(f"/aanmeldingen/{aid}/opstart", headers=f.h(PM))))["status"] == "OPGESTART"

    # traject consumes AanmeldingOpgestart
    tid = await support.wait_for(
        lambda: support.db_fetchval("traject", "SELECT traject_id FROM traject WHERE aanmelding_id = $1", uuid.UUID(aid)),
        timeout=60,
        what="traject created from AanmeldingOpgestart",
    )
    tid = str(tid)
    f.aggregaten.add(tid)
    assert (await ok(f.t.get(f"/trajecten/{tid}", headers=f.h(PM))))["status"] == "IN_OPSTART"

    vandaag = dt.date.today().isoformat()
    wie = [{"functie": "consulent", "organisatie": PARTNER_ORG}, {"functie": "planmaker", "organisatie": TEAM_ORG}]
    sg = str(uuid.uuid4())
    await ok(f.t.post(f"/trajecten/{tid}/startgesprek/planning", json={"overlegId": sg, "datum": vandaag, "genodigden": wie}, headers=f.h(PM)))
    startgesprek = {
        "overlegId": sg,
        "datum": vandaag,
        "deelnemers": wie,
        "afspraken": {"overzichtBewaarder": wie[1], "rondeTafelsOrganisator": wie[1], "overige": []},
        "rollen": [{"rol": "TRAJECTCOORDINATOR", "organisatie": "INOA", "persoon": persoon, "mandaatVan": [PARTNER_ORG]}],
    }
    await ok(f.t.post(f"/trajecten/{tid}/startgesprek", json=startgesprek, headers=f.h(PM)))
    t = await ok(f.t.put(f"/trajecten/{tid}/blokkade", json={"blokkadeStatus": "GEBLOKKEERD"}, headers=f.h(PM)))
    assert t["blokkadeStatus"] == "GEBLOKKEERD"

    swo = str(uuid.uuid4())
    await ok(f.t.post(f"/trajecten/{tid}/samenwerkingsoverleg-einde/planning", json={"overlegId": swo, "datum": vandaag}, headers=f.h(PM)))
    # the role holder's name is masked by traject before the event leaves it; the young person's name (no role
    # holder, unknown to traject's masking) is for signalering's gate to find
    jongere = ("Lotte Vermeulen", "Arne Claeys")[nr - 1]
    f.gepost_prive += [jongere, jongere.split()[-1]]
    drempel = f"{persoon} zag de wachtlijst voor residentiele opvang alles tegenhouden voor {jongere}"
    antwoorden = [
        {"vraagId": "E3", "blokkadeStatus": "GEBLOKKEERD"},
        {"vraagId": "E4", "blokkadeStatus": "GEBLOKKEERD"},
        {"vraagId": "E5a", "tekst": drempel},
        {"vraagId": "E7a", "tekst": "wachtlijsten residentiele zorg"},
    ]
    t = await ok(f.t.post(f"/trajecten/{tid}/samenwerkingsoverleg-einde", json={"overlegId": swo, "datum": vandaag, "antwoorden": antwoorden}, headers=f.h(PM)))
    assert t["samenwerkingsoverlegEinde"]["kandidaatSignalen"][0]["vraagId"] == "E5a"

    # signalering consumes SamenwerkingsoverlegGehouden → a CONCEPT, with the name detected
    async def concept() -> dict | None:
        lijst = await alle(f.s, "/signalen", f.h(PM), status="CONCEPT")
        mijn = [s for s in lijst if "wachtlijst voor residentiele opvang" in s["tekst"] and s["soort"] == "DREMPEL"]
        assert len(mijn) <= 1, mijn
        return mijn[0] if mijn else None

    signaal = await support.wait_for(concept, timeout=60, what="CONCEPT signal from the samenwerkingsoverleg")
    sid = signaal["signaalId"]
    f.aggregaten.add(sid)
    assert signaal["tekst"].startswith("[NAAM] zag de wachtlijst"), signaal  # the role holder's name, masked by traject
    assert signaal["persoonsgegevens"] == ["NAAM"], signaal  # the young person's name, found by the gate
    assert persoon not in signaal["tekst"] and jongere not in signaal["tekst"]
    r = await f.s.post(f"/signalen/{sid}/vrijgeven", json={"themaIds": [thema_id]}, headers=f.h(PM))
    assert r.status_code == 409, r.text  # refused while personal data is detected
    bewerkt = await ok(f.s.patch(f"/signalen/{sid}", json={"tekst": "Een jongere zag de wachtlijst voor residentiele opvang alles tegenhouden."}, headers=f.h(PM)))
    assert bewerkt["persoonsgegevens"] == []
    vrij = await ok(f.s.post(f"/signalen/{sid}/vrijgeven", json={"themaIds": [thema_id]}, headers=f.h(PM)))
    assert vrij["status"] == "GEKOPPELD", vrij
    return aid, tid, sid


async def test_blokkade_becomes_recurring_theme_to_forum_backlog_in_one_trace_per_request(log_dir, tmp_path) -> None:
    trace_file = tmp_path / "spans.jsonl"
    env = {"JH_TRACE_FILE": str(trace_file), "JH_RELAY_IDLE_SECONDS": "0.1", "TRAJECT_TIJDZONE": "UTC"}
    urls = {svc: support.database_url(svc) for svc in support.SERVICES}
    keys = {
        Toegangsrol.PARTNER: await create_credential(urls, PARTNER_ORG, [Toegangsrol.PARTNER]),
        Toegangsrol.PLANMAKER: await create_credential(urls, TEAM_ORG, [Toegangsrol.PLANMAKER]),
        Toegangsrol.COORDINATOR: await create_credential(urls, TEAM_ORG, [Toegangsrol.COORDINATOR]),
    }
    procs = {s: support.ServiceProcess(s, "serve", log_dir=log_dir, env=env, port=support.free_port()).start() for s in support.SERVICES}
    f: Flow | None = None
    try:
        await asyncio.gather(*(p.wait_healthy(timeout=120) for p in procs.values()))
        f = Flow(procs["aanmelding"].url, procs["traject"].url, procs["signalering"].url, keys)
        PM, CO, P = Toegangsrol.PLANMAKER, Toegangsrol.COORDINATOR, Toegangsrol.PARTNER

        thema_id = (await ok(f.s.post("/themas", json={"naam": f"Wachtlijsten residentiele zorg reeks {uuid.uuid4().int % 900000 + 100000}"}, headers=f.h(PM)), 201))["themaId"]
        f.aggregaten.add(thema_id)

        await traject_met_signaal(f, thema_id, 1)
        thema = await ok(f.s.get(f"/themas/{thema_id}", headers=f.h(PM)))
        assert thema["status"] == "GESIGNALEERD" and thema["aantalTrajecten"] == 1, thema  # not recurring at the first
        gedeeld = await ok(f.s.get(f"/themas/{thema_id}", headers=f.h(P)))
        assert gedeeld["aantalTrajecten"] is None, gedeeld  # a partner never sees a small count
        assert thema_id not in {t["themaId"] for t in await alle(f.s, "/lerend-netwerk/backlog", f.h(P))}

        await traject_met_signaal(f, thema_id, 2)
        thema = await ok(f.s.get(f"/themas/{thema_id}", headers=f.h(PM)))
        assert thema["aantalTrajecten"] == 2 and thema["status"] == "BACKLOG", thema
        assert "ThemaTerugkerend" in [h["gebeurtenis"] for h in thema["historie"]], thema["historie"]
        assert thema_id in {t["themaId"] for t in await alle(f.s, "/lerend-netwerk/backlog", f.h(P))}

        sessie = await ok(
            f.s.post(
                "/lerend-netwerk/sessies",
                json={"themaId": thema_id, "datum": dt.date.today().isoformat(), "deelnemers": [{"functie": "Jeugdhulpregisseur", "organisatie": "ACT"}]},
                headers=f.h(CO),
            ),
            201,
        )
        sessie_id = sessie["sessieId"]
        f.aggregaten.add(sessie_id)
        subthemas = ["Wachttijd residentiele opvang", "Overbrugging tijdens de wachttijd"]
        await ok(f.s.patch(f"/lerend-netwerk/sessies/{sessie_id}/uitkomst", json={"subthemas": subthemas, "verslag": "Verslag."}, headers=f.h(CO)))
        assert (await ok(f.s.post(f"/lerend-netwerk/sessies/{sessie_id}/houden", headers=f.h(CO))))["status"] == "GEHOUDEN"
        forum_backlog = {(b["themaId"], b["subthema"]) for b in await alle(f.s, "/forum/backlog", f.h(P))}
        assert {(thema_id, s) for s in subthemas} <= forum_backlog
        assert (await ok(f.s.get(f"/themas/{thema_id}", headers=f.h(P))))["status"] == "LN_GEHOUDEN"

        # ---- the trace: wait until every consumer has a process span for every record of this run on its topics
        checks = await support.wait_for(lambda: hops_complete(trace_file, f.aggregaten), timeout=60, interval=0.5, what="every hop's spans")
        for p in procs.values():
            p.assert_running()
    finally:
        for p in procs.values():
            p.stop()
        if f is not None:
            await f.close()

    spans = support.read_spans(trace_file)
    assert_hops(spans, checks, f.aggregaten)
    blob = str([s["attributes"] for s in spans]).lower()
    gelekt = [w for w in f.gepost_prive if w.lower() in blob]
    assert not gelekt, f"personal data in span attributes: {gelekt}"

    # ---- the privacy scanner (the de-identification gate's detector) over EVERY meso and macro record
    gescand = 0
    for topic in topics.MESO_MACRO_TOPICS:
        for rec in await support.read_topic(topic):
            raw = rec.value.decode()
            meldingen = scan_privacy(json.loads(raw))
            assert not meldingen, f"{topic}@{rec.offset}: not anonymous: {[(m.pad, m.reden, m.soort) for m in meldingen]}"
            assert not [w for w in f.gepost_prive if w.lower() in raw.lower()], f"{topic}@{rec.offset}: posted personal data"
            gescand += 1
    assert gescand > 0


async def hops_complete(trace_file, aggregaten: set[str]) -> list | None:
    """(record, publish spans, process spans per group) for every record of this run on the event topics, once each
    subscribed consumer group has processed it; None while some hop is still missing."""
    # Topics first, spans second: a publish span is written when it ends, before its record can be on the topic.
    alle = [r for t in topics.EVENT_TOPICS for r in await support.read_topic(t)]
    spans = support.read_spans(trace_file)
    published = {s["attributes"].get("messaging.message.id") for s in spans if s["kind"] == "PRODUCER" and s["name"].endswith(" publish")}
    records = [r for r in alle if support.header(r, "ce_id") in published]
    # every event about an aggregate of this test was published by this run's relays, in a traced batch
    buiten = [(r.topic, support.header(r, "ce_type")) for r in alle if support.header(r, "ce_subject") in aggregaten and support.header(r, "ce_id") not in published]
    assert not buiten, f"events about this test's aggregates without a publish span: {buiten}"
    if not records:
        return None
    process = defaultdict(list)
    for s in spans:
        if s["kind"] == "CONSUMER" and s["name"].endswith(" process") and "messaging.message.id" in s["attributes"]:  # not a batch's span
            process[(s["attributes"]["messaging.consumer.group.name"], s["attributes"]["messaging.message.id"])].append(s)
    out = []
    for r in records:
        ce_id = support.header(r, "ce_id")
        groups = [g for g, t in SUBSCRIBED.items() if r.topic in t]
        if any(not process[(g, ce_id)] for g in groups):
            return None
        out.append((r, {g: process[(g, ce_id)] for g in groups}))
    return out


def assert_hops(spans: list[dict], checks: list, aggregaten: set[str]) -> None:
    by_id = {s["span_id"]: s for s in spans}
    publish_by_msg: dict[str, list[dict]] = defaultdict(list)
    for s in spans:
        if s["kind"] == "PRODUCER" and s["name"].endswith(" publish"):
            publish_by_msg[s["attributes"]["messaging.message.id"]].append(s)
    children: dict[str, list[dict]] = defaultdict(list)
    for s in spans:
        if s["parent_span_id"]:
            children[s["parent_span_id"]].append(s)

    def ancestors(span: dict) -> list[dict]:
        out = []
        while span.get("parent_span_id") in by_id:
            span = by_id[span["parent_span_id"]]
            out.append(span)
        return out

    def descendants(span: dict) -> list[dict]:
        out, todo = [], [span]
        while todo:
            for c in children[todo.pop()["span_id"]]:
                out.append(c)
                todo.append(c)
        return out

    table: dict[tuple[str, str], list] = defaultdict(lambda: [0, Counter()])  # (request, event) → [events, {group: hops}]
    hops = 0
    for record, per_group in checks:
        ce_id, ce_type = support.header(record, "ce_id"), support.header(record, "ce_type")
        event = ce_type.rsplit(".", 1)[-1]
        (publish,) = publish_by_msg[ce_id]  # published once (no crash in this test)
        assert publish["name"] == f"{record.topic} publish" and publish["attributes"]["cloudevents.event_type"] == ce_type
        # the record carries the publish span's context
        tp = support.header(record, "traceparent")
        assert tp is not None and tp.split("-")[1:3] == [publish["trace_id"], publish["span_id"]], (event, tp)
        # the request that wrote the outbox row is the root of the trace; publish descends from it
        chain = ancestors(publish)
        assert chain, f"{event}: publish span has no parent in the collected spans"
        root = chain[-1]
        assert root["kind"] == "SERVER" and root["parent_span_id"] is None, (event, root["name"], root["kind"])
        assert all(s["trace_id"] == root["trace_id"] for s in [publish, *chain])
        # a request's event is written by the service that served it
        assert root["service"] == publish["service"] == support.header(record, "ce_source").rsplit("/", 1)[-1]
        # any consumer in between (an event written by a handler) continues the same trace
        for s in chain[:-1]:
            assert s["trace_id"] == root["trace_id"]
        for group, processes in per_group.items():
            for process in processes:
                assert process["service"] == group
                assert process["trace_id"] == root["trace_id"], (event, group)
                assert process["parent_span_id"] == publish["span_id"], (event, group)
                assert process["attributes"]["cloudevents.event_type"] == ce_type
                below = descendants(process)
                assert all(s["trace_id"] == root["trace_id"] for s in below)
                if event in {cls.__name__ for cls in CONSUMERS[group]}:
                    # the inbox row and the effect: database spans of the consumer, inside its process span
                    db = [s for s in below if s["service"] == group and s["kind"] == "CLIENT"]
                    # (also for a record applied in a consumer batch: a traced record's inbox row and deferred writes
                    # are sent inside its own span, in the batch's transaction)
                    assert db, f"{event} in {group}: no database spans under its process span"
                    assert any(s["name"].startswith("INSERT") for s in db), [s["name"] for s in db]
                    assert not process["attributes"].get("jeugdhulp.ignored")
                    # events the handler itself wrote (if any) continue the trace from the process span
                    for s in below:
                        if s["kind"] == "PRODUCER":
                            assert s["trace_id"] == root["trace_id"]
                    table[(root["name"], event)][1][group] += 1
                    hops += 1
                else:
                    assert process["attributes"].get("jeugdhulp.ignored") is True
                    table[(root["name"], event)][1][f"{group}(ignored)"] += 1
        table[(root["name"], event)][0] += 1

    # The hops the issue names are among them, caused by the requests that cause them.
    gezien = {(req, ev, g) for (req, ev), (_, groups) in table.items() for g in groups}
    expected = {
        ("POST /aanmeldingen", "AanmeldingOntvangen", "traject"),
        ("POST /aanmeldingen/{aanmelding_id}/opstart", "AanmeldingOpgestart", "traject"),
        ("PUT /trajecten/{traject_id}/blokkade", "TrajectBlokkadeGewijzigd", "signalering"),
        ("POST /trajecten/{traject_id}/samenwerkingsoverleg-einde", "SamenwerkingsoverlegGehouden", "signalering"),
    }
    assert expected <= gezien, f"missing hops: {expected - gezien}\nseen: {sorted(gezien)}"
    # Every aggregate this test created that published anything did so inside a traced request: each event whose
    # subject is one of ours is among the checked records (they were selected by the publish spans of this run).
    ons = {support.header(r, "ce_subject") for r, _ in checks}
    assert ons & aggregaten, "no checked event is about this test's aggregates"
    print(f"\n{len(checks)} events checked, {hops} consumer hops with database work; request → event → consumer:")
    for (req, ev), (n, groups) in sorted(table.items()):
        print(f"  {req:58} {ev:30} x{n}  → {', '.join(f'{g} x{k}' for g, k in sorted(groups.items())) or '(no consumer)'}")
