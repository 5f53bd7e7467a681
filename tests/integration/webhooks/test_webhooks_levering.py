"""Signed webhooks on the real broker and database: scope per organisation, signatures, retries with the same id,
410, ordering per aggregate, the privacy of every payload (the subscription API's own rules: tests/middle)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import support
from standardwebhooks import Webhook, WebhookVerificationError

from jeugdhulp_common.auth import Toegangsrol
from jeugdhulp_common.contracts.aanmelding import AanmeldingGescreend, AanmeldingOntvangen, AanmeldingOpgestart
from jeugdhulp_common.contracts.vocabulary import AanmelderCategorie
from webhooks_helpers import Ontvanger, abonneer, auth, check_privacy, gescreend, publiceer, sleutel, start_webhooks

ORG_W = "Voorziening W (webhooks test)"
ORG_X = "CLB X (webhooks test)"
ACT = "Jeugdhulpregie (webhooks test)"


@pytest.fixture(scope="module")
def trace_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("webhooks-traces") / "spans.jsonl"


@pytest.fixture(scope="module")
async def wh(log_dir, infra, trace_file: Path) -> AsyncIterator[support.ServiceProcess]:
    proc = start_webhooks(log_dir, JH_TRACE_FILE=str(trace_file))
    try:
        await proc.wait_healthy(timeout=90)
        yield proc
    finally:
        proc.stop()


@pytest.fixture(scope="module")
async def aanmelding(log_dir, infra, trace_file: Path) -> AsyncIterator[support.ServiceProcess]:
    env = {"JH_RELAY_IDLE_SECONDS": "0.1", "JH_TRACE_FILE": str(trace_file)}
    proc = support.ServiceProcess("aanmelding", "serve", log_dir=log_dir, env=env, port=support.free_port()).start()
    try:
        await proc.wait_healthy(timeout=90)
        yield proc
    finally:
        proc.stop()


@pytest.fixture
async def api(wh) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=wh.url, timeout=30) as c:
        yield c


def aanmelding_body(org: str, merk: str) -> dict:
    return {
        "aanmelder": {"organisatie": org, "categorie": "VOORZIENING", "contactpersoon": f"Contactpersoon {merk}"},
        "onderwerp": "JONGERE",
        "jongereRef": f"jref-{merk}",
        "leeftijdBijAanmelding": 14,
        "regioJongere": "WESTHOEK",
        "redenen": ["REFLECTIE"],
        "redenenToelichting": f"vrije toelichting {merk}",
    }


async def deliveries(api: httpx.AsyncClient, key: str, sid: str, **params: str) -> list[dict]:
    resp = await api.get(f"/subscriptions/{sid}/deliveries", params={"limit": 200, **params}, headers=auth(key))
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]


async def test_partner_gets_signed_events_of_its_own_aanmelding_only(api: httpx.AsyncClient, aanmelding, ontvanger: Ontvanger, trace_file: Path) -> None:
    keys = {org: await sleutel(org, Toegangsrol.PARTNER, services=("webhooks", "aanmelding")) for org in (ORG_W, ORG_X)}
    coord = await sleutel(ACT, Toegangsrol.COORDINATOR)
    sub_w = await abonneer(api, keys[ORG_W], ontvanger.url("/w"), description="W's case file")
    sub_x = await abonneer(api, keys[ORG_X], ontvanger.url("/x"))
    sub_act = await abonneer(api, coord, ontvanger.url("/act"), profiel="ACT", organisatie=ACT)
    assert sub_w["secret"].startswith("whsec_") and sub_w["organisatie"] == ORG_W and sub_w["status"] == "ACTIVE"

    posted: dict[str, tuple[str, list[str]]] = {}
    async with httpx.AsyncClient(base_url=aanmelding.url, timeout=30) as c:
        for org in (ORG_W, ORG_X):
            merk = uuid.uuid4().hex[:10]
            resp = await c.post("/aanmeldingen", json=aanmelding_body(org, merk), headers={**auth(keys[org]), "Idempotency-Key": str(uuid.uuid4())})
            assert resp.status_code == 201, resp.text
            posted[org] = (resp.json()["aanmeldingId"], [f"jref-{merk}", f"Contactpersoon {merk}", f"vrije toelichting {merk}"])
    w_id, x_id = posted[ORG_W][0], posted[ORG_X][0]
    verboden = [v for _, vs in posted.values() for v in vs]

    def of(path: str, aanmelding_id: str) -> list:
        return [r for r in ontvanger.delivered(path).values() if r.json["subject"] == aanmelding_id]

    await support.wait_for(lambda: of("/w", w_id) and of("/x", x_id) and len(of("/act", w_id)) and len(of("/act", x_id)), timeout=60, what="deliveries")

    # W: its own aanmelding's Ps event, signed; never the P-class AanmeldingOntvangen, never X's aanmelding.
    [w] = of("/w", w_id)
    assert w.json["type"] == AanmeldingGescreend.event_type and w.json["data"]["aanmeldingId"] == w_id
    assert Webhook(sub_w["secret"]).verify(w.body, w.headers)["id"] == w.json["id"]
    with pytest.raises(WebhookVerificationError):
        Webhook(sub_w["secret"]).verify(w.body.replace('"regioOk":true', '"regioOk":false'), w.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(sub_x["secret"]).verify(w.body, w.headers)
    # X's event was fanned out (X got it) in one transaction with every subscription: W has no row for it.
    assert not [d for d in await deliveries(api, keys[ORG_W], sub_w["id"]) if d["eventId"] == of("/x", x_id)[0].json["id"]]
    assert all(r.json["subject"] != x_id for r in ontvanger.at("/w"))
    assert all(r.json["type"] != AanmeldingOntvangen.event_type for r in ontvanger.at("/w") + ontvanger.at("/x"))

    # ACT: AanmeldingOntvangen of both organisations, thin (the id only), signed with its own secret.
    for aid in (w_id, x_id):
        [a] = [r for r in of("/act", aid) if r.json["type"] == AanmeldingOntvangen.event_type]
        assert a.json["data"] == {"aanmeldingId": aid} and a.json["privacyclass"] == "P"
        Webhook(sub_act["secret"]).verify(a.body, a.headers)

    # Every delivered payload passes the privacy scanner.
    for path in ("/w", "/x", "/act"):
        for r in ontvanger.at(path):
            check_privacy(r, verboden)

    # The delivery log shows it, the partner sees only its own subscriptions.
    log_w = await deliveries(api, keys[ORG_W], sub_w["id"])
    assert [d["status"] for d in log_w] == ["DELIVERED"] and log_w[0]["attempts"] == 1 and log_w[0]["lastStatusCode"] == 200
    listed = (await api.get("/subscriptions", headers=auth(keys[ORG_W]))).json()
    assert {s["id"] for s in listed["items"]} == {sub_w["id"]} and listed["total"] == 1
    assert (await api.get(f"/subscriptions/{sub_x['id']}", headers=auth(keys[ORG_W]))).status_code == 404
    everything = (await api.get("/subscriptions", params={"limit": 200}, headers=auth(coord))).json()["items"]
    assert {sub_w["id"], sub_x["id"], sub_act["id"]} <= {s["id"] for s in everything}

    # One trace from the partner's POST to the delivery attempt: POST (aanmelding) -> publish -> process (webhooks) -> deliver.
    def deliver_span() -> dict | None:
        return next((s for s in support.read_spans(trace_file) if s["name"] == "webhook deliver" and s["attributes"].get("webhook.id") == w.headers["webhook-id"]), None)

    span = await support.wait_for(deliver_span, timeout=30, what="the delivery span")
    by_id = {s["span_id"]: s for s in support.read_spans(trace_file) if s["trace_id"] == span["trace_id"]}
    chain = [span]
    while chain[-1]["parent_span_id"] in by_id:
        chain.append(by_id[chain[-1]["parent_span_id"]])
    assert chain[1]["service"] == "webhooks" and chain[1]["name"] == "jeugdhulp.aanmelding.micro process"
    assert chain[-1]["service"] == "aanmelding" and chain[-1]["parent_span_id"] is None and chain[-1]["kind"] == "SERVER"
    assert span["attributes"]["http.response.status_code"] == 200


async def test_500_three_times_then_200_redelivers_with_the_same_id_and_keeps_order(api: httpx.AsyncClient, ontvanger: Ontvanger) -> None:
    org = f"Voorziening R {uuid.uuid4().hex[:6]}"
    key = await sleutel(org, Toegangsrol.PARTNER)
    sub = await abonneer(api, key, ontvanger.url("/retry", 500, 500, 500), eventTypes=[AanmeldingGescreend.event_type, AanmeldingOpgestart.event_type])
    aid = uuid.uuid4()
    first = gescreend(org, aid)
    second = AanmeldingOpgestart(aanmelding_id=aid, aanmelder_organisatie=org, aanmelder_categorie=AanmelderCategorie.VOORZIENING)
    await publiceer(first, second)

    await support.wait_for(lambda: len(ontvanger.delivered("/retry")) == 2, timeout=60, what="both delivered")
    got = ontvanger.at("/retry")
    assert [r.status for r in got] == [500, 500, 500, 200, 200]
    assert len({r.headers["webhook-id"] for r in got[:4]}) == 1 and got[0].json["id"] == str(first.event_id)
    for r in got:
        Webhook(sub["secret"]).verify(r.body, r.headers)
    # Per aggregate in order: the second event waited for the first one's success.
    assert got[4].json["id"] == str(second.event_id)
    log = {d["eventId"]: d for d in await deliveries(api, key, sub["id"])}
    assert log[str(first.event_id)]["attempts"] == 4 and log[str(first.event_id)]["status"] == "DELIVERED"
    assert log[str(first.event_id)]["lastError"] is None


async def test_retry_after_is_honoured(api: httpx.AsyncClient, ontvanger: Ontvanger) -> None:
    org = f"Voorziening RA {uuid.uuid4().hex[:6]}"
    key = await sleutel(org, Toegangsrol.PARTNER)
    await abonneer(api, key, ontvanger.url("/retry-after", (429, {"Retry-After": "3"}), (503, {"Retry-After": "2"})))
    await publiceer(gescreend(org))
    await support.wait_for(lambda: ontvanger.delivered("/retry-after"), timeout=60, what="delivered")
    a, b, c = ontvanger.at("/retry-after")
    assert [a.status, b.status, c.status] == [429, 503, 200]
    # The backoff base is 0.3 s here; the receiver asked for 3 s, then 2 s.
    assert b.at - a.at >= 3 and c.at - b.at >= 2
    assert a.headers["webhook-id"] == b.headers["webhook-id"] == c.headers["webhook-id"]


async def test_410_disables_the_subscription(api: httpx.AsyncClient, ontvanger: Ontvanger) -> None:
    org = f"Voorziening G {uuid.uuid4().hex[:6]}"
    key = await sleutel(org, Toegangsrol.PARTNER)
    gone = await abonneer(api, key, ontvanger.url("/gone", 410))
    await abonneer(api, key, ontvanger.url("/witness"))
    await publiceer(gescreend(org))

    async def disabled() -> bool:
        return (await api.get(f"/subscriptions/{gone['id']}", headers=auth(key))).json()["status"] == "DISABLED"

    await support.wait_for(disabled, timeout=60, what="disabled by 410")
    [d] = await deliveries(api, key, gone["id"])
    assert d["status"] == "FAILED" and d["lastStatusCode"] == 410 and d["attempts"] == 1

    # A later event is no longer queued for it (the witness, fanned out in the same transaction, gets it).
    later = gescreend(org)
    await publiceer(later)
    await support.wait_for(lambda: any(r.json["id"] == str(later.event_id) for r in ontvanger.at("/witness")), timeout=60, what="witness")
    assert len(await deliveries(api, key, gone["id"])) == 1
    assert len(ontvanger.at("/gone")) == 1

    # Resume enables it again; a replay of the window sends the message again with its original id.
    resp = await api.post(f"/subscriptions/{gone['id']}/resume", headers=auth(key))
    assert resp.json()["status"] == "ACTIVE"
    now = dt.datetime.now(dt.UTC)
    resp = await api.post(f"/subscriptions/{gone['id']}/replay", json={"from": (now - dt.timedelta(hours=1)).isoformat(), "until": now.isoformat()}, headers=auth(key))
    assert resp.json() == {"requeued": 1}
    await support.wait_for(lambda: len(ontvanger.at("/gone")) == 2, timeout=30, what="replayed")
    assert ontvanger.at("/gone")[1].status == 200 and ontvanger.at("/gone")[1].headers["webhook-id"] == d["webhookId"]


async def test_rotation_overlap_ping_pause_and_delete(api: httpx.AsyncClient, ontvanger: Ontvanger) -> None:
    org = f"Voorziening P {uuid.uuid4().hex[:6]}"
    key = await sleutel(org, Toegangsrol.PARTNER)
    sub = await abonneer(api, key, ontvanger.url("/ping"))
    rot = (await api.post(f"/subscriptions/{sub['id']}/secret/rotate", json={"overlapSeconds": 3600}, headers=auth(key))).json()
    assert rot["secret"] != sub["secret"]
    resp = await api.post(f"/subscriptions/{sub['id']}/test", headers=auth(key))
    assert resp.status_code == 202
    await support.wait_for(lambda: ontvanger.at("/ping"), timeout=30, what="ping")
    [p] = ontvanger.at("/ping")
    assert p.headers["webhook-id"] == resp.json()["webhookId"] and p.json["type"] == "be.jeugdhulp.webhooks.Ping"
    assert len(p.headers["webhook-signature"].split(" ")) == 2  # old and new secret both sign during the overlap
    Webhook(sub["secret"]).verify(p.body, p.headers)
    Webhook(rot["secret"]).verify(p.body, p.headers)

    # Without overlap the old secret stops signing at once.
    rot2 = (await api.post(f"/subscriptions/{sub['id']}/secret/rotate", json={"overlapSeconds": 0}, headers=auth(key))).json()
    # Paused: queued, not sent; resumed: sent.
    assert (await api.post(f"/subscriptions/{sub['id']}/pause", headers=auth(key))).json()["status"] == "PAUSED"
    ping2 = (await api.post(f"/subscriptions/{sub['id']}/test", headers=auth(key))).json()["webhookId"]
    [queued] = [d for d in await deliveries(api, key, sub["id"]) if d["webhookId"] == ping2]
    assert queued["status"] == "PENDING" and queued["attempts"] == 0
    await api.post(f"/subscriptions/{sub['id']}/resume", headers=auth(key))
    await support.wait_for(lambda: len(ontvanger.at("/ping")) == 2, timeout=30, what="second ping")
    p2 = ontvanger.at("/ping")[1]
    assert len(p2.headers["webhook-signature"].split(" ")) == 1
    Webhook(rot2["secret"]).verify(p2.body, p2.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(rot["secret"]).verify(p2.body, p2.headers)

    resp = await api.patch(f"/subscriptions/{sub['id']}", json={"description": "nieuw", "eventTypes": [AanmeldingGescreend.event_type]}, headers=auth(key))
    assert resp.status_code == 200 and resp.json()["eventTypes"] == [AanmeldingGescreend.event_type]
    assert (await api.delete(f"/subscriptions/{sub['id']}", headers=auth(key))).status_code == 204
    assert (await api.get(f"/subscriptions/{sub['id']}", headers=auth(key))).status_code == 404


async def test_traject_events_reach_the_organisations_of_the_traject_only(api: httpx.AsyncClient, ontvanger: Ontvanger) -> None:
    from jeugdhulp_common.contracts.traject import RolToewijzing, StartgesprekGepland, TrajectAfgerond, TrajectBlokkadeGewijzigd, TrajectGestart, TrajectRolToegewezen
    from jeugdhulp_common.contracts.vocabulary import AfrondingsReden, BlokkadeStatus, Rol

    tag = uuid.uuid4().hex[:6]
    aanmelder, rol, later, vreemd = (f"{n} {tag}" for n in ("Aanmelder", "Rolhouder", "Later", "Vreemd"))
    keys = {o: await sleutel(o, Toegangsrol.PARTNER) for o in (aanmelder, rol, later, vreemd)}
    subs = {o: await abonneer(api, keys[o], ontvanger.url(f"/t-{i}-{tag}")) for i, o in enumerate((aanmelder, rol, later, vreemd))}
    path = {o: f"/t-{i}-{tag}" for i, o in enumerate((aanmelder, rol, later, vreemd))}
    aid, tid = uuid.uuid4(), uuid.uuid4()
    await publiceer(gescreend(aanmelder, aid))
    await support.wait_for(lambda: ontvanger.delivered(path[aanmelder]), timeout=60, what="the aanmelding is known")

    gepland = StartgesprekGepland(traject_id=tid, datum=dt.date(2026, 12, 1), genodigden=[])
    gestart = TrajectGestart(
        traject_id=tid, aanmelding_id=aid, startdatum=dt.date(2026, 12, 1), evaluatie_datum=dt.date(2027, 3, 1),
        rollen=[RolToewijzing(rol=Rol.TRAJECTCOORDINATOR, organisatie=rol)], trajectcoordinator_gemandateerd=True,
    )
    blokkade = TrajectBlokkadeGewijzigd(traject_id=tid, van=None, naar=BlokkadeStatus.GEBLOKKEERD, acute_crisis=False)
    toegewezen = TrajectRolToegewezen(traject_id=tid, rol=Rol.CASEMANAGER, organisatie=later)
    afgerond = TrajectAfgerond(traject_id=tid, afgerond_op=dt.date(2027, 3, 1), redenen=[AfrondingsReden.BLOKKADES_DOORBROKEN])
    await publiceer(gepland, gestart, blokkade, toegewezen, afgerond)

    def types(o: str) -> list[str]:
        return [r.json["type"].rsplit(".", 1)[1] for r in ontvanger.delivered(path[o]).values()]  # arrival order

    await support.wait_for(lambda: "TrajectAfgerond" in types(rol) and "TrajectAfgerond" in types(later) and "TrajectAfgerond" in types(aanmelder),
                           timeout=60, what="afgerond everywhere")
    full = ["TrajectGestart", "TrajectBlokkadeGewijzigd", "TrajectRolToegewezen", "TrajectAfgerond"]
    assert types(rol) == full  # never the P-class StartgesprekGepland
    assert types(aanmelder) == ["AanmeldingGescreend", *full]
    assert types(later) == ["TrajectRolToegewezen", "TrajectAfgerond"]  # from its role on, not before
    assert (await deliveries(api, keys[vreemd], subs[vreemd]["id"])) == [] and ontvanger.at(path[vreemd]) == []
    for o in (aanmelder, rol, later):
        for r in ontvanger.at(path[o]):
            check_privacy(r)
            Webhook(subs[o]["secret"]).verify(r.body, r.headers)
