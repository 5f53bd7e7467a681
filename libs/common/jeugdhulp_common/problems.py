"""RFC 9457 problem+json for every error a service returns, naming the field where there is one."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from jeugdhulp_common.asgi import ResponseStatus
from jeugdhulp_common.domain import (
    DomeinFout,
    GelijktijdigGewijzigd,
    NietGevonden,
    OngeldigeInvoer,
    OngeldigeOvergang,
    RegelGeschonden,
    Verboden,
)
from jeugdhulp_common.errors import is_transient

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE = "https://jeugdhulp.example/problems/"


@dataclass(frozen=True)
class Soort:
    status: int
    title: str
    slug: str


# The one mapping of refusals to HTTP, for every service: the same refusal answers the same status and shape
# everywhere. A subclass takes its nearest base's entry (and may set its own ``slug`` and ``titel``).
SOORTEN: dict[type[DomeinFout], Soort] = {
    OngeldigeInvoer: Soort(422, "Invalid request", "ongeldige-invoer"),
    Verboden: Soort(403, "Forbidden", "verboden"),
    NietGevonden: Soort(404, "Not found", "niet-gevonden"),
    OngeldigeOvergang: Soort(409, "Transition not allowed", "ongeldige-overgang"),
    GelijktijdigGewijzigd: Soort(409, "Changed concurrently", "gelijktijdig-gewijzigd"),
    RegelGeschonden: Soort(409, "Domain rule violated", "regel-geschonden"),
    DomeinFout: Soort(409, "Domain rule violated", "regel-geschonden"),
}


def soort(exc: DomeinFout) -> Soort:
    return next(SOORTEN[c] for c in type(exc).__mro__ if c in SOORTEN)


def domain_problem(exc: DomeinFout) -> JSONResponse:
    """The problem+json of a domain refusal (also for routes that catch one to answer it themselves)."""
    s = soort(exc)
    extra: dict[str, Any] = dict(exc.extra)
    if exc.veld:
        extra["errors"] = [{"field": exc.veld, "type": "domain_rule", "message": exc.message}]
    detail = f"1 invalid field(s): {exc.veld}" if isinstance(exc, OngeldigeInvoer) else exc.message
    return problem(s.status, exc.titel or s.title, detail, type_=PROBLEM_TYPE + (exc.slug or s.slug), **extra)

log = logging.getLogger(__name__)


def problem(status: int, title: str, detail: str | None = None, *, type_: str = "about:blank", **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": type_, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


class ProblemError(Exception):
    """Raise from a route to answer with a problem (e.g. 409 idempotency-key conflict)."""

    def __init__(self, status: int, title: str, detail: str | None = None, *, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.headers, self.extra = status, title, detail, headers, extra


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or ".".join(str(p) for p in loc)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Values are not echoed back: they may be personal data.
        errors = [{"field": _field(tuple(e["loc"])), "type": e["type"], "message": e["msg"]} for e in exc.errors()]
        return problem(422, "Invalid request", f"{len(errors)} invalid field(s): " + ", ".join(e["field"] for e in errors), errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        resp = problem(exc.status_code, str(exc.detail) if exc.detail else "Error")
        for k, v in (exc.headers or {}).items():
            resp.headers[k] = v
        return resp

    @app.exception_handler(ProblemError)
    async def _problem(_: Request, exc: ProblemError) -> JSONResponse:
        resp = problem(exc.status, exc.title, exc.detail, **exc.extra)
        for k, v in (exc.headers or {}).items():
            resp.headers[k] = v
        return resp

    @app.exception_handler(DomeinFout)
    async def _domain(_: Request, exc: DomeinFout) -> JSONResponse:
        return domain_problem(exc)

    app.add_middleware(UnhandledErrors)


class UnhandledErrors:
    """Turns an unexpected exception into a 500 problem+json and logs it without its message.

    Exception messages can carry bound values (personal data); the log gets the type and the stack,
    and the request's trace id (JSON logs), not the text. Without this, uvicorn would log the full text.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = ResponseStatus(send)
        try:
            await self.app(scope, receive, sent)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if is_transient(exc):
                # The database or broker is away (e.g. restarting): nothing was committed; the caller may retry.
                log.warning("request failed on unavailable infrastructure", extra={"method": scope.get("method"), "error": type(exc).__name__})
                if not sent.status:
                    resp = problem(503, "Service unavailable", "A backing service is unavailable; nothing was stored. Retry shortly.")
                    resp.headers["Retry-After"] = "2"
                    await resp(scope, receive, send)
                return
            log.error("unhandled error", exc_info=exc, extra={"method": scope.get("method"), "error": type(exc).__name__})
            if sent.status:
                return
            await problem(500, "Internal error", "The error was logged with this request's trace id.")(scope, receive, send)
