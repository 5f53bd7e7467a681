"""Idempotency-Key for POSTs: the same key with the same body gives the same response and no second
effect; the same key with another body is a 409. Concurrent requests with one key are serialised by
the primary key: the second waits for the first's transaction and then replays its response."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from jeugdhulp_common.db import update_row
from jeugdhulp_common.problems import ProblemError
from jeugdhulp_common.tables import idempotency_table


def request_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class Replay:
    status_code: int
    response: Any


async def claim(session: AsyncSession, organisatie: str, sleutel: str, digest: str) -> Replay | None:
    """Claim the key inside the caller's transaction. Returns the earlier response to replay, or None to proceed."""
    inserted = await session.execute(
        pg_insert(idempotency_table)
        .values(organisatie=organisatie, sleutel=sleutel, request_sha256=digest)
        .on_conflict_do_nothing(index_elements=["organisatie", "sleutel"])
        .returning(idempotency_table.c.sleutel)
    )
    if inserted.first() is not None:
        return None
    row = (
        await session.execute(
            select(idempotency_table.c.request_sha256, idempotency_table.c.status_code, idempotency_table.c.response).where(
                idempotency_table.c.organisatie == organisatie, idempotency_table.c.sleutel == sleutel
            )
        )
    ).one()
    if row.request_sha256 != digest:
        raise ProblemError(
            409,
            "Idempotency-Key reused",
            "this Idempotency-Key was used before with a different request body",
            errors=[{"field": "Idempotency-Key", "type": "idempotency_conflict", "message": "key already used for another body"}],
        )
    return Replay(row.status_code, row.response)


async def remember(session: AsyncSession, organisatie: str, sleutel: str, status_code: int, response: Any) -> None:
    await update_row(
        session, idempotency_table, {"organisatie": organisatie, "sleutel": sleutel}, {"status_code": status_code, "response": response}
    )
