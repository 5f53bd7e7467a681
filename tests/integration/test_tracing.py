"""One trace from the partner's POST through the outbox and Kafka to the traject consumer's database work."""

from __future__ import annotations

import uuid

import httpx
import support

from jeugdhulp_common.auth import Toegangsrol, create_credential


async def test_post_span_and_consumer_process_span_share_one_trace_across_the_hop(log_dir, tmp_path) -> None:
    key = await create_credential({"aanmelding": support.database_url("aanmelding")}, "VOT", [Toegangsrol.PARTNER])
    trace_file = tmp_path / "spans.jsonl"
    env = {"JH_TRACE_FILE": str(trace_file)}
    aanmelding = support.ServiceProcess("aanmelding", "serve", log_dir=log_dir, env=env, port=support.free_port()).start()
    traject = support.ServiceProcess("traject", "serve", log_dir=log_dir, env=env, port=support.free_port()).start()
    try:
        await aanmelding.wait_healthy()
        await traject.wait_healthy()
        async with httpx.AsyncClient(base_url=aanmelding.url) as client:
            resp = await client.post(
                "/aanmeldingen",
                json={
                    "aanmelder": {"organisatie": "VOT", "categorie": "VOORZIENING"},
                    "onderwerp": "JONGERE",
                    "jongereRef": f"ref-{uuid.uuid4()}",
                    "leeftijdBijAanmelding": 14,
                    "regioJongere": "WESTHOEK",
                    "redenen": ["REFLECTIE"],
                },
                headers={"Authorization": f"Bearer {key}", "Idempotency-Key": str(uuid.uuid4())},
            )
        assert resp.status_code == 201, resp.text
        aanmelding_id = uuid.UUID(resp.json()["aanmeldingId"])
        await support.wait_for(
            lambda: support.db_fetchval("traject", "SELECT count(*) FROM aanmelding_projectie WHERE aanmelding_id = $1", aanmelding_id),
            timeout=60,
            what="traject recorded the aanmelding",
        )
        def process_span_of_the_post() -> list[dict]:
            # This POST's own process span: the topic may hold earlier events (other tests), whose spans end first.
            spans = support.read_spans(trace_file)
            posts = [s for s in spans if s["service"] == "aanmelding" and s["kind"] == "SERVER" and s["name"] == "POST /aanmeldingen"]
            mine = [s for s in spans if posts and s["trace_id"] == posts[0]["trace_id"]]
            kinds = {s["kind"] for s in mine if s["name"].endswith((" process", " publish"))}
            return mine if {"CONSUMER", "PRODUCER"} <= kinds else []

        await support.wait_for(process_span_of_the_post, timeout=30, what="publish and process spans of the POST's trace")
    finally:
        aanmelding.stop()
        traject.stop()

    spans = support.read_spans(trace_file)
    by_id = {s["span_id"]: s for s in spans}
    post = next(s for s in spans if s["service"] == "aanmelding" and s["kind"] == "SERVER" and s["name"] == "POST /aanmeldingen")
    trace = [s for s in spans if s["trace_id"] == post["trace_id"]]
    publish = next(s for s in trace if s["kind"] == "PRODUCER" and s["name"] == "jeugdhulp.aanmelding.micro publish")
    process = next(s for s in trace if s["kind"] == "CONSUMER" and s["name"] == "jeugdhulp.aanmelding.micro process")

    def ancestors(span: dict) -> list[dict]:
        out = []
        while span.get("parent_span_id") in by_id:
            span = by_id[span["parent_span_id"]]
            out.append(span)
        return out

    assert post["parent_span_id"] is None  # the partner's request starts the trace
    assert publish["service"] == "aanmelding" and post in ancestors(publish)
    assert process["service"] == "traject" and process["parent_span_id"] == publish["span_id"]
    assert post in ancestors(process)
    # The consumer's database work is inside its process span.
    assert any(s["service"] == "traject" and s["name"].startswith("INSERT") and process in ancestors(s) for s in trace)
    assert process["attributes"]["messaging.consumer.group.name"] == "traject"
    # No personal data in span attributes: the jongereRef, age and regio posted are not there.
    blob = str([s["attributes"] for s in spans])
    assert "ref-" not in blob and "WESTHOEK" not in blob


async def test_a_traced_record_in_a_consumer_batch_has_its_database_work_in_its_own_trace_and_keeps_its_order(log_dir, tmp_path) -> None:
    """Two records for the same report row in one poll of the signalering consumer: the first without a trace context,
    the second with a sampled one. The second's inbox row and effect are database spans under its own process span (in
    its trace), the first has no span of its own, and the row is as after the first, then the second."""
    import datetime as dt

    from events_factory import as_record
    from jeugdhulp_common import topics
    from jeugdhulp_common.contracts.traject import TrajectAfgerond
    from jeugdhulp_common.contracts.vocabulary import AfrondingsReden
    from signalering.domain.pseudoniem import bron_ref

    traject_id = uuid.uuid4()
    eerst = TrajectAfgerond(traject_id=traject_id, afgerond_op=dt.date(2024, 3, 1), redenen=[AfrondingsReden.ADEMRUIMTE_GECREEERD])
    dan = TrajectAfgerond(traject_id=traject_id, afgerond_op=dt.date(2024, 4, 1), redenen=[AfrondingsReden.ADEMRUIMTE_GECREEERD])
    trace_id, parent_id = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    key, value, headers = as_record(dan)
    traced = (key, value, [*headers, ("traceparent", f"00-{trace_id}-{parent_id}-01".encode())])
    # First the group reads what earlier tests left on its topics (a poison record among them would send the whole poll
    # down the record-by-record path, a span per record), and stops; the two records are then the whole of its next poll.
    reads = topics.SERVICE_READS["signalering"]
    voorganger = support.ServiceProcess("signalering", "consume", log_dir=log_dir).start()
    try:
        await support.wait_for(
            lambda: support.consumer_group_caught_up("signalering", *reads), timeout=120, interval=0.5, what="signalering at the end of its topics"
        )
    finally:
        voorganger.stop()
    await support.produce_raw(topics.TRAJECT_MICRO, [as_record(eerst), traced])  # one key: one partition, in this order

    trace_file = tmp_path / "spans.jsonl"
    consumer = support.ServiceProcess("signalering", "consume", log_dir=log_dir, env={"JH_TRACE_FILE": str(trace_file)}).start()
    try:
        await support.wait_for(
            lambda: support.db_fetchval("signalering", "SELECT count(*) = 2 FROM inbox WHERE event_id = ANY($1)", [eerst.event_id, dan.event_id]),
            timeout=60,
            what="both records processed",
        )
        consumer.assert_running()
    finally:
        consumer.stop()

    spans = support.read_spans(trace_file)
    by_id = {s["span_id"]: s for s in spans}
    (process,) = [s for s in spans if s["kind"] == "CONSUMER" and s["attributes"].get("messaging.message.id") == str(dan.event_id)]
    assert process["trace_id"] == trace_id and process["parent_span_id"] == parent_id
    assert not [s for s in spans if s["attributes"].get("messaging.message.id") == str(eerst.event_id)]

    def below(span: dict) -> bool:
        while span.get("parent_span_id") in by_id:
            span = by_id[span["parent_span_id"]]
            if span is process:
                return True
        return False

    db = [s for s in spans if s["kind"] == "CLIENT" and below(s)]
    assert all(s["trace_id"] == trace_id for s in db)
    statements = [str(s["attributes"].get("db.statement", s["name"])) for s in db]
    assert any("INSERT INTO inbox" in q for q in statements), statements
    assert any("rapportage_traject" in q for q in statements), statements

    salt = await support.db_fetchval("signalering", "SELECT waarde FROM signalering_geheim WHERE naam = 'traject_ref_salt'")
    afgerond = await support.db_fetchval("signalering", "SELECT afgerond_op FROM rapportage_traject WHERE ref = $1", bron_ref("traject", traject_id, salt))
    assert afgerond == dan.afgerond_op
