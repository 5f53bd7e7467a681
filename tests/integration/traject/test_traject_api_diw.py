"""DIW-fonds aanvragen (§4.8, §5.3): the life cycle, the roles that decide, the cap under concurrent approvals,
and the 3-monthly evaluation due event."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import support
from traject_helpers import (
    body_json,
    credential,
    event_type,
    events_van,
    lopend_traject,
    maanden_terug,
    nieuw_traject,
    post,
    start_service,
    vandaag,
    wacht_op_events,
)

from jeugdhulp_common import topics
from jeugdhulp_common.auth import Toegangsrol

CASEMANAGER = "Sofie Lambrecht"


def formulier(bedrag: int, **extra) -> dict:
    return {
        "aanvrager": "planmaker A",
        "aanvragerOrganisatie": "Co-ncept",
        "bestemming": "individuele begeleiding in de vrije tijd",
        "bedragEurocent": bedrag,
        "gewenstEffect": "dagstructuur",
        "partners": [{"organisatie": "INOA", "taak": "begeleiding"}],
        "geschatteDuurMaanden": 6,
        "engagementDriemaandelijkseEvaluatie": True,
        "zonderExtraMiddelen": "niet binnen de module",
        "afbouwplan": "overdracht naar reguliere hulp",
        "casemanager": CASEMANAGER,
        "casemanagerEngagement": "wekelijks contact",
        "actBevraagdOp": maanden_terug(1).isoformat(),
        **extra,
    }


async def _aanvraag_op_team(c: httpx.AsyncClient, team: dict, tid: uuid.UUID, bedrag: int) -> str:
    a = await post(c, f"/trajecten/{tid}/diw-aanvragen", formulier(bedrag), team, expect=201)
    await post(c, f"/diw-aanvragen/{a['aanvraagId']}/indienen", {}, team)
    await post(c, f"/diw-aanvragen/{a['aanvraagId']}/team-bespreking", {}, team)
    return a["aanvraagId"]


async def _goedgekeurd_totaal() -> int:
    return int(await support.db_fetchval(  # type: ignore[arg-type]
        "traject", "SELECT coalesce(sum(bedrag_eurocent), 0) FROM diw_aanvraag WHERE status IN ('GOEDGEKEURD', 'IN_GEBRUIK', 'AFGESLOTEN')"
    ))


async def test_diw_life_cycle_roles_and_guards(log_dir) -> None:
    proc = await start_service(log_dir)
    try:
        team = await credential("Co-ncept", Toegangsrol.PLANMAKER)
        stuurgroep = await credential("Stuurgroep", Toegangsrol.STUURGROEP)
        partner = await credential("VOT", Toegangsrol.PARTNER)
        async with httpx.AsyncClient(base_url=proc.url, timeout=30) as c:
            # Only for a running traject.
            r = await c.post(f"/trajecten/{await nieuw_traject()}/diw-aanvragen", json=formulier(1000), headers=team)
            assert r.status_code == 409 and r.json()["errors"][0]["field"] == "trajectId"
            tid = await lopend_traject(c, team, datum=maanden_terug(1))
            assert (await c.post(f"/trajecten/{tid}/diw-aanvragen", json=formulier(1000), headers=partner)).status_code == 403

            # A concept may be incomplete; submitting requires every field and the ACT consultation.
            a = await post(c, f"/trajecten/{tid}/diw-aanvragen", formulier(50_000, actBevraagdOp=None), team, expect=201)
            aid = a["aanvraagId"]
            r = await c.post(f"/diw-aanvragen/{aid}/indienen", json={}, headers=team)
            assert r.status_code == 409 and r.json()["errors"][0]["field"] == "actBevraagdOp"
            r = await c.put(f"/diw-aanvragen/{aid}", json=formulier(50_000, engagementDriemaandelijkseEvaluatie=False), headers=team)
            assert r.status_code == 200
            r = await c.post(f"/diw-aanvragen/{aid}/indienen", json={}, headers=team)
            assert r.status_code == 409 and r.json()["errors"][0]["field"] == "engagementDriemaandelijkseEvaluatie"
            await post(c, f"/diw-aanvragen/{aid}", formulier(50_000), team, expect=405)  # PUT, not POST
            assert (await c.put(f"/diw-aanvragen/{aid}", json=formulier(50_000), headers=team)).status_code == 200
            a = await post(c, f"/diw-aanvragen/{aid}/indienen", {}, team)
            assert a["status"] == "INGEDIEND"
            # Approval only after the team discussed it, and only by the stuurgroep or the coördinator.
            r = await c.post(f"/diw-aanvragen/{aid}/goedkeuring", json={}, headers=stuurgroep)
            assert r.status_code == 409
            await post(c, f"/diw-aanvragen/{aid}/team-bespreking", {}, team)
            assert (await c.post(f"/diw-aanvragen/{aid}/goedkeuring", json={}, headers=team)).status_code == 403
            # The use never runs past the subsidy end.
            r = await c.post(f"/diw-aanvragen/{aid}/goedkeuring", json={"gebruikTot": "2100-01-01"}, headers=stuurgroep)
            assert r.status_code == 409 and r.json()["errors"][0]["field"] == "gebruikTot"
            a = await post(c, f"/diw-aanvragen/{aid}/goedkeuring", {}, stuurgroep)
            assert a["status"] == "GOEDGEKEURD" and a["gebruikTot"]
            # In use from 4 months ago: the 3-monthly evaluation is due, and announced once by the timer.
            a = await post(c, f"/diw-aanvragen/{aid}/gebruik", {"op": vandaag().isoformat()}, team)
            assert a["status"] == "IN_GEBRUIK"

            # Reject path.
            weg = await _aanvraag_op_team(c, team, tid, 10_000)
            a = await post(c, f"/diw-aanvragen/{weg}/afwijzing", {"reden": "past binnen de module"}, stuurgroep)
            assert a["status"] == "AFGEWEZEN"
            lijst = (await c.get(f"/trajecten/{tid}/diw-aanvragen", headers=stuurgroep)).json()
            assert {x["aanvraagId"] for x in lijst["items"]} == {aid, weg} and lijst["total"] == 2
            assert (await c.get(f"/diw-aanvragen/{aid}", headers=partner)).status_code == 403

        recs = await wacht_op_events(topics.TRAJECT_MICRO, tid, ["DIWAanvraagIngediend", "DIWAanvraagBeslist", "DIWAanvraagIngediend", "DIWAanvraagBeslist"])
        beslist = [body_json(r) for r in recs if event_type(r) == "DIWAanvraagBeslist"]
        assert {(b["aanvraagId"], b["status"]) for b in beslist} == {(aid, "GOEDGEKEURD"), (weg, "AFGEWEZEN")}
        for r in recs:
            assert CASEMANAGER not in r.value.decode() and "planmaker A" not in r.value.decode()
            assert r.key.decode() == str(tid) and support.header(r, "ce_privacyclass") == "Ps"
    finally:
        proc.stop()


async def _diw_evaluaties(tid: uuid.UUID) -> list:
    return [r for r in await events_van(topics.TRAJECT_MICRO, tid) if event_type(r) == "DIWAanvraagEvaluatieVerschuldigd"]


async def _een_latere_diw_poll(c: httpx.AsyncClient, team: dict, coordinator: dict) -> None:
    """Wait, instead of sleeping, until the DIW timer has polled after this call: an aanvraag in use for seven
    months is announced and the outbox is drained. Polls claim due rows oldest first, so anything the timer would
    still (wrongly) announce again has been claimed, committed and published by then."""
    getuige = await lopend_traject(c, team, datum=maanden_terug(8))
    aid = await _aanvraag_op_team(c, team, getuige, 1_000)
    await post(c, f"/diw-aanvragen/{aid}/goedkeuring", {"op": maanden_terug(7).isoformat()}, coordinator)
    await post(c, f"/diw-aanvragen/{aid}/gebruik", {"op": maanden_terug(7).isoformat()}, team)
    await support.wait_for(lambda: _diw_evaluaties(getuige), timeout=60, interval=0.5, what="a later DIW timer poll")

    async def alles_gepubliceerd() -> bool:
        return await support.db_fetchval("traject", "SELECT count(*) = 0 FROM outbox WHERE published_at IS NULL")  # type: ignore[return-value]

    await support.wait_for(alles_gepubliceerd, timeout=30, what="outbox drained")


async def test_diw_evaluation_due_is_announced_once_per_period(log_dir) -> None:
    team = await credential("Co-ncept", Toegangsrol.PLANMAKER)
    coordinator = await credential("Co-ncept", Toegangsrol.COORDINATOR)
    proc = await start_service(log_dir, "--no-background")  # set it up with timers off
    try:
        async with httpx.AsyncClient(base_url=proc.url, timeout=30) as c:
            tid = await lopend_traject(c, team, datum=maanden_terug(8))
            aid = await _aanvraag_op_team(c, team, tid, 1_000)
            await post(c, f"/diw-aanvragen/{aid}/goedkeuring", {"op": maanden_terug(7).isoformat()}, coordinator)
            await post(c, f"/diw-aanvragen/{aid}/gebruik", {"op": maanden_terug(7).isoformat()}, team)
    finally:
        proc.stop()
    proc = await start_service(log_dir)
    try:
        await support.wait_for(lambda: _diw_evaluaties(tid), timeout=60, interval=0.5, what="DIW evaluation due")
        async with httpx.AsyncClient(base_url=proc.url, timeout=30) as c:
            await _een_latere_diw_poll(c, team, coordinator)  # more polls: nothing new for this period
        evals = await _diw_evaluaties(tid)
        assert len(evals) == 1
        # Missed periods collapse into the latest one (6 months after the start of the use).
        assert body_json(evals[0])["evaluatieDatum"] == maanden_terug(1).isoformat()
        assert body_json(evals[0])["aanvraagId"] == aid
    finally:
        proc.stop()


async def test_the_fund_cap_holds_under_concurrent_approvals(log_dir) -> None:
    team = await credential("Co-ncept", Toegangsrol.PLANMAKER)
    stuurgroep = await credential("Stuurgroep", Toegangsrol.STUURGROEP)
    coordinator = await credential("Co-ncept", Toegangsrol.COORDINATOR)
    reeds = await _goedgekeurd_totaal()
    plafond = reeds + 1_000_000  # room for 3 of 8 aanvragen of €3,000
    proc = await start_service(log_dir, env={"TRAJECT_DIW_PLAFOND_EUROCENT": str(plafond)})
    try:
        async with httpx.AsyncClient(base_url=proc.url, timeout=60) as c:
            tid = await lopend_traject(c, team, datum=maanden_terug(1))
            aids = [await _aanvraag_op_team(c, team, tid, 300_000) for _ in range(8)]
            beslissers = [stuurgroep, coordinator]
            responses = await asyncio.gather(
                *(c.post(f"/diw-aanvragen/{aid}/goedkeuring", json={}, headers=beslissers[i % 2]) for i, aid in enumerate(aids))
            )
        codes = sorted(r.status_code for r in responses)
        assert codes == [200] * 3 + [409] * 5, [(r.status_code, r.text) for r in responses]
        for r in responses:
            if r.status_code == 409:
                assert r.json()["errors"][0]["field"] == "bedragEurocent"
        assert await _goedgekeurd_totaal() <= plafond
        assert await _goedgekeurd_totaal() == reeds + 900_000
    finally:
        proc.stop()
