"""The aanmelding API in process on the real Postgres (the middle tier): auth, partner isolation, the problem
shapes partner clients rely on (intake closed, another organisation, transitions, named fields), paging bounds,
the Idempotency-Key, the locking policy, and the number of statements of the hot path (POST /aanmeldingen)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
import support
from sqlalchemy import event

from aanmelding.domain import Aanmelder, AanmeldingGegevens, ScreeningRegels
from aanmelding.service_layer import services
from aanmelding.service_layer.unit_of_work import AanmeldingUnitOfWork
from jeugdhulp_common.auth import Principal, Toegangsrol
from jeugdhulp_common.contracts.vocabulary import AanmelderCategorie, Onderwerp, RedenVanAanmelding, RegioELZ
from jeugdhulp_common.db import make_engine
from jeugdhulp_common.domain import GelijktijdigGewijzigd
from jeugdhulp_common.paging import MAX_OFFSET

R = Toegangsrol
PROBLEMS = "https://jeugdhulp.example/problems/"


@pytest.fixture
async def svc(in_process) -> Any:
    return await in_process("aanmelding")


def _body(organisatie: str = "ORG-PARTNER", **velden: Any) -> dict[str, Any]:
    return {
        "aanmelder": {"organisatie": organisatie, "categorie": "VOORZIENING"},
        "onderwerp": "JONGERE",
        "jongereRef": f"jref-{uuid.uuid4().hex[:12]}",
        "leeftijdBijAanmelding": 14,
        "regioJongere": "WESTHOEK",
        "redenen": ["REFLECTIE"],
        **velden,
    }


async def _post(svc: Any, rol: R | str = R.PARTNER, body: dict[str, Any] | None = None, key: str | None = None) -> Any:
    async with svc.als(rol) as c:
        return await c.post("/aanmeldingen", json=body or _body(), headers={"Idempotency-Key": key or str(uuid.uuid4())})


async def _nieuw(svc: Any, **velden: Any) -> str:
    resp = await _post(svc, body=_body(**velden))
    assert resp.status_code == 201, resp.text
    return resp.json()["aanmeldingId"]


def _problem(resp: Any, status: int) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    return resp.json()


@pytest.fixture
async def gesloten(svc: Any) -> AsyncIterator[str]:
    reden = f"pauze {uuid.uuid4().hex[:6]}"
    async with svc.als(R.COORDINATOR) as c:
        assert (await c.put("/intake", json={"open": False, "reden": reden})).status_code == 200
        try:
            yield reden
        finally:
            assert (await c.put("/intake", json={"open": True})).status_code == 200


# ---------------------------------------------------------------------- auth and isolation


async def test_every_route_needs_a_key_and_the_right_role(svc) -> None:
    aid = await _nieuw(svc)
    async with svc.als(None) as c:
        for resp in [
            await c.post("/aanmeldingen", json=_body(), headers={"Idempotency-Key": "k"}),
            await c.get("/aanmeldingen"),
            await c.get(f"/aanmeldingen/{aid}"),
            await c.post(f"/aanmeldingen/{aid}/in-bespreking"),
            await c.get("/intake"),
            await c.put("/intake", json={"open": True}),
            await c.post("/historiek", json=[]),
        ]:
            assert _problem(resp, 401)["title"]
    async with svc.als(R.STUURGROEP) as c:
        assert _problem(await c.get("/aanmeldingen"), 403)["title"] == "Forbidden"
        assert _problem(await c.get(f"/aanmeldingen/{aid}"), 403)
    async with svc.als(R.PARTNER) as c:
        assert _problem(await c.post(f"/aanmeldingen/{aid}/in-bespreking"), 403)
        assert _problem(await c.put("/intake", json={"open": True}), 403)
        assert _problem(await c.post("/historiek", json=[]), 403)
    async with svc.als(R.PLANMAKER) as c:
        assert _problem(await c.post("/historiek", json=[]), 403)


async def test_a_partner_sees_only_its_own_organisations_aanmeldingen(svc) -> None:
    aid = await _nieuw(svc)
    async with svc.als("ANDERE_PARTNER") as c:
        p = _problem(await c.get(f"/aanmeldingen/{aid}"), 404)
        assert p["type"] == PROBLEMS + "niet-gevonden"
        assert aid not in {i["aanmeldingId"] for i in (await c.get("/aanmeldingen", params={"limit": 200})).json()["items"]}
    async with svc.als(R.PARTNER) as c:
        view = (await c.get(f"/aanmeldingen/{aid}")).json()
        assert view["version"] == 1 and view["instemmingen"] is None and view["toegestaneActies"] is None
    async with svc.als(R.PLANMAKER) as c:
        view = (await c.get(f"/aanmeldingen/{aid}")).json()
        assert view["toegestaneActies"] == ["in_bespreking_nemen", "niet_opstarten"] and view["mogelijkDubbel"] is False


async def test_a_partner_posting_for_another_organisation_gets_the_same_403_as_before(svc) -> None:
    body = _body("Een andere organisatie")
    p = _problem(await _post(svc, body=body), 403)
    assert p == {
        "type": PROBLEMS + "verboden",
        "title": "Forbidden",
        "status": 403,
        "detail": "a partner may only post aanmeldingen for its own organisation",
        "errors": [{"field": "aanmelder.organisatie", "type": "andere_organisatie", "message": "must be the caller's own organisation"}],
    }
    assert await support.db_fetchval("aanmelding", "SELECT count(*) FROM aanmelding WHERE jongere_ref = $1", body["jongereRef"]) == 0
    assert (await _post(svc, R.PLANMAKER, body=body)).status_code == 201  # the team may


# ---------------------------------------------------------------------- the problem shapes partner clients know


async def test_closed_intake_is_409_with_intake_open_false_and_the_reden_and_stores_nothing(svc, gesloten) -> None:
    body = _body()
    outbox_voor = len(await svc.outbox())
    key = str(uuid.uuid4())
    p = _problem(await _post(svc, body=body, key=key), 409)
    assert p == {
        "type": PROBLEMS + "intake-gesloten",
        "title": "Intake closed",
        "status": 409,
        "detail": "Intake is gesloten: er worden geen nieuwe aanmeldingen aanvaard / intake is closed: no new aanmeldingen are accepted",
        "intakeOpen": False,
        "reden": gesloten,
    }
    assert len(await svc.outbox()) == outbox_voor
    assert await support.db_fetchval("aanmelding", "SELECT count(*) FROM idempotency_record WHERE sleutel = $1", key) == 0


async def test_an_illegal_transition_is_409_and_a_guard_names_its_field(svc) -> None:
    aid = await _nieuw(svc)
    async with svc.als(R.PLANMAKER) as c:
        p = _problem(await c.post(f"/aanmeldingen/{aid}/opstart"), 409)
        assert (p["title"], p["type"]) == ("Transition not allowed", PROBLEMS + "ongeldige-overgang")
        p = _problem(await c.post(f"/aanmeldingen/{aid}/niet-opstarten", json={"reden": "EXCLUSIE_REGIO", "alternatiefAdvies": {"vorm": "DOP"}}), 409)
        assert p["title"] == "Domain rule violated" and [e["field"] for e in p["errors"]] == ["reden"]
        assert _problem(await c.post(f"/aanmeldingen/{uuid.uuid4()}/in-bespreking"), 404)
        view = (await c.get(f"/aanmeldingen/{aid}")).json()
        assert view["status"] == "GESCREEND" and view["version"] == 1


async def test_invalid_input_is_422_naming_each_field(svc) -> None:
    b = _body(leeftijdBijAanmelding=26, regioJongere="GENT", redenen=[], onbekend=1)
    p = _problem(await _post(svc, body=b), 422)
    assert {e["field"] for e in p["errors"]} == {"leeftijdBijAanmelding", "regioJongere", "redenen", "onbekend"}
    async with svc.als(R.PARTNER) as c:
        p = _problem(await c.post("/aanmeldingen", json=_body()), 422)
        assert [e["field"] for e in p["errors"]] == ["Idempotency-Key"]
    async with svc.als(R.COORDINATOR) as c:
        assert [e["field"] for e in _problem(await c.put("/intake", json={"open": False}), 422)["errors"]] == ["reden"]


# ---------------------------------------------------------------------- paging


async def test_the_list_is_a_page_with_bounded_limit_and_offset(svc) -> None:
    ids = [await _nieuw(svc, regioJongere="RITS") for _ in range(3)]
    async with svc.als(R.PARTNER) as c:
        p1 = (await c.get("/aanmeldingen", params={"regio": "RITS", "limit": 2})).json()
        p2 = (await c.get("/aanmeldingen", params={"regio": "RITS", "limit": 2, "offset": 2})).json()
        assert set(p1) == {"items", "total", "limit", "offset"}
        assert p1["total"] == p2["total"] >= 3 and len(p1["items"]) == 2 and (p2["limit"], p2["offset"]) == (2, 2)
        assert set(ids) <= {i["aanmeldingId"] for i in p1["items"] + p2["items"]} | {
            i["aanmeldingId"] for i in (await c.get("/aanmeldingen", params={"regio": "RITS", "limit": 200})).json()["items"]
        }
        assert all(i["version"] >= 1 for i in p1["items"])
        for params, veld in [({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"offset": -1}, "offset"), ({"offset": MAX_OFFSET + 1}, "offset")]:
            assert [e["field"] for e in _problem(await c.get("/aanmeldingen", params=params), 422)["errors"]] == [veld]
        assert (await c.get("/aanmeldingen", params={"limit": 200, "offset": MAX_OFFSET})).json()["items"] == []


# ---------------------------------------------------------------------- idempotency


async def test_the_same_key_replays_and_another_body_under_it_is_409(svc) -> None:
    body, key = _body(), str(uuid.uuid4())
    eerste = await _post(svc, body=body, key=key)
    tweede = await _post(svc, body=body, key=key)
    assert eerste.status_code == tweede.status_code == 201 and eerste.json() == tweede.json()
    assert tweede.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in eerste.headers
    assert tweede.headers["location"] == f"/aanmeldingen/{eerste.json()['aanmeldingId']}"
    p = _problem(await _post(svc, body=dict(body, leeftijdBijAanmelding=15), key=key), 409)
    assert p["title"] == "Idempotency-Key reused" and [e["field"] for e in p["errors"]] == ["Idempotency-Key"]
    assert await support.db_fetchval("aanmelding", "SELECT count(*) FROM aanmelding WHERE jongere_ref = $1", body["jongereRef"]) == 1
    assert len([r for r in await svc.outbox() if r["key"] == eerste.json()["aanmeldingId"]]) == 2  # staged once


# ---------------------------------------------------------------------- the hot path and the locking policy


async def test_post_aanmelding_takes_three_statements_one_of_them_all_the_writes(svc) -> None:
    """Claim with the intake (share lock) and the advisory lock, duplicate lookup, then ONE deferred statement with the new row,
    its two events, two audit rows and the remembered response. A port that adds a round trip fails here."""
    statements: list[str] = []

    def tel_sql(sql: str) -> None:
        if "api_credential" not in sql:  # the key check: cached in a running service (its NOTIFY listener)
            statements.append(sql)

    def tel(logged) -> None:  # noqa: ANN001 - asyncpg's LoggedQuery: the plain statements sent on the driver connection
        tel_sql(logged.query)

    def tel_orm(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001 - SQLAlchemy's
        tel_sql(statement)

    def bij_uitlenen(dbapi_conn, record, proxy) -> None:  # noqa: ANN001
        dbapi_conn.driver_connection.add_query_logger(tel)

    def bij_teruggave(dbapi_conn, record) -> None:  # noqa: ANN001
        dbapi_conn.driver_connection.remove_query_logger(tel)

    # Both ways a statement reaches Postgres: through SQLAlchemy (its cursor events) and as plain SQL on the
    # transaction's asyncpg connection (jeugdhulp_common.db.fetch/execute: asyncpg's query logger).
    event.listen(svc.engine.sync_engine.pool, "checkout", bij_uitlenen)
    event.listen(svc.engine.sync_engine.pool, "checkin", bij_teruggave)
    event.listen(svc.engine.sync_engine, "before_cursor_execute", tel_orm)
    try:
        resp = await _post(svc)
    finally:
        event.remove(svc.engine.sync_engine.pool, "checkout", bij_uitlenen)
        event.remove(svc.engine.sync_engine.pool, "checkin", bij_teruggave)
        event.remove(svc.engine.sync_engine, "before_cursor_execute", tel_orm)
    statements = [q for q in statements if q.strip().rstrip(";").upper() not in ("BEGIN", "COMMIT", "ROLLBACK")]
    assert resp.status_code == 201, resp.text
    assert len(statements) == 3, statements
    laatste = statements[-1]
    assert all(t in laatste for t in ("aanmelding", "outbox", "audit_log", "idempotency")), laatste


async def _houd_vast(sql: str, *args: Any) -> tuple[asyncpg.Connection, Any]:
    conn = await asyncpg.connect(support.asyncpg_dsn("aanmelding"))
    tx = conn.transaction()
    await tx.start()
    await conn.execute(sql, *args)
    return conn, tx


@pytest.fixture
async def korte_wachttijd() -> AsyncIterator[Any]:
    engine = make_engine(support.database_url("aanmelding"), pool_size=2, lock_timeout_ms=200)
    yield engine
    await engine.dispose()


TEAM = Principal(credential_id=uuid.uuid4(), organisatie="ORG-PLANMAKER", rollen=frozenset({R.PLANMAKER}))


async def test_a_row_locked_by_someone_else_is_the_common_concurrent_change(svc, korte_wachttijd) -> None:
    aid = await _nieuw(svc)
    conn, tx = await _houd_vast("SELECT 1 FROM aanmelding WHERE id = $1 FOR UPDATE", uuid.UUID(aid))
    try:
        with pytest.raises(GelijktijdigGewijzigd):
            await services.in_bespreking_nemen(AanmeldingUnitOfWork(korte_wachttijd, principal=TEAM), uuid.UUID(aid))
    finally:
        await tx.rollback()
        await conn.close()
    async with svc.als(R.PLANMAKER) as c:
        assert (await c.get(f"/aanmeldingen/{aid}")).json()["status"] == "GESCREEND"
        resp = await c.post(f"/aanmeldingen/{aid}/in-bespreking")
        assert resp.status_code == 200 and resp.json()["version"] == 2


async def test_a_closing_in_flight_holds_receipts_back_and_a_receipt_that_waits_too_long_is_a_concurrent_change(svc, korte_wachttijd) -> None:
    """The one exception to the locking policy: a receipt reads the switch with a SHARE lock, so receipts do not
    wait for each other, but a closing (FOR UPDATE) holds them back until it commits."""
    gegevens = AanmeldingGegevens(
        aanmelder=Aanmelder(organisatie="ORG-PLANMAKER", categorie=AanmelderCategorie.VOORZIENING),
        onderwerp=Onderwerp.JONGERE,
        jongere_ref=f"jref-{uuid.uuid4().hex[:8]}",
        leeftijd_bij_aanmelding=14,
        regio_jongere=RegioELZ.WESTHOEK,
        redenen=(RedenVanAanmelding.REFLECTIE,),
    )

    def ontvang(engine: Any) -> Any:
        return services.ontvang_aanmelding(
            AanmeldingUnitOfWork(engine, principal=TEAM), gegevens, regels=ScreeningRegels(min_leeftijd=10, max_leeftijd=16),
            idempotency_key=str(uuid.uuid4()), request_digest="d", antwoord=lambda a: {"aanmeldingId": str(a.aanmelding_id)},
        )

    # two receipts holding the share lock at once do not block each other
    conn, tx = await _houd_vast("SELECT 1 FROM intake FOR SHARE")
    try:
        assert (await ontvang(korte_wachttijd)).status_code == 201
    finally:
        await tx.rollback()
    # a closing in flight: the receipt waits; past its lock timeout it is refused as a concurrent change
    tx = conn.transaction()
    await tx.start()
    await conn.execute("SELECT 1 FROM intake FOR UPDATE")
    try:
        with pytest.raises(GelijktijdigGewijzigd):
            await ontvang(korte_wachttijd)
    finally:
        await tx.rollback()
        await conn.close()
    assert (await asyncio.wait_for(ontvang(korte_wachttijd), 10)).status_code == 201


# ---------------------------------------------------------------------- migration 0005_i15a on a real database


async def test_an_old_format_row_loads_after_migrating(in_process) -> None:
    """A database at the revision before issue 15 holding a row in the old hand-written format: after
    ``upgrade head`` the repository loads it, and the team can act on it."""
    import json
    from pathlib import Path

    from jeugdhulp_common.migrations import upgrade

    url, dsn = await support.fresh_database("aanmelding", "i15a_migratie")
    migraties = Path(support.ROOT) / "services/aanmelding/migrations"
    await asyncio.to_thread(upgrade, migraties, url, "0003_i11")
    oud = json.loads((Path(support.ROOT) / "tests/fixtures/aanmelding_document_voor_i15.json").read_text())
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO aanmelding (id, aanmelder_organisatie, status, jongere_ref, ontvangen_op, regio_jongere, document, version)"
            " VALUES ($1, 'VOT', 'OPGESTART', 'jref-1', now(), 'WESTHOEK', $2::jsonb, 3)",
            uuid.UUID(int=1), json.dumps(oud),
        )
        await asyncio.to_thread(upgrade, migraties, url, "head")
        assert "aanmelding_id" in json.loads(await conn.fetchval("SELECT document::text FROM aanmelding"))
    finally:
        await conn.close()
    engine = make_engine(url, pool_size=1)
    try:
        uow = AanmeldingUnitOfWork(engine, principal=TEAM)
        a = await services.lees_aanmelding(uow, uuid.UUID(int=1))
        assert a.jongere_ref == "jref-1" and a.heeft_instemming_jongere() and uow.aanmeldingen.versie(a) == 3
        uow = AanmeldingUnitOfWork(engine, principal=TEAM)
        _, i = await services.instemming_intrekken(uow, uuid.UUID(int=1), uuid.UUID(int=2), op=a.opgestart_op)
        assert i.ingetrokken_op == a.opgestart_op and uow.aanmeldingen.versie(a) == 4
    finally:
        await engine.dispose()
