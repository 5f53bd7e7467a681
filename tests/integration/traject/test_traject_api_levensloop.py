"""The traject life cycle over HTTP and Kafka, against the real service process, broker and database."""

from __future__ import annotations

import uuid

import httpx
import pytest
import support
from events_factory import as_record
from traject_helpers import (
    body_json,
    credential,
    deelnemer,
    event_type,
    events_van,
    lopend_traject,
    maanden_terug,
    nieuw_traject,
    opgestart,
    post,
    start_service,
    startgesprek_body,
    traject_van,
    vandaag,
    wacht_op_events,
)

from jeugdhulp_common import topics
from jeugdhulp_common.auth import Toegangsrol

PERSONEN = ["Marieke Vandenbroucke", "Jonas Dewulf", "Ilse Verhaeghe"]


@pytest.fixture(scope="module")
async def service(log_dir):
    proc = await start_service(log_dir)
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
async def team():
    return await credential("Co-ncept", Toegangsrol.PLANMAKER)


@pytest.fixture
async def client(service):
    async with httpx.AsyncClient(base_url=service.url, timeout=30) as c:
        yield c


async def test_a_redelivered_aanmelding_opgestart_creates_one_traject_in_opstart(service, client, team) -> None:
    ev = opgestart("VOT")
    second = opgestart("VOT").model_copy(update={"aanmelding_id": ev.aanmelding_id})  # another event, same aanmelding
    await support.produce_raw(topics.AANMELDING_MICRO, [as_record(ev), as_record(ev), as_record(second)])
    tid = await support.wait_for(lambda: traject_van(ev.aanmelding_id), timeout=60, what="traject")
    # The sentinel shares the key (partition) and comes after: once it is in the inbox, all three were processed.
    await support.wait_for(
        lambda: support.db_fetchval("traject", "SELECT count(*) FROM inbox WHERE event_id = $1", second.event_id), timeout=60, what="second event"
    )
    service.assert_running()
    assert await support.db_fetchval("traject", "SELECT count(*) FROM traject WHERE aanmelding_id = $1", ev.aanmelding_id) == 1
    assert await support.db_fetchval("traject", "SELECT count(*) FROM inbox WHERE event_id = $1", ev.event_id) == 1
    assert [r for r in await support.read_topic(topics.dead_letter_topic("traject")) if r.key == as_record(ev)[0]] == []

    t = (await client.get(f"/trajecten/{tid}", headers=team)).json()
    assert t["status"] == "IN_OPSTART" and t["aanmeldingId"] == str(ev.aanmelding_id)
    assert t["rollen"] == [{"rol": "AANMELDER", "organisatie": "VOT", "persoon": None, "mandaatVan": []}]
    assert t["startdatum"] is None and t["zonderGemandateerdeTrajectcoordinator"] is True


async def test_startgesprek_sets_startdatum_and_evaluation_date_roles_and_the_mandate_flag(client, team) -> None:
    tid = await nieuw_traject("VOT")
    datum = maanden_terug(1)
    plan = await post(client, f"/trajecten/{tid}/startgesprek/planning", {"datum": datum.isoformat(), "genodigden": [deelnemer("consulent", "VOT")]}, team)
    assert plan["geplandStartgesprek"]["datum"] == datum.isoformat() and plan["status"] == "IN_OPSTART"

    # The afspraken must name who keeps the overview: refused (the request lacks it: 422), with the field.
    zonder = startgesprek_body(datum)
    zonder["afspraken"] = {"rondeTafelsOrganisator": deelnemer("planmaker", "Co-ncept")}
    r = await client.post(f"/trajecten/{tid}/startgesprek", json=zonder, headers=team)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "afspraken.overzichtBewaarder"

    tc = {"rol": "TRAJECTCOORDINATOR", "organisatie": "INOA", "persoon": PERSONEN[0], "mandaatVan": ["VOT"]}
    planmaker = {"rol": "PLANMAKER", "organisatie": "Co-ncept", "persoon": PERSONEN[2]}
    t = await post(client, f"/trajecten/{tid}/startgesprek", startgesprek_body(datum, rollen=[tc, planmaker]), team)
    assert t["status"] == "LOPEND"
    assert t["startdatum"] == datum.isoformat()  # the startgesprek's date, not the aanmelding's (today)
    assert t["startdatum"] != vandaag().isoformat()
    y, m = divmod(datum.month - 1 + 3, 12)
    assert t["evaluatieDatum"] == datum.replace(year=datum.year + y, month=m + 1).isoformat()
    assert t["startgesprek"]["afspraken"]["overzichtBewaarder"] == deelnemer("begeleider", "INOA")
    assert t["zonderGemandateerdeTrajectcoordinator"] is False  # INOA's own + VOT's mandate (the planmaker needs none)

    # A new role holder's organisation has not mandated the coördinator: the traject is visibly flagged.
    t = await post(client, f"/trajecten/{tid}/rollen", {"rol": "CASEMANAGER", "organisatie": "Tordale", "persoon": PERSONEN[1]}, team)
    assert t["zonderGemandateerdeTrajectcoordinator"] is True and t["ontbrekendMandaat"] == ["Tordale"]
    t = await post(client, f"/trajecten/{tid}/rollen", {**tc, "mandaatVan": ["VOT", "Tordale"]}, team)
    assert t["zonderGemandateerdeTrajectcoordinator"] is False

    recs = await wacht_op_events(topics.TRAJECT_MICRO, tid, ["StartgesprekGepland", "TrajectGestart", "TrajectRolToegewezen"])
    gestart = next(body_json(r) for r in recs if event_type(r) == "TrajectGestart")
    assert gestart["startdatum"] == datum.isoformat() and gestart["evaluatieDatum"] == t["evaluatieDatum"]


async def test_ronde_tafel_blokkade_crisis_and_regie_publish_their_events(client, team) -> None:
    tid = await lopend_traject(client, team, datum=maanden_terug(1))
    overleg = str(uuid.uuid4())
    t = await post(client, f"/trajecten/{tid}/ronde-tafels", {"overlegId": overleg, "datum": vandaag().isoformat(), "planAangepast": True, "afspraken": ["school"]}, team)
    assert t["rondeTafels"][0]["planAangepast"] is True
    r = await client.post(f"/trajecten/{tid}/ronde-tafels", json={"overlegId": overleg, "datum": vandaag().isoformat(), "planAangepast": False}, headers=team)
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "overlegId"

    for body in ({"blokkadeStatus": "DREIGEND_TE_BLOKKEREN"}, {"blokkadeStatus": "GEBLOKKEERD"}, {"acuteCrisis": True}, {"acuteCrisis": False}):
        r = await client.put(f"/trajecten/{tid}/blokkade", json=body, headers=team)
        assert r.status_code == 200, r.text
    r = await client.put(f"/trajecten/{tid}/blokkade", json={"blokkadeStatus": "VERZONNEN"}, headers=team)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "blokkadeStatus"
    t = await post(client, f"/trajecten/{tid}/regie", {"naarOrganisatie": "Veilige Trajecten"}, team)
    assert t["regieBij"] == "Veilige Trajecten" and t["blokkadeStatus"] == "GEBLOKKEERD" and t["acuteCrisis"] is False

    recs = await wacht_op_events(
        topics.TRAJECT_MICRO, tid, ["RondeTafelGehouden", *["TrajectBlokkadeGewijzigd"] * 4, "TrajectRegieOvergedragen"]
    )
    blok = [body_json(r) for r in recs if event_type(r) == "TrajectBlokkadeGewijzigd"]
    assert [(b["van"], b["naar"], b["acuteCrisis"]) for b in blok] == [
        ("NIET_GEBLOKKEERD", "DREIGEND_TE_BLOKKEREN", False),
        ("DREIGEND_TE_BLOKKEREN", "GEBLOKKEERD", False),
        ("GEBLOKKEERD", "GEBLOKKEERD", True),
        ("GEBLOKKEERD", "GEBLOKKEERD", False),
    ]


async def _in_afronding(client, team, *, maanden: int = 4) -> tuple[uuid.UUID, str]:
    tid = await lopend_traject(client, team, datum=maanden_terug(maanden))
    overleg = str(uuid.uuid4())
    await post(client, f"/trajecten/{tid}/samenwerkingsoverleg-einde/planning", {"overlegId": overleg, "datum": vandaag().isoformat()}, team)
    return tid, overleg


SWO_ANTWOORDEN = [
    {"vraagId": "E3", "blokkadeStatus": "GEBLOKKEERD"},
    {"vraagId": "E4", "blokkadeStatus": "NIET_GEBLOKKEERD"},
    {"vraagId": "E5a", "tekst": "wachtlijst voor een voorziening hield alles tegen"},
    {"vraagId": "E7a", "tekst": "continuiteit van begeleiding"},
    {"vraagId": "E6d3", "tekst": "planmaker blijft bereikbaar tot de zomer"},
]


async def test_samenwerkingsoverleg_answers_are_stored_and_go_to_signalering_on_the_internal_topic_only(client, team) -> None:
    tid, overleg = await _in_afronding(client, team)
    r = await client.post(f"/trajecten/{tid}/samenwerkingsoverleg-einde", json={"overlegId": overleg, "datum": vandaag().isoformat(), "antwoorden": [{"vraagId": "E99", "tekst": "x"}]}, headers=team)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "antwoorden[0].vraagId", r.text
    t = await post(client, f"/trajecten/{tid}/samenwerkingsoverleg-einde", {"overlegId": overleg, "datum": vandaag().isoformat(), "antwoorden": SWO_ANTWOORDEN}, team)
    swo = t["samenwerkingsoverlegEinde"]
    assert [a["vraagId"] for a in swo["antwoorden"]] == [a["vraagId"] for a in SWO_ANTWOORDEN]
    assert swo["kandidaatSignalen"][0]["vraagId"] == "E5a" and swo["themaVoorstellen"] == ["continuiteit van begeleiding"]
    assert t["blokkadeStatus"] == "NIET_GEBLOKKEERD"  # E4, "Situatie nu"

    intern = await wacht_op_events(topics.TRAJECT_MICRO_INTERN, tid, ["SamenwerkingsoverlegGehouden"])
    body = body_json(intern[0])
    assert body["kandidaatSignalen"] == [{"vraagId": "E5a", "soort": "DREMPEL", "tekst": "wachtlijst voor een voorziening hield alles tegen"}]
    assert support.header(intern[0], "ce_privacyclass") == "P"
    # Nothing of it on the partner-facing micro topic, and nothing released to meso/macro.
    micro = await events_van(topics.TRAJECT_MICRO, tid)
    assert all("wachtlijst voor een voorziening" not in r.value.decode() for r in micro)
    for topic in topics.MESO_MACRO_TOPICS:
        assert all(b"wachtlijst voor een voorziening" not in (r.value or b"") for r in await support.read_topic(topic))


async def test_project_einde_is_the_coordinators_closure(client, team) -> None:
    tid = await nieuw_traject("VOT")
    r = await client.post(f"/trajecten/{tid}/project-einde", json={}, headers=team)
    assert r.status_code == 403  # a planmaker may not
    coordinator = await credential("Co-ncept", Toegangsrol.COORDINATOR)
    t = await post(client, f"/trajecten/{tid}/project-einde", {}, coordinator)
    assert t["status"] == "AFGEROND" and t["afrondingsRedenen"] == ["PROJECT_EINDE"]
    await wacht_op_events(topics.TRAJECT_MICRO, tid, ["TrajectAfgerond"])


async def test_every_event_is_on_its_topic_with_key_and_cloudevents_headers_and_no_person_names(client, team) -> None:
    rollen = [
        {"rol": "TRAJECTCOORDINATOR", "organisatie": "INOA", "persoon": PERSONEN[0], "mandaatVan": ["VOT"]},
        {"rol": "CASEMANAGER", "organisatie": "Tordale", "persoon": PERSONEN[1]},
    ]
    tid = await lopend_traject(client, team, datum=maanden_terug(1), rollen=rollen)
    await post(client, f"/trajecten/{tid}/rollen", {"rol": "JEUGDHULPREGISSEUR", "organisatie": "ACT", "persoon": PERSONEN[2]}, team)
    assert (await client.put(f"/trajecten/{tid}/blokkade", json={"blokkadeStatus": "GEBLOKKEERD"}, headers=team)).status_code == 200
    overleg = str(uuid.uuid4())
    await post(client, f"/trajecten/{tid}/samenwerkingsoverleg-einde/planning", {"overlegId": overleg, "datum": vandaag().isoformat()}, team)
    # a candidate answer names two role holders, one with a Cyrillic look-alike letter and a zero-width space
    naamt = {"vraagId": "E5c", "tekst": f"{PERSONEN[1]} en Il\u0455e\u200b Verhaeghe vonden geen plaats."}
    antwoorden = [*SWO_ANTWOORDEN, naamt]
    await post(client, f"/trajecten/{tid}/samenwerkingsoverleg-einde", {"overlegId": overleg, "datum": vandaag().isoformat(), "antwoorden": antwoorden}, team)

    micro = await wacht_op_events(
        topics.TRAJECT_MICRO, tid, ["TrajectRolToegewezen"] * 3 + ["TrajectGestart", "TrajectBlokkadeGewijzigd"]
    )
    intern = await wacht_op_events(topics.TRAJECT_MICRO_INTERN, tid, ["SamenwerkingsoverlegGehouden"])
    for topic, records in ((topics.TRAJECT_MICRO, micro), (topics.TRAJECT_MICRO_INTERN, intern)):
        for r in records:
            assert r.topic == topic and r.key.decode() == str(tid)
            assert support.header(r, "ce_specversion") == "1.0" and support.header(r, "ce_source") == "/jeugdhulp/traject"
            assert support.header(r, "ce_type").startswith("be.jeugdhulp.traject.") and support.header(r, "ce_subject") == str(tid)
            assert support.header(r, "ce_id") == body_json(r)["eventId"]
            assert support.header(r, "ce_time") and support.header(r, "ce_schemaversion") and support.header(r, "traceparent")
            assert support.header(r, "ce_privacyclass") == ("P" if topic == topics.TRAJECT_MICRO_INTERN else "Ps")
    # The persons posted as role holders never reach the partner-facing topic.
    for r in micro:
        for naam in PERSONEN:
            assert naam not in r.value.decode() and all(naam not in (v or b"").decode() for _, v in r.headers)
    # The internal event carries no names: traject masked the role holders' names in the candidate texts (v3).
    swo = body_json(intern[0])
    assert support.header(intern[0], "ce_schemaversion") == "3" and "namen" not in swo["identificerend"]
    assert "[NAAM] en [NAAM] vonden geen plaats." in [k["tekst"] for k in swo["kandidaatSignalen"]]
    raw = intern[0].value.decode().lower()
    assert not [deel for naam in PERSONEN for deel in naam.lower().split() if deel in raw]
    # Team view shows the persons (micro, partner-scoped data stays in this service).
    t = (await client.get(f"/trajecten/{tid}", headers=team)).json()
    assert {r["persoon"] for r in t["rollen"]} >= set(PERSONEN)


async def test_withdrawn_consent_cuts_partner_reads_and_candidate_signals_within_one_event_hop(client, team) -> None:
    import datetime as dt

    from jeugdhulp_common.contracts.aanmelding import InstemmingVastgelegd

    rollen = [{"rol": "CASEMANAGER", "organisatie": "Tordale", "persoon": PERSONEN[1]}]
    tid = await lopend_traject(client, team, datum=maanden_terug(4), organisatie="Tordale", rollen=rollen)
    tordale = await credential("Tordale", Toegangsrol.PARTNER)
    voor = (await client.get(f"/trajecten/{tid}", headers=tordale)).json()
    assert PERSONEN[1] in [r["persoon"] for r in voor["rollen"]] and voor["instemming"]["gegevensdelingIngetrokkenOp"] is None
    aanmelding_id = uuid.UUID(voor["aanmeldingId"])

    async def intrekking(scope: list[str]) -> None:
        ev = InstemmingVastgelegd(aanmelding_id=aanmelding_id, door="JONGERE", scope=scope, op=dt.datetime.now(dt.UTC), ingetrokken=True, instemming_id=uuid.uuid4())
        await support.produce_raw(topics.AANMELDING_MICRO, [as_record(ev)])
        # one event hop: once the traject service has the event in its inbox, its effect is committed
        await support.wait_for(lambda: support.db_fetchval("traject", "SELECT count(*) FROM inbox WHERE event_id = $1", ev.event_id), timeout=60, what="withdrawal consumed")

    await intrekking(["GEGEVENSDELING_PARTNERS"])
    na = await client.get(f"/trajecten/{tid}", headers=tordale)
    assert na.status_code == 200 and PERSONEN[1] not in na.text
    assert all(r["persoon"] is None for r in na.json()["rollen"]) and na.json()["gegevensGedeeld"] is False
    assert na.json()["instemming"]["gegevensdelingIngetrokkenOp"] == vandaag().isoformat()
    lijst = (await client.get("/trajecten", params={"limit": 200}, headers=tordale)).json()["items"]
    (item,) = [i for i in lijst if i["trajectId"] == str(tid)]
    assert PERSONEN[1] not in str(item) and item["gegevensGedeeld"] is False
    # the team still sees everything, and the withdrawal is audited
    assert PERSONEN[1] in (await client.get(f"/trajecten/{tid}", headers=team)).text
    coordinator = await credential("Co-ncept", Toegangsrol.COORDINATOR)
    audit = (await client.get("/audit", params={"aggregateType": "Traject", "aggregateId": str(tid)}, headers=coordinator)).json()
    assert "INSTEMMING_INGETROKKEN" in {a["actie"] for a in audit}

    # TRAJECT_OPSTART withdrawn before the end: flagged for the team, and no candidate signals any more
    await intrekking(["TRAJECT_OPSTART"])
    t = (await client.get(f"/trajecten/{tid}", headers=team)).json()
    assert t["instemming"]["gemarkeerdVoorTeam"] is True and t["instemming"]["maaktSignalen"] is False
    overleg = str(uuid.uuid4())
    await post(client, f"/trajecten/{tid}/samenwerkingsoverleg-einde/planning", {"overlegId": overleg, "datum": vandaag().isoformat()}, team)
    await post(client, f"/trajecten/{tid}/samenwerkingsoverleg-einde", {"overlegId": overleg, "datum": vandaag().isoformat(), "antwoorden": SWO_ANTWOORDEN}, team)
    intern = await wacht_op_events(topics.TRAJECT_MICRO_INTERN, tid, ["SamenwerkingsoverlegGehouden"])
    body = body_json(intern[0])
    assert body["kandidaatSignalen"] == [] and body["themaVoorstellen"] == []
