"""Audit log: every read and every change of a micro aggregate (who, what, when), in the same
transaction as the change. Only ids and action names are recorded, never content."""

from __future__ import annotations

from opentelemetry import trace
from sqlalchemy.ext.asyncio import AsyncSession

from jeugdhulp_common.auth import Principal
from jeugdhulp_common.db import insert_rows
from jeugdhulp_common.tables import audit_log_table

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
