"""The traject API in process on the real Postgres (the middle tier; no broker). A traject is made as in
production, by the consumer's handler of ``AanmeldingOpgestart``, here called directly in a transaction.

Covers: 401/403 per role set, partner isolation (404, also in the list), transitions refused with the common problem
shape (409), request fields named (422, from pydantic and from the domain), the page envelope and its bounds, the
DIW approval and refusal (fund cap, decision roles) and what the routes stage in the outbox."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from jeugdhulp_common.auth import Toegangsrol as R
from jeugdhulp_common.consumer import MessageMeta
from jeugdhulp_common.contracts.aanmelding import AanmeldingOpgestart, InstemmingVastgelegd
from jeugdhulp_common.contracts.traject import DIWAanvraagBeslist, StartgesprekGepland, TrajectGestart
from jeugdhulp_common.contracts.vocabulary import AanmelderCategorie
from traject.service_layer.handlers import aanmelding_opgestart, instemming_vastgelegd

PROBLEM = "https://jeugdhulp.example/problems/"
META = MessageMeta(topic="in-process", partition=0, offset=0, headers={})
START = dt.date(2024, 3, 4)


@pytest.fixture
async def svc(in_process):
    return await in_process("traject")


async def _handel(svc, handler, ev) -> None:
    """The consumer's handler in a transaction of its own (as the consumer's inbox transaction would be)."""
    async with async_sessionmaker(svc.engine, expire_on_commit=False).begin() as session:
        await handler(session, ev, META)


async def nieuw_traject(svc, organisatie: str = "ORG-PARTNER") -> str:
    ev = AanmeldingOpgestart(aanmelding_id=uuid.uuid4(), aanmelder_organisatie=organisatie, aanmelder_categorie=AanmelderCategorie.VOORZIENING)
    await _handel(svc, aanmelding_opgestart, ev)
    rows = await svc_db(svc, "SELECT traject_id FROM traject WHERE aanmelding_id = $1", ev.aanmelding_id)
    return str(rows[0]["traject_id"])


async def svc_db(svc, sql: str, *args):
    import support

    return await support.db_fetch(svc.name, sql, *args)


def _deelnemer(functie: str, organisatie: str) -> dict:
    return {"functie": functie, "organisatie": organisatie}


def startgesprek(datum: dt.date = START, **override) -> dict:
    body = {
        "datum": datum.isoformat(),
        "deelnemers": [_deelnemer("consulent", "ORG-PARTNER"), _deelnemer("planmaker", "Co-ncept")],
        "afspraken": {"overzichtBewaarder": _deelnemer("consulent", "ORG-PARTNER"), "rondeTafelsOrganisator": _deelnemer("planmaker", "Co-ncept")},
        "rollen": [{"rol": "TRAJECTCOORDINATOR", "organisatie": "ORG-PARTNER", "persoon": "Mira Coördinator"}],
    }
    return body | override


async def lopend(svc) -> str:
    tid = await nieuw_traject(svc)
    async with svc.als(R.PLANMAKER) as c:
        r = await c.post(f"/trajecten/{tid}/startgesprek", json=startgesprek())
        assert r.status_code == 200, r.text
    return tid


def assert_problem(r, status: int, slug: str, field: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["type"] == PROBLEM + slug and body["status"] == status and body["title"]
    if field is not None:
        assert [e["field"] for e in body["errors"]] == [field], body
    return body


# --------------------------------------------------------------------------- access


async def test_every_route_needs_a_key_and_the_right_role(svc) -> None:
    tid = await nieuw_traject(svc)
    aid = str(uuid.uuid4())
    async with svc.als(None) as c:
        for methode, pad in (("GET", "/trajecten"), ("GET", f"/trajecten/{tid}"), ("POST", f"/trajecten/{tid}/regie"),
                             ("GET", f"/diw-aanvragen/{aid}"), ("POST", "/historiek")):
            assert (await c.request(methode, pad, json={})).status_code == 401, pad
    async with svc.als(R.PARTNER) as c:
        for methode, pad in (("POST", f"/trajecten/{tid}/regie"), ("POST", f"/trajecten/{tid}/diw-aanvragen"),
                             ("GET", f"/trajecten/{tid}/diw-aanvragen"), ("POST", "/historiek")):
            assert (await c.request(methode, pad, json={})).status_code == 403, pad
    async with svc.als(R.STUURGROEP) as c:
        assert (await c.get("/trajecten")).status_code == 403  # the stuurgroep reads DIW, not trajecten
        assert (await c.post(f"/trajecten/{tid}/project-einde", json={})).status_code == 403
    async with svc.als(R.PLANMAKER) as c:
        assert (await c.post(f"/trajecten/{tid}/project-einde", json={})).status_code == 403  # the coördinator's
        assert (await c.post(f"/diw-aanvragen/{aid}/goedkeuring", json={})).status_code == 403  # a DIW decision


async def test_a_partner_sees_only_trajecten_its_organisation_has_a_role_in(svc) -> None:
    eigen = await nieuw_traject(svc, "ORG-PARTNER")
    async with svc.als(R.PARTNER) as c:
        assert (await c.get(f"/trajecten/{eigen}")).json()["trajectId"] == eigen
    async with svc.als("ANDERE_PARTNER") as c:
        assert_problem(await c.get(f"/trajecten/{eigen}"), 404, "niet-gevonden")
        page = (await c.get("/trajecten", params={"limit": 200})).json()
        assert page["total"] == 0 and page["items"] == []
    async with svc.als(R.PLANMAKER) as c:
        assert_problem(await c.get(f"/trajecten/{uuid.uuid4()}"), 404, "niet-gevonden")
        assert_problem(await c.post(f"/trajecten/{uuid.uuid4()}/regie", json={"naarOrganisatie": "X"}), 404, "niet-gevonden")


async def test_a_partner_reads_no_personal_data_after_the_consent_for_sharing_was_withdrawn(svc) -> None:
    tid = await lopend(svc)
    aanmelding = (await svc_db(svc, "SELECT aanmelding_id FROM traject WHERE traject_id = $1", uuid.UUID(tid)))[0]["aanmelding_id"]
    ev = InstemmingVastgelegd(aanmelding_id=aanmelding, door="JONGERE", scope=["GEGEVENSDELING_PARTNERS"], ingetrokken=True,
                              op=dt.datetime(2024, 4, 1, 9, tzinfo=dt.UTC))
    await _handel(svc, instemming_vastgelegd, ev)
    async with svc.als(R.PARTNER) as c:
        t = (await c.get(f"/trajecten/{tid}")).json()
    assert t["gegevensGedeeld"] is False and all(r["persoon"] is None for r in t["rollen"])
    assert t["instemming"]["gegevensdelingIngetrokkenOp"] == "2024-04-01"
    async with svc.als(R.PLANMAKER) as c:
        t = (await c.get(f"/trajecten/{tid}")).json()
    assert t["gegevensGedeeld"] is True and "Mira Coördinator" in [r["persoon"] for r in t["rollen"]]
    audit = await svc_db(svc, "SELECT actie FROM audit_log WHERE aggregate_id = $1", tid)
    assert "INSTEMMING_INGETROKKEN" in [a["actie"] for a in audit]


# --------------------------------------------------------------------------- the life cycle and refusals


async def test_opstart_stages_its_events_and_refused_transitions_answer_409_with_the_common_shape(svc) -> None:
    tid = await nieuw_traject(svc)
    async with svc.als(R.PLANMAKER) as c:
        r = await c.post(f"/trajecten/{tid}/startgesprek/planning", json={"datum": "2024-03-01", "genodigden": [_deelnemer("consulent", "ORG-PARTNER")]})
        assert r.status_code == 200 and r.json()["status"] == "IN_OPSTART" and r.json()["geplandStartgesprek"]["datum"] == "2024-03-01"
        body = assert_problem(await c.post(f"/trajecten/{tid}/verlenging", json={"besluitOverlegId": str(uuid.uuid4())}), 409, "ongeldige-overgang")
        assert "IN_OPSTART" in body["detail"]
        t = (await c.post(f"/trajecten/{tid}/startgesprek", json=startgesprek())).json()
        assert t["status"] == "LOPEND" and t["startdatum"] == START.isoformat() and t["evaluatieDatum"] == "2024-06-04"
        assert_problem(await c.post(f"/trajecten/{tid}/startgesprek", json=startgesprek()), 409, "ongeldige-overgang")
        ronde = {"overlegId": str(uuid.uuid4()), "datum": "2024-03-01", "planAangepast": False}
        assert_problem(await c.post(f"/trajecten/{tid}/ronde-tafels", json=ronde), 409, "regel-geschonden", "datum")
    staged = {r["event_type"] for r in await svc.outbox() if r["key"] == tid}
    assert {StartgesprekGepland.event_type, TrajectGestart.event_type} <= staged


async def test_request_fields_are_named_in_422_from_the_shape_and_from_the_domain(svc) -> None:
    tid = await nieuw_traject(svc)
    async with svc.als(R.PLANMAKER) as c:
        zonder = startgesprek(afspraken={"rondeTafelsOrganisator": _deelnemer("planmaker", "Co-ncept")})
        assert_problem(await c.post(f"/trajecten/{tid}/startgesprek", json=zonder), 422, "ongeldige-invoer", "afspraken.overzichtBewaarder")
        blanco = startgesprek(deelnemers=[_deelnemer("  ", "ORG-PARTNER")])
        assert_problem(await c.post(f"/trajecten/{tid}/startgesprek", json=blanco), 422, "ongeldige-invoer", "deelnemers[0].functie")
        r = await c.put(f"/trajecten/{tid}/blokkade", json={"blokkadeStatus": "ZWAAR"})
        assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["blokkadeStatus"]
        assert_problem(await c.put(f"/trajecten/{tid}/blokkade", json={}), 422, "ongeldige-invoer", "blokkadeStatus")
        r = await c.post(f"/trajecten/{tid}/startgesprek", json={**startgesprek(), "onbekend": 1})
        assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["onbekend"]
        assert (await c.get(f"/trajecten/{tid}")).json()["status"] == "IN_OPSTART"  # nothing changed


async def test_the_list_is_a_bounded_page(svc) -> None:
    for _ in range(2):
        await nieuw_traject(svc, "ORG-PARTNER")
    async with svc.als(R.PARTNER) as c:
        p1 = (await c.get("/trajecten", params={"limit": 1})).json()
        p2 = (await c.get("/trajecten", params={"limit": 1, "offset": 1})).json()
        assert set(p1) == {"items", "total", "limit", "offset"} and p1["limit"] == 1 and p2["offset"] == 1
        assert p1["total"] >= 2 and len(p1["items"]) == 1 and p1["items"][0]["trajectId"] != p2["items"][0]["trajectId"]
        alle = (await c.get("/trajecten", params={"limit": 200, "status": "IN_OPSTART"})).json()
        assert all(t["status"] == "IN_OPSTART" for t in alle["items"])
        for params, veld in (({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"offset": -1}, "offset"),
                             ({"offset": 10**12}, "offset"), ({"status": "WEG"}, "status")):
            r = await c.get("/trajecten", params=params)
            assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == [veld], params


# --------------------------------------------------------------------------- DIW-fonds


def formulier(bedrag: int) -> dict:
    return {
        "aanvrager": "Piet Planmaker", "aanvragerOrganisatie": "Co-ncept", "bestemming": "contextbegeleiding",
        "bedragEurocent": bedrag, "gewenstEffect": "gedeelde zorg", "partners": [{"organisatie": "VZW", "taak": "opvolging"}],
        "geschatteDuurMaanden": 3, "engagementDriemaandelijkseEvaluatie": True, "zonderExtraMiddelen": "x",
        "afbouwplan": "y", "casemanager": "Bart", "casemanagerEngagement": "z", "actBevraagdOp": "2024-03-05",
    }  # fmt: skip


async def besproken(c, tid: str, bedrag: int) -> str:
    r = await c.post(f"/trajecten/{tid}/diw-aanvragen", json=formulier(bedrag))
    assert r.status_code == 201 and r.json()["status"] == "CONCEPT", r.text
    aid = r.json()["aanvraagId"]
    assert (await c.post(f"/diw-aanvragen/{aid}/indienen", json={"op": "2024-03-10"})).json()["status"] == "INGEDIEND"
    assert (await c.post(f"/diw-aanvragen/{aid}/team-bespreking", json={"op": "2024-03-12"})).json()["status"] == "BESPROKEN_OP_TEAM"
    return aid


async def test_diw_approval_and_refusal(svc) -> None:
    tid = await lopend(svc)
    async with svc.als(R.PLANMAKER) as pm, svc.als(R.STUURGROEP) as sg, svc.als(R.COORDINATOR) as co:
        opstart = await nieuw_traject(svc)
        assert_problem(await pm.post(f"/trajecten/{opstart}/diw-aanvragen", json=formulier(1000)), 409, "regel-geschonden", "trajectId")
        leeg = (await pm.post(f"/trajecten/{tid}/diw-aanvragen", json={})).json()["aanvraagId"]
        assert_problem(await pm.post(f"/diw-aanvragen/{leeg}/indienen", json={"op": "2024-03-10"}), 409, "regel-geschonden", "aanvrager")

        goed, af, te_veel = await besproken(pm, tid, 1000), await besproken(pm, tid, 2000), await besproken(pm, tid, 2_500_001)
        r = await sg.post(f"/diw-aanvragen/{goed}/goedkeuring", json={"op": "2024-03-15"})
        assert r.status_code == 200 and r.json()["status"] == "GOEDGEKEURD" and r.json()["gebruikTot"] == "2024-06-15", r.text
        assert_problem(await sg.post(f"/diw-aanvragen/{goed}/goedkeuring", json={"op": "2024-03-15"}), 409, "ongeldige-overgang")
        assert_problem(await co.post(f"/diw-aanvragen/{te_veel}/goedkeuring", json={"op": "2024-03-15"}), 409, "regel-geschonden", "bedragEurocent")
        assert_problem(await co.post(f"/diw-aanvragen/{af}/afwijzing", json={"op": "2024-03-15", "reden": "  "}), 422, "ongeldige-invoer", "reden")
        r = await co.post(f"/diw-aanvragen/{af}/afwijzing", json={"op": "2024-03-15", "reden": "past binnen de module"})
        assert r.status_code == 200 and r.json()["status"] == "AFGEWEZEN" and r.json()["afwijzingsreden"] == "past binnen de module"

        r = await pm.post(f"/diw-aanvragen/{goed}/gebruik", json={"op": "2024-03-20"})
        assert r.json()["status"] == "IN_GEBRUIK"
        kolom = await svc_db(svc, "SELECT volgende_evaluatie_datum FROM diw_aanvraag WHERE aanvraag_id = $1", uuid.UUID(goed))
        assert kolom[0]["volgende_evaluatie_datum"] == dt.date(2024, 6, 20)  # the domain's schedule, kept for the timer

        page = (await sg.get(f"/trajecten/{tid}/diw-aanvragen", params={"limit": 2})).json()
        assert page["total"] == 4 and [a["aanvraagId"] for a in page["items"]] == [leeg, goed]
        assert (await sg.get(f"/diw-aanvragen/{af}")).json()["status"] == "AFGEWEZEN"
        assert_problem(await sg.get(f"/trajecten/{uuid.uuid4()}/diw-aanvragen"), 404, "niet-gevonden")
        assert (await sg.get(f"/trajecten/{tid}/diw-aanvragen", params={"limit": 201})).status_code == 422
    beslist = [json.loads(r["payload"]) for r in await svc.outbox(DIWAanvraagBeslist.event_type)]
    assert {(p["aanvraagId"], p["status"]) for p in beslist} >= {(goed, "GOEDGEKEURD"), (af, "AFGEWEZEN")}


# --------------------------------------------------------------------------- history import


async def test_history_import_replays_trajecten_at_their_own_dates_all_or_nothing(svc) -> None:
    from jeugdhulp_common import historiek

    run = uuid.uuid4().hex[:8]
    refs = [f"H-{run}-{i}" for i in range(4)]
    for ref in refs[:3]:
        ev = AanmeldingOpgestart(aanmelding_id=historiek.aanmelding_id(ref), aanmelder_organisatie="ORG-PARTNER",
                                 aanmelder_categorie=AanmelderCategorie.VOORZIENING)
        await _handel(svc, aanmelding_opgestart, ev)
    tids = [str((await svc_db(svc, "SELECT traject_id FROM traject WHERE aanmelding_id = $1", historiek.aanmelding_id(r)))[0]["traject_id"])
            for r in refs[:3]]
    rijen = [
        {"ref": refs[0], "startdatum": "2023-02-01", "afgerond_op": "2023-09-15", "afrondingsredenen": "ADEMRUIMTE_GECREEERD"},
        {"ref": refs[1], "startdatum": "2023-03-01"},
        {"ref": refs[3]},  # did not start: no traject needed
    ]
    async with svc.als(R.COORDINATOR) as c:
        # One refused row refuses the file: nothing is imported, every refusal named by line and column.
        fout = [*rijen, {"ref": refs[2], "startdatum": "2023-05-01", "afgerond_op": "2023-04-01", "afrondingsredenen": "ADEMRUIMTE_GECREEERD"},
                {"ref": f"H-{run}-onbekend", "startdatum": "2023-05-01"}]
        r = await c.post("/historiek", json={"rijen": fout})
        assert r.status_code == 422, r.text
        assert [(e["line"], e["field"]) for e in r.json()["errors"]] == [(4, "afgerond_op"), (5, "ref")]
        assert (await c.get(f"/trajecten/{tids[0]}")).json()["status"] == "IN_OPSTART"

        r = await c.post("/historiek", json={"rijen": rijen})
        assert r.status_code == 200 and r.json() == {"rijen": 3, "nieuw": 2, "ongewijzigd": 0, "zonderTraject": 1}, r.text
        t = (await c.get(f"/trajecten/{tids[0]}")).json()
        assert t["status"] == "AFGEROND" and t["startdatum"] == "2023-02-01" and t["afgerondOp"] == "2023-09-15"
        assert (await c.get(f"/trajecten/{tids[1]}")).json()["status"] == "LOPEND"
        # Re-importing changes nothing; other dates for a recorded traject are refused.
        assert (await c.post("/historiek", json={"rijen": rijen})).json()["ongewijzigd"] == 2
        r = await c.post("/historiek", json={"rijen": [{"ref": refs[1], "startdatum": "2023-03-02"}]})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "startdatum"
    staged = [r["event_type"].rsplit(".", 1)[-1] for r in await svc.outbox() if r["key"] == tids[0]]
    assert staged == ["TrajectGestart", "TrajectAfgerond"]
    audit = await svc_db(svc, "SELECT actie FROM audit_log WHERE aggregate_id = $1 AND actie = 'HISTORIEK_IMPORT'", tids[0])
    assert len(audit) == 1


async def test_an_approval_waiting_too_long_for_the_fund_lock_is_a_409(svc) -> None:
    """Another approval holding the fund (here: a session holding its advisory lock) makes this one wait the
    connection's lock_timeout, then refuse as a concurrent change, not fail with a 500; nothing is stored."""
    import asyncpg
    import support

    from traject.adapters.repository import DIW_FONDS_LOCK_ID

    tid = await lopend(svc)
    async with svc.als(R.PLANMAKER) as pm, svc.als(R.STUURGROEP) as sg:
        aid = await besproken(pm, tid, 1000)
        houder = await asyncpg.connect(support.asyncpg_dsn("traject"))
        try:
            await houder.execute("SELECT pg_advisory_lock($1)", DIW_FONDS_LOCK_ID)
            assert_problem(await sg.post(f"/diw-aanvragen/{aid}/goedkeuring", json={"op": "2024-03-15"}), 409, "gelijktijdig-gewijzigd")
        finally:
            await houder.close()
        assert (await sg.get(f"/diw-aanvragen/{aid}")).json()["status"] == "BESPROKEN_OP_TEAM"
        assert (await sg.post(f"/diw-aanvragen/{aid}/goedkeuring", json={"op": "2024-03-15"})).json()["status"] == "GOEDGEKEURD"
