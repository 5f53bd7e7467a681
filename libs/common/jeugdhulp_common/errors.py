"""Which errors are the infrastructure's fault (retry later) rather than the message's or the request's."""

from __future__ import annotations

import asyncpg
from aiokafka.errors import KafkaError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

# SQLSTATEs worth waiting out: connection exceptions, serialization failure, deadlock, shutdown, too many connections.
_TRANSIENT_SQLSTATE_PREFIXES = ("08", "40001", "40P01", "57P", "53300")


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a database error: the driver's own (asyncpg, on a statement sent straight on it), or that of the
    error SQLAlchemy wrapped (``orig``, or the asyncpg error its adapter raised it from)."""
    orig = getattr(exc, "orig", None)
    for e in (exc, orig, getattr(orig, "__cause__", None)):
        code = getattr(e, "sqlstate", None)
        if isinstance(code, str):
            return code
    return None


def is_transient(exc: BaseException) -> bool:
    """True for errors of the infrastructure rather than of the message."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, (OSError, ConnectionError, TimeoutError, KafkaError)):
            return True
        if isinstance(e, (OperationalError, InterfaceError)):
            return True
        if isinstance(e, DBAPIError) and e.connection_invalidated:
            return True
        code = sqlstate(e)
        if code is not None and code.startswith(_TRANSIENT_SQLSTATE_PREFIXES):
            return True
        if type(e).__module__.startswith("asyncpg") and "Connection" in type(e).__name__:
            return True
        if isinstance(e, asyncpg.InterfaceError) and str(e).startswith("connection is closed"):
            return True  # a statement sent straight on the driver, on a connection that was lost (Postgres restarted)
        e = e.__cause__ or e.__context__
    return False
