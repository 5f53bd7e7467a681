"""The response status the pure-ASGI middlewares read through ``asgi.ResponseStatus`` (metrics, problems, audit)."""

from __future__ import annotations

import pytest

from jeugdhulp_common import metrics
from jeugdhulp_common.asgi import ResponseStatus
from jeugdhulp_common.problems import UnhandledErrors

SCOPE = {"type": "http", "method": "GET", "path": "/x", "headers": []}


async def _receive() -> dict:
    return {"type": "http.request", "body": b"", "more_body": False}


def _antwoord(status: int, *, daarna_fout: bool = False):
    async def app(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})
        if daarna_fout:
            raise RuntimeError("after the answer")

    return app


async def _fout_voor_antwoord(scope, receive, send) -> None:
    raise RuntimeError("before the answer")


async def test_response_status_passes_every_message_on_and_remembers_the_status() -> None:
    verzonden: list[dict] = []

    async def send(message: dict) -> None:
        verzonden.append(message)

    sent = ResponseStatus(send)
    assert sent.status == 0
    await _antwoord(418)(SCOPE, _receive, sent)
    assert sent.status == 418
    assert [m["type"] for m in verzonden] == ["http.response.start", "http.response.body"]


def _geteld(status: str) -> float:
    return metrics.REGISTRY.get_sample_value(
        "jh_http_requests_total", {"method": "GET", "route": "unmatched", "status": status}
    ) or 0.0


@pytest.mark.parametrize("app, status", [(_antwoord(418), "418"), (_fout_voor_antwoord, "500")])
async def test_http_metrics_count_the_status_sent_and_500_when_nothing_was(app, status: str) -> None:
    voor = _geteld(status)

    async def send(message: dict) -> None:
        pass

    try:
        await metrics.HttpMetrics(app)(dict(SCOPE), _receive, send)
    except RuntimeError:
        pass
    assert _geteld(status) == voor + 1


async def test_an_error_after_the_answer_started_sends_no_second_answer() -> None:
    verzonden: list[dict] = []

    async def send(message: dict) -> None:
        verzonden.append(message)

    await UnhandledErrors(_antwoord(200, daarna_fout=True))(dict(SCOPE), _receive, send)
    assert [m.get("status") for m in verzonden if m["type"] == "http.response.start"] == [200]


async def test_an_error_before_the_answer_is_a_500_problem() -> None:
    verzonden: list[dict] = []

    async def send(message: dict) -> None:
        verzonden.append(message)

    await UnhandledErrors(_fout_voor_antwoord)(dict(SCOPE), _receive, send)
    assert [m.get("status") for m in verzonden if m["type"] == "http.response.start"] == [500]
