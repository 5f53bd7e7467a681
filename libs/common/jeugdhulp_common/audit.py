"""Audit log: every read and every change of a micro aggregate (who, what, when), in the same
transaction as the change. Only ids and action names are recorded, never content."""

from __future__ import annotations

import json
import logging
import uuid

from opentelemetry import trace
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jeugdhulp_common.asgi import ResponseStatus
from jeugdhulp_common.auth import Principal, parse_key
from jeugdhulp_common.db import insert_rows
from jeugdhulp_common.tables import audit_log_table

log = logging.getLogger(__name__)

LEZEN = "LEZEN"
AANMAKEN = "AANMAKEN"


async def record(session: AsyncSession, principal: Principal, actie: str, aggregate_type: str, *aggregate_ids: object) -> None:
    ctx = trace.get_current_span().get_span_context()
    trace_id = format(ctx.trace_id, "032x") if ctx.is_valid else None
    rows = [
        {
            "credential_id": principal.credential_id,
            "organisatie": principal.organisatie,
            "rollen": sorted(r.value for r in principal.rollen),
            "actie": actie,
            "aggregate_type": aggregate_type,
            "aggregate_id": str(aggregate_id),
            "trace_id": trace_id,
        }
        for aggregate_id in aggregate_ids
    ]
    await insert_rows(session, audit_log_table, rows)


GEWEIGERD = "GEWEIGERD"
REFUSED_STATUSES = frozenset({401, 403, 404, 409})
_UNPROTECTED = frozenset({"/health", "/ready", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
_NO_CREDENTIAL = uuid.UUID(int=0)


class _RefusalBody(ResponseStatus):
    """The response status, and the first 16 KiB of the body of a refusal (its problem+json)."""

    __slots__ = ("body",)

    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.body = bytearray()

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.body" and self.status in REFUSED_STATUSES and len(self.body) < 16384:
            self.body.extend(message.get("body", b""))
        await super().__call__(message)


class RefusalAudit:
    """ASGI middleware: a refused request on a protected route (401, 403, 404, 409) is written to the audit log
    in its OWN transaction after the answer, so it is kept although the refused change was rolled back.

    Who: the credential (the one claimed in a malformed or unknown key, or none: the nil id) and its organisation;
    what: ``GEWEIGERD`` on the route template (``aggregate_type``, e.g. ``GET /trajecten/{traject_id}``) and the
    path parameters (``aggregate_id``, ids only); when: ``op``; why: ``reden`` = status, problem title and the
    names of the fields it gives (never their values).
    """

    def __init__(self, app: ASGIApp, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.app = app
        self.sessionmaker = sessionmaker

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = _RefusalBody(send)
        await self.app(scope, receive, sent)
        status = sent.status
        route = getattr(scope.get("route"), "path", None)
        if status in REFUSED_STATUSES and route is not None and route not in _UNPROTECTED:
            try:
                await self._record(scope, status, route, bytes(sent.body))
            except Exception as exc:  # noqa: BLE001 - the answer is sent; a lost audit row is logged, not raised
                log.warning("refused request not audited", extra={"error": type(exc).__name__, "status": status})

    async def _record(self, scope: Scope, status: int, route: str, body: bytes) -> None:
        principal = (scope.get("state") or {}).get("principal")
        if principal is not None:
            credential_id, organisatie, rollen = principal.credential_id, principal.organisatie, sorted(r.value for r in principal.rollen)
        else:
            claimed = None
            for name, value in scope.get("headers", ()):
                if name == b"authorization" and value[:7].lower() == b"bearer ":
                    claimed = parse_key(value[7:].decode("latin-1").strip())
            credential_id, organisatie, rollen = (claimed[0] if claimed else _NO_CREDENTIAL), "", []
        try:
            problem = json.loads(body) if body else {}
        except ValueError:
            problem = {}
        reden = f"{status} {problem.get('title', '')}".strip() if isinstance(problem, dict) else str(status)
        fields = [e.get("field") for e in (problem.get("errors") or []) if isinstance(e, dict)] if isinstance(problem, dict) else []
        if fields:
            reden += " (" + ", ".join(str(f) for f in fields[:20]) + ")"
        params = scope.get("path_params") or {}
        ctx = trace.get_current_span().get_span_context()
        async with self.sessionmaker.begin() as session:
            await session.execute(
                audit_log_table.insert().values(
                    credential_id=credential_id,
                    organisatie=organisatie,
                    rollen=rollen,
                    actie=GEWEIGERD,
                    aggregate_type=f"{scope.get('method', '')} {route}",
                    aggregate_id=",".join(str(v) for v in params.values())[:500],
                    trace_id=format(ctx.trace_id, "032x") if ctx.is_valid else None,
                    reden=reden[:500],
                )
            )
