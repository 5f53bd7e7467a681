"""problem+json for every error, including unexpected ones (whose messages are never logged or returned)."""

from __future__ import annotations

import logging

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from jeugdhulp_common.domain import NietGevonden, OngeldigeOvergang, RegelGeschonden
from jeugdhulp_common.problems import install_problem_handlers


class Body(BaseModel):
    leeftijd: int


def app() -> FastAPI:
    a = FastAPI()
    install_problem_handlers(a)

    @a.get("/boom")
    async def boom() -> None:
        raise RuntimeError("Jan Peeters, 0470 12 34 56")

    @a.post("/valideer")
    async def valideer(body: Body) -> dict:
        return {}

    @a.get("/overgang")
    async def overgang() -> None:
        raise OngeldigeOvergang("Traject", "AFGEROND", "verlengen")

    @a.get("/regel")
    async def regel() -> None:
        raise RegelGeschonden("reason required", veld="redenen")

    @a.get("/weg")
    async def weg() -> None:
        raise NietGevonden("no such traject")

    return a


async def call(method: str, path: str, **kw) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app(), raise_app_exceptions=False), base_url="http://t") as c:
        return await c.request(method, path, **kw)


async def test_unexpected_error_is_a_500_problem_without_the_message(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        r = await call("GET", "/boom")
    assert r.status_code == 500
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "Peeters" not in r.text
    assert any(rec.getMessage() == "unhandled error" for rec in caplog.records)


@pytest.mark.parametrize(
    "method, path, kw, status, field",
    [
        ("POST", "/valideer", {"json": {"leeftijd": "veertien"}}, 422, "leeftijd"),
        ("GET", "/overgang", {}, 409, None),
        ("GET", "/regel", {}, 409, "redenen"),
        ("GET", "/weg", {}, 404, None),
        ("GET", "/bestaat-niet", {}, 404, None),
    ],
)
async def test_errors_are_problem_json_naming_the_field(method, path, kw, status, field) -> None:
    r = await call(method, path, **kw)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["title"]
    if field:
        assert [e["field"] for e in body["errors"]] == [field]
    assert "veertien" not in r.text


async def test_an_unavailable_database_is_a_503_with_retry_after() -> None:
    from sqlalchemy.exc import OperationalError

    a = FastAPI()
    install_problem_handlers(a)

    @a.get("/db-weg")
    async def db_weg() -> None:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=a, raise_app_exceptions=False), base_url="http://t") as c:
        r = await c.get("/db-weg")
    assert r.status_code == 503
    assert r.headers["retry-after"] == "2"
    assert r.headers["content-type"].startswith("application/problem+json")
