"""Pieces of issue 11 that need no infrastructure: event size guard, refusal classification, sampler, body limit."""

from __future__ import annotations

import uuid

import pytest
from aiokafka import errors
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import Field
from opentelemetry.sdk.trace.sampling import Decision
from opentelemetry.trace import SpanContext, TraceFlags, NonRecordingSpan, set_span_in_context

import jeugdhulp_common.contracts  # noqa: F401
from jeugdhulp_common import outbox
from jeugdhulp_common.api import BodySizeLimit, RequestBody
from jeugdhulp_common.contracts.aanmelding import AanmeldingGescreend
from jeugdhulp_common.problems import install_problem_handlers
from jeugdhulp_common.tracing import sampler


def test_an_event_larger_than_the_limit_is_refused_naming_its_largest_field() -> None:
    ev = AanmeldingGescreend(aanmelding_id=uuid.uuid4(), aanmelder_organisatie="x" * 5000, regio_ok=True, leeftijd_ok=True)
    size = outbox.record_size(outbox.outbox_row(ev))
    assert size > 5000
    exc = outbox.EventTooLarge(ev, size, 4096)
    assert exc.status == 413 and exc.extra["errors"][0]["field"] == "aanmelderOrganisatie"
    assert "xxxx" not in exc.detail  # never the value


async def test_add_refuses_before_writing_anything() -> None:
    class NoSession:
        async def execute(self, *a, **k):  # pragma: no cover - must not be reached
            raise AssertionError("nothing may be written")

    ev = AanmeldingGescreend(aanmelding_id=uuid.uuid4(), aanmelder_organisatie="x" * 5000, regio_ok=True, leeftijd_ok=True)
    outbox.set_max_event_bytes(4096)
    try:
        with pytest.raises(outbox.EventTooLarge):
            await outbox.add(NoSession(), [ev])  # type: ignore[arg-type]
    finally:
        outbox.set_max_event_bytes(1_048_576)


@pytest.mark.parametrize(
    ("exc", "parked"),
    [
        (errors.MessageSizeTooLargeError(), True),
        (errors.RecordTooLargeError(), True),
        (errors.InvalidTopicError(), True),
        (errors.TopicAuthorizationFailedError(), True),
        (errors.KafkaConnectionError(), False),
        (errors.RequestTimedOutError(), False),
        (errors.NotLeaderForPartitionError(), False),
        (RuntimeError(), False),
    ],
)
def test_only_refusals_no_retry_fixes_park_a_row(exc: BaseException, parked: bool) -> None:
    assert outbox.is_unpublishable(exc) is parked


def _parent(sampled: bool):
    ctx = SpanContext(trace_id=1, span_id=2, is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED if sampled else 0))
    return set_span_in_context(NonRecordingSpan(ctx))


def test_sampling_follows_the_parent_and_keeps_the_ratio_for_new_traces() -> None:
    none, all_ = sampler(0.0), sampler(1.0)
    assert none.should_sample(None, 5, "x").decision is Decision.DROP
    assert all_.should_sample(None, 5, "x").decision is Decision.RECORD_AND_SAMPLE
    assert none.should_sample(_parent(True), 5, "x").decision is Decision.RECORD_AND_SAMPLE
    assert all_.should_sample(_parent(False), 5, "x").decision is Decision.DROP


class Body(RequestBody):
    tekst: str = Field(max_length=100_000)


def _app(limit: int) -> TestClient:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/x")
    async def x(body: Body) -> dict:
        return {"n": len(body.tekst)}

    app.add_middleware(BodySizeLimit, max_bytes=limit)
    return TestClient(app)


def test_a_body_over_the_limit_is_413_problem_json_with_or_without_content_length() -> None:
    client = _app(1024)
    assert client.post("/x", json={"tekst": "a" * 100}).json() == {"n": 100}
    r = client.post("/x", content=b'{"tekst": "' + b"a" * 5000 + b'"}', headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    r = client.post("/x", content=iter([b'{"tekst": "', b"a" * 800, b"a" * 800, b'"}']), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["title"] == "Content too large"
