"""Every read and every change of an aanmelding is in the audit log, readable by the coördinator only.
In the middle tier (the app in process on the real Postgres, no broker).
"""

from __future__ import annotations

from aanmelding_helpers import client_in_process, sleutels_in_process  # noqa: F401 - this tier's client and sleutels
from aanmelding_helpers import ORG_A, actie, assert_problem, auth, nieuw


async def _audit(client, sleutels, aid: str) -> list[dict]:
    resp = await client.get("/audit", params={"aggregateType": "Aanmelding", "aggregateId": aid}, headers=auth(sleutels.coordinator))
    assert resp.status_code == 200, resp.text
    return list(reversed(resp.json()))  # oldest first


async def test_reads_and_changes_are_audited_and_only_the_coordinator_reads_the_log(client, sleutels) -> None:
    aid = await nieuw(client, sleutels.partner_a)
    assert (await client.get(f"/aanmeldingen/{aid}", headers=auth(sleutels.partner_a))).status_code == 200
    lijst = (await client.get("/aanmeldingen", params={"limit": 200}, headers=auth(sleutels.planmaker))).json()
    assert aid in {i["aanmeldingId"] for i in lijst["items"]}
    assert (await actie(client, sleutels.planmaker, aid, "in-bespreking")).status_code == 200

    log = await _audit(client, sleutels, aid)
    assert [(r["actie"], r["organisatie"]) for r in log] == [
        ("AANMAKEN", ORG_A),
        ("SCREENEN", ORG_A),
        ("LEZEN", ORG_A),
        ("LEZEN", "Co-ncept planmakers (test)"),
        ("IN_BESPREKING_NEMEN", "Co-ncept planmakers (test)"),
    ]
    assert log[0]["rollen"] == ["PARTNER"] and log[-1]["rollen"] == ["PLANMAKER"]
    assert all(r["credentialId"] and r["op"] for r in log)

    # a refused change leaves no trace of a change
    assert (await actie(client, sleutels.planmaker, aid, "opstart")).status_code == 409
    assert len(await _audit(client, sleutels, aid)) == len(log)

    # every id of a list page is recorded as read
    pagina = (await client.get("/aanmeldingen", params={"limit": 3}, headers=auth(sleutels.partner_a))).json()
    for item in pagina["items"]:
        assert "LEZEN" in [r["actie"] for r in await _audit(client, sleutels, item["aanmeldingId"])]

    for key in (sleutels.partner_a, sleutels.planmaker, sleutels.stuurgroep):
        assert_problem(await client.get("/audit", headers=auth(key)), 403)
    assert_problem(await client.get("/audit"), 401)


async def test_intake_changes_are_audited(client, sleutels) -> None:
    assert (await client.put("/intake", json={"open": False, "reden": "audit-test"}, headers=auth(sleutels.coordinator))).status_code == 200
    assert (await client.put("/intake", json={"open": True}, headers=auth(sleutels.coordinator))).status_code == 200
    resp = await client.get("/audit", params={"aggregateType": "Intake", "limit": 2}, headers=auth(sleutels.coordinator))
    assert [r["actie"] for r in resp.json()] == ["OPENEN", "SLUITEN"]
