"""Idempotency-Key for POSTs: the same key with the same body gives the same response and no second
effect; the same key with another body is a 409. Concurrent requests with one key are serialised by
the primary key: the second waits for the first's transaction and then replays its response."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from jeugdhulp_common.db import Db, fetchrow, update_row
from jeugdhulp_common.problems import ProblemError
from jeugdhulp_common.tables import idempotency_table


def request_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


_T = idempotency_table.name
_CLAIM = f"INSERT INTO {_T} (organisatie, sleutel, request_sha256) VALUES ($1, $2, $3) ON CONFLICT (organisatie, sleutel) DO NOTHING RETURNING 1"
# The claim as the first CTE of a caller's own statement (parameters $1-$3 as above), to save it a round trip; the
# statement selects ``(SELECT count(*) FROM claim)`` as whether the key was claimed and passes that to :func:`na_claim`.
CLAIM_CTE = f"claim AS ({_CLAIM})"
_EARLIER = f"SELECT request_sha256, status_code, response FROM {_T} WHERE organisatie = $1 AND sleutel = $2"


@dataclass(frozen=True)
class Replay:
    status_code: int
    response: Any


async def claim(session: Db, organisatie: str, sleutel: str, digest: str) -> Replay | None:
    """Claim the key inside the caller's transaction. Returns the earlier response to replay, or None to proceed.

    One statement on the usual path (a new key). On a conflict the earlier record is read by a second statement: it
    sees the other transaction's commit, which the first statement (whose snapshot predates the wait) would not."""
    return await na_claim(session, await fetchrow(session, _CLAIM, organisatie, sleutel, digest) is not None, organisatie, sleutel, digest)


async def na_claim(session: Db, geclaimd: bool, organisatie: str, sleutel: str, digest: str) -> Replay | None:
    """After the claim (``geclaimd``: the key was new): None to proceed, or the earlier response to replay (409 when the
    key was used with another body)."""
    if geclaimd:
        return None
    row = await fetchrow(session, _EARLIER, organisatie, sleutel)
    if row is None:  # the conflicting record was committed (the claim waited for it), then deleted at once: as before, a 500
        raise RuntimeError("idempotency record removed during its claim")
    if row["request_sha256"] != digest:
        raise ProblemError(
            409,
            "Idempotency-Key reused",
            "this Idempotency-Key was used before with a different request body",
            errors=[{"field": "Idempotency-Key", "type": "idempotency_conflict", "message": "key already used for another body"}],
        )
    return Replay(row["status_code"], row["response"])


async def remember(session: Db, organisatie: str, sleutel: str, status_code: int, response: Any) -> None:
    await update_row(
        session, idempotency_table, {"organisatie": organisatie, "sleutel": sleutel}, {"status_code": status_code, "response": response}
    )
