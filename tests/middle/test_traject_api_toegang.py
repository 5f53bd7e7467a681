"""Partner scoping, the audit log of reads, changes and refusals, and the afronding's guards of the traject API, in
process on the real Postgres (moved here from tests/integration/traject: they need no broker). Trajecten are made by
the consumer's handler, called directly (see test_traject_api.py)."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import httpx
import pytest
import support
from test_traject_api import nieuw_traject, startgesprek

from jeugdhulp_common.auth import Toegangsrol, create_credential
from jeugdhulp_common.contracts.traject import TrajectAfgerond

SWO_ANTWOORDEN = [
    {"vraagId": "E3", "blokkadeStatus": "GEBLOKKEERD"},
    {"vraagId": "E4", "blokkadeStatus": "NIET_GEBLOKKEERD"},
    {"vraagId": "E5a", "tekst": "wachtlijst voor een voorziening hield alles tegen"},
]
START = dt.date(2024, 1, 10)
SWO = dt.date(2024, 6, 3)


@pytest.fixture
async def svc(in_process):
    return await in_process("traject")


async def sleutel(organisatie: str, *rollen: Toegangsrol) -> dict[str, str]:
    key = await create_credential({"traject": support.database_url("traject")}, organisatie, list(rollen))
    return {"Authorization": f"Bearer {key}"}


def client(svc, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=svc.app), base_url="http://in-process", headers=headers or {})


async def audit(c: httpx.AsyncClient, coordinator: dict, tid: str, *, geweigerd: int = 0) -> list[dict]:
    """The audit rows of ``tid``; with ``geweigerd``, once that many refusals are in (a refusal is audited after its
    answer was sent: wait for the rows, not for a fixed time)."""

    async def rijen() -> list[dict] | None:
        r = await c.get("/audit", params={"aggregateId": tid, "limit": 200}, headers=coordinator)
        assert r.status_code == 200, r.text
        rows = r.json()
        return rows if sum(a["actie"] == "GEWEIGERD" for a in rows) >= geweigerd else None

    return await support.wait_for(rijen, timeout=10, what=f"{geweigerd} refusals audited")  # type: ignore[return-value]


async def test_partner_scoping_reads_writes_and_the_audit_log(svc) -> None:
    run = uuid.uuid4().hex[:6].upper()
    tordale, hazelaar, pleegzorg = f"Tordale {run}", f"De Hazelaar {run}", f"Pleegzorg West-Vlaanderen {run}"
    tid = await nieuw_traject(svc, tordale)  # Tordale holds the AANMELDER role
    andere = await nieuw_traject(svc, hazelaar)
    h_tordale, h_vreemd = await sleutel(tordale, Toegangsrol.PARTNER), await sleutel(pleegzorg, Toegangsrol.PARTNER)
    team, coordinator = await sleutel("Co-ncept", Toegangsrol.PLANMAKER), await sleutel("Co-ncept", Toegangsrol.COORDINATOR)
    async with client(svc) as c:
        r = await c.get(f"/trajecten/{tid}", headers=h_tordale)
        assert r.status_code == 200 and r.json()["trajectId"] == tid
        assert (await c.get(f"/trajecten/{tid}", headers=h_vreemd)).status_code == 404
        lijst = (await c.get("/trajecten", params={"limit": 200}, headers=h_tordale)).json()
        assert {i["trajectId"] for i in lijst["items"]} == {tid} and lijst["total"] == 1 and andere
        assert (await c.get("/trajecten", headers=h_vreemd)).json()["total"] == 0

        # A partner cannot write, not even on its own traject.
        assert (await c.put(f"/trajecten/{tid}/blokkade", json={"blokkadeStatus": "GEBLOKKEERD"}, headers=h_tordale)).status_code == 403
        assert (await c.post(f"/trajecten/{tid}/startgesprek", json=startgesprek(), headers=h_tordale)).status_code == 403

        # A role gives access: after the team assigns a role to Pleegzorg, it reads the traject.
        r = await c.post(f"/trajecten/{tid}/rollen", json={"rol": "CASEMANAGER", "organisatie": pleegzorg}, headers=team)
        assert r.status_code == 200, r.text
        assert (await c.get(f"/trajecten/{tid}", headers=h_vreemd)).status_code == 200

        acties = {(a["organisatie"], a["actie"]) for a in await audit(c, coordinator, tid, geweigerd=3)}
        assert {(tordale, "LEZEN"), ("Co-ncept", "ROL_TOEWIJZEN"), (pleegzorg, "LEZEN"), (pleegzorg, "GEWEIGERD"), (tordale, "GEWEIGERD")} <= acties


async def test_a_partner_probing_another_organisations_traject_leaves_refusals_in_the_audit_log(svc) -> None:
    tid = await nieuw_traject(svc, "VOT")
    elders = await sleutel(f"Elders {uuid.uuid4().hex[:6]}", Toegangsrol.PARTNER)
    team, coordinator = await sleutel("Co-ncept", Toegangsrol.PLANMAKER), await sleutel("Co-ncept", Toegangsrol.COORDINATOR)
    async with client(svc) as c:
        assert (await c.get(f"/trajecten/{tid}", headers=elders)).status_code == 404
        assert (await c.put(f"/trajecten/{tid}/blokkade", json={"acuteCrisis": True}, headers=elders)).status_code == 403
        assert (await c.get(f"/trajecten/{tid}", headers={"Authorization": "Bearer jh_nonsense"})).status_code == 401
        refused = [a for a in await audit(c, coordinator, tid, geweigerd=3) if a["actie"] == "GEWEIGERD"]
        org = next(a["organisatie"] for a in refused if a["organisatie"])
        assert {(a["organisatie"], a["aggregateType"], a["reden"]) for a in refused} == {
            (org, "GET /trajecten/{traject_id}", "404 Not found"),
            (org, "PUT /trajecten/{traject_id}/blokkade", "403 Forbidden"),
            ("", "GET /trajecten/{traject_id}", "401 Unauthorized"),
        }
        assert all(a["op"] and a["credentialId"] for a in refused)
        # A refused change is audited although the change itself was rolled back (409, naming the field).
        r = await c.post(f"/trajecten/{tid}/afronding", json={"besluitOverlegId": str(uuid.uuid4()), "redenen": ["BLOKKADES_DOORBROKEN"]}, headers=team)
        assert r.status_code == 409
        rows = await audit(c, coordinator, tid, geweigerd=4)
        assert any(a["aggregateType"] == "POST /trajecten/{traject_id}/afronding" and a["reden"].startswith("409 ") for a in rows)


def _afgewezen(r: httpx.Response, veld: str | None, status: int = 409) -> None:
    """Refused: 409 for the traject's state or a guard, 422 for what the request itself lacks."""
    assert r.status_code == status, r.text
    if veld is None:
        assert "errors" not in r.json()
    else:
        assert r.json()["errors"][0]["field"] == veld, r.json()


async def _in_afronding(svc, c: httpx.AsyncClient, *, start: dt.date = START) -> tuple[str, str]:
    tid = await nieuw_traject(svc)
    assert (await c.post(f"/trajecten/{tid}/startgesprek", json=startgesprek(start))).status_code == 200
    overleg = str(uuid.uuid4())
    assert (await c.post(f"/trajecten/{tid}/samenwerkingsoverleg-einde/planning", json={"overlegId": overleg, "datum": SWO.isoformat()})).status_code == 200
    return tid, overleg


async def test_afronding_is_refused_in_each_guarded_case(svc) -> None:
    async with svc.als(Toegangsrol.PLANMAKER) as c:
        # Not from LOPEND: only after the samenwerkingsoverleg einde was planned (transition table, no field).
        tid = await nieuw_traject(svc)
        assert (await c.post(f"/trajecten/{tid}/startgesprek", json=startgesprek(START))).status_code == 200
        _afgewezen(await c.post(f"/trajecten/{tid}/afronding", json={"besluitOverlegId": str(uuid.uuid4()), "redenen": ["BLOKKADES_DOORBROKEN"]}), None)
        # Planning the afronding is postponed while in acute crisis.
        assert (await c.put(f"/trajecten/{tid}/blokkade", json={"acuteCrisis": True})).status_code == 200
        _afgewezen(await c.post(f"/trajecten/{tid}/samenwerkingsoverleg-einde/planning", json={"datum": SWO.isoformat()}), "acuteCrisis")

        tid, overleg = await _in_afronding(svc, c)
        af = f"/trajecten/{tid}/afronding"
        # Only as the decision of the held samenwerkingsoverleg einde.
        _afgewezen(await c.post(af, json={"besluitOverlegId": overleg, "redenen": ["BLOKKADES_DOORBROKEN"]}), "besluitOverlegId")
        swo = {"overlegId": overleg, "datum": SWO.isoformat(), "antwoorden": SWO_ANTWOORDEN}
        assert (await c.post(f"/trajecten/{tid}/samenwerkingsoverleg-einde", json=swo)).status_code == 200
        # At least one (known) reason code: what the request lacks.
        _afgewezen(await c.post(af, json={"besluitOverlegId": overleg, "redenen": []}), "redenen", 422)
        r = await c.post(af, json={"besluitOverlegId": overleg, "redenen": ["ONBEKEND"]})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "redenen.0"
        # Not while in acute crisis.
        assert (await c.put(f"/trajecten/{tid}/blokkade", json={"acuteCrisis": True})).status_code == 200
        _afgewezen(await c.post(af, json={"besluitOverlegId": overleg, "redenen": ["BLOKKADES_DOORBROKEN"]}), "acuteCrisis")
        assert (await c.put(f"/trajecten/{tid}/blokkade", json={"acuteCrisis": False})).status_code == 200
        # Not before the samenwerkingsoverleg itself.
        vroeg = {"besluitOverlegId": overleg, "redenen": ["BLOKKADES_DOORBROKEN"], "afgerondOp": (SWO - dt.timedelta(days=1)).isoformat()}
        _afgewezen(await c.post(af, json=vroeg), "afgerondOp")
        assert (await c.get(f"/trajecten/{tid}")).json()["status"] == "IN_AFRONDING"  # every refusal changed nothing
        r = await c.post(af, json={"besluitOverlegId": overleg, "redenen": ["BLOKKADES_DOORBROKEN", "ADEMRUIMTE_GECREEERD"], "afgerondOp": SWO.isoformat()})
        assert r.status_code == 200 and r.json()["status"] == "AFGEROND" and r.json()["afgerondOp"] == SWO.isoformat()
        _afgewezen(await c.put(f"/trajecten/{tid}/blokkade", json={"acuteCrisis": True}), None)  # frozen once AFGEROND

        # Before the minimum looptijd: only with an override reason.
        kort, overleg = await _in_afronding(svc, c, start=SWO - dt.timedelta(days=31))
        af = f"/trajecten/{kort}/afronding"
        assert (await c.post(f"/trajecten/{kort}/samenwerkingsoverleg-einde", json={"overlegId": overleg, "datum": SWO.isoformat()})).status_code == 200
        basis = {"besluitOverlegId": overleg, "redenen": ["REGIE_OVERGEDRAGEN"], "afgerondOp": SWO.isoformat()}
        _afgewezen(await c.post(af, json=basis), "overrideReden")
        _afgewezen(await c.post(af, json={**basis, "overrideReden": "  "}), "overrideReden")
        r = await c.post(af, json={**basis, "overrideReden": "Veilige Trajecten nam de regie over"})
        assert r.status_code == 200 and r.json()["status"] == "AFGEROND" and r.json()["afrondingOverrideReden"]
    staged = [r for r in await svc.outbox(TrajectAfgerond.event_type) if r["key"] == kort]
    afgerond = json.loads(staged[0]["payload"])
    assert afgerond["voorMinimaleLooptijd"] is True and afgerond["redenen"] == ["REGIE_OVERGEDRAGEN"]
    assert "Veilige Trajecten nam" not in staged[0]["payload"]  # the override reason stays here
