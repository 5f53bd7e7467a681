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
