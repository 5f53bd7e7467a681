"""Authentication and authorisation: API keys per organisation, stored hashed, with roles.

A key looks like ``jh_<credential id hex>_<secret>`` and is sent as ``Authorization: Bearer <key>``.
Only the SHA-256 of the secret is stored (the secret has 256 bits of entropy, so a fast hash is
enough); comparison is constant-time. One credential works on every service: the CLI writes it
into each service's database.

    python -m jeugdhulp_common.auth create --organisatie VOT --rol PARTNER     (make credential ORG=VOT ROLE=PARTNER)
    python -m jeugdhulp_common.auth revoke <credential id>

Both migrate each service's database first (Alembic upgrade head), so they work right after ``make up``.

Every endpoint except /health and /ready depends on :func:`require`.

Verified keys are cached per process for ``JH_AUTH_CACHE_SECONDS`` (:class:`CredentialCache`), so a request needs
no database round trip to authenticate. Revocation reaches every instance at once: a trigger NOTIFYs
``jh_credential`` on every update or delete of a credential and each process's listener evicts it; while that
listener is disconnected the cache is cleared and not used.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import os
import secrets
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jeugdhulp_common.problems import ProblemError
from jeugdhulp_common.tables import api_credential_table

if TYPE_CHECKING:
    from jeugdhulp_common.notify import Listener

KEY_PREFIX = "jh"
SERVICES = ("aanmelding", "traject", "signalering", "webhooks")


class Toegangsrol(StrEnum):
    """Who calls the API (not a role inside a traject)."""

    PARTNER = "PARTNER"  # a partner organisation's system: sees only its own organisation's data
    PLANMAKER = "PLANMAKER"  # the planmakers' team
    COORDINATOR = "COORDINATOR"  # the project coördinator: team decisions, audit log
    STUURGROEP = "STUURGROEP"  # kern-/stuurgroep: forum, beleidsaanbevelingen, DIW decisions


TEAM = (Toegangsrol.PLANMAKER, Toegangsrol.COORDINATOR)
# The other role sets of the services' routes, named once here.
PARTNER_EN_TEAM = (Toegangsrol.PARTNER, *TEAM)  # a partner's reads are limited to its own organisation
TEAM_EN_STUURGROEP = (*TEAM, Toegangsrol.STUURGROEP)
STUURGROEP_EN_COORDINATOR = (Toegangsrol.STUURGROEP, Toegangsrol.COORDINATOR)  # decisions of the kern-/stuurgroep
INTEGRATIE = (Toegangsrol.PARTNER, Toegangsrol.COORDINATOR)  # who manages webhook subscriptions


@dataclass(frozen=True)
class Principal:
    credential_id: uuid.UUID
    organisatie: str
    rollen: frozenset[Toegangsrol]

    def heeft(self, *rollen: Toegangsrol) -> bool:
        return bool(self.rollen.intersection(rollen))

    @property
    def is_team(self) -> bool:
        return self.heeft(*TEAM)


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key() -> tuple[uuid.UUID, str, str]:
    """(credential id, the key to hand out once, the hash to store)."""
    credential_id = uuid.uuid4()
    secret = secrets.token_urlsafe(32)
    return credential_id, f"{KEY_PREFIX}_{credential_id.hex}_{secret}", _sha256(secret)


def parse_key(key: str) -> tuple[uuid.UUID, str] | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    try:
        return uuid.UUID(hex=parts[1]), parts[2]
    except ValueError:
        return None


# The bearer scheme of every protected route (OpenAPI's security scheme); a dependency made by :func:`require` takes it.
bearer = HTTPBearer(auto_error=False, description="API key: `Authorization: Bearer jh_…` (make credential)")


def _unauthorized(detail: str) -> ProblemError:
    return ProblemError(401, "Unauthorized", detail, headers={"WWW-Authenticate": "Bearer"})


class CredentialCache:
    """Verified credentials of this process, each for ``ttl`` seconds (bounded: cleared when ``max_entries`` is reached).

    Used only while :meth:`enabled` (the notification listener is connected: see ``jeugdhulp_common.notify``), so
    a revocation evicts the credential in every instance within milliseconds. A lookup that raced with an
    eviction is not cached (generation check).
    """

    def __init__(self, ttl: float, *, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[uuid.UUID, tuple[str, Principal, float]] = {}
        self._enabled = False
        self.generation = 0

    def attach(self, listener: Listener) -> None:
        from jeugdhulp_common.notify import CREDENTIAL_CHANNEL

        listener.on(CREDENTIAL_CHANNEL, self.evict)
        listener.on_connect(lambda: self._switch(True))
        listener.on_disconnect(lambda: self._switch(False))

    @property
    def enabled(self) -> bool:
        return self._enabled and self.ttl > 0

    def _switch(self, on: bool) -> None:
        self._entries.clear()  # notifications may have been missed while the listener was away
        self.generation += 1
        self._enabled = on

    def evict(self, payload: str) -> None:
        self.generation += 1
        try:
            self._entries.pop(uuid.UUID(payload), None)
        except ValueError:
            self._entries.clear()

    def get(self, credential_id: uuid.UUID, digest: str) -> Principal | None:
        if not self.enabled:
            return None
        entry = self._entries.get(credential_id)
        if entry is None:
            return None
        stored, principal, expires = entry
        if time.monotonic() >= expires:
            del self._entries[credential_id]
            return None
        return principal if hmac.compare_digest(stored, digest) else None

    def put(self, credential_id: uuid.UUID, digest: str, principal: Principal, *, generation: int) -> None:
        if not self.enabled or generation != self.generation:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[credential_id] = (digest, principal, time.monotonic() + self.ttl)


def authenticator(
    sessionmaker: async_sessionmaker[AsyncSession], cache: CredentialCache | None = None
) -> Callable[..., Awaitable[Principal]]:
    """A FastAPI dependency that returns the caller, or answers 401."""

    async def authenticate(request: Request, creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Principal:
        if creds is None:
            raise _unauthorized("missing credentials")
        parsed = parse_key(creds.credentials)
        if parsed is None:
            raise _unauthorized("malformed API key")
        credential_id, secret = parsed
        digest = _sha256(secret)
        if cache is not None and (principal := cache.get(credential_id, digest)) is not None:
            request.state.principal = principal
            return principal
        generation = cache.generation if cache is not None else 0
        async with sessionmaker() as session:
            row = (
                await session.execute(
                    select(api_credential_table.c.organisatie, api_credential_table.c.rollen, api_credential_table.c.secret_sha256).where(
                        api_credential_table.c.id == credential_id, api_credential_table.c.revoked_at.is_(None)
                    )
                )
            ).first()
        if row is None or not hmac.compare_digest(row.secret_sha256, digest):
            raise _unauthorized("unknown or revoked API key")
        principal = Principal(credential_id, row.organisatie, frozenset(Toegangsrol(r) for r in row.rollen))
        if cache is not None:
            cache.put(credential_id, digest, principal, generation=generation)
        request.state.principal = principal
        return principal

    return authenticate


def require(authenticate: Callable[..., Awaitable[Principal]], *rollen: Toegangsrol) -> Callable[..., Awaitable[Principal]]:
    """Dependency: an authenticated caller with one of ``rollen`` (any role when none given), else 403."""

    # The bearer credentials are this dependency's own (not through ``authenticate`` as a sub-dependency): FastAPI
    # solves every level of dependencies per request, and each costs about as much as the credential check itself.
    async def dependency(request: Request, creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Principal:
        principal = await authenticate(request, creds)
        if rollen and not principal.heeft(*rollen):
            raise ProblemError(403, "Forbidden", "this operation needs role " + " or ".join(r.value for r in rollen))
        return principal

    return dependency


# --------------------------------------------------------------------------- CLI


async def _write(urls: dict[str, str], fn: Callable[[AsyncSession], Awaitable[None]]) -> None:
    from jeugdhulp_common.db import make_engine, make_sessionmaker

    for url in urls.values():
        engine = make_engine(url, pool_size=1)
        try:
            async with make_sessionmaker(engine).begin() as session:
                await fn(session)
        finally:
            await engine.dispose()


def _urls(services: list[str]) -> dict[str, str]:
    missing = [s for s in services if not os.environ.get(f"{s.upper()}_DATABASE_URL")]
    if missing:
        raise SystemExit(f"set {', '.join(s.upper() + '_DATABASE_URL' for s in missing)} (e.g. eval \"$(python scripts/devstack.py env)\")")
    return {s: os.environ[f"{s.upper()}_DATABASE_URL"] for s in services}


async def create_credential(urls: dict[str, str], organisatie: str, rollen: list[Toegangsrol], omschrijving: str | None = None) -> str:
    credential_id, key, digest = new_key()

    async def insert(session: AsyncSession) -> None:
        await session.execute(
            api_credential_table.insert().values(
                id=credential_id, organisatie=organisatie, rollen=[r.value for r in rollen], secret_sha256=digest, omschrijving=omschrijving
            )
        )

    await _write(urls, insert)
    return key


async def revoke_credential(urls: dict[str, str], credential_id: uuid.UUID) -> None:
    from sqlalchemy import func

    async def revoke(session: AsyncSession) -> None:
        await session.execute(update(api_credential_table).where(api_credential_table.c.id == credential_id).values(revoked_at=func.now()))

    await _write(urls, revoke)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jeugdhulp_common.auth")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("create", help="create an API key (printed once) in every service's database")
    c.add_argument("--organisatie", required=True)
    c.add_argument("--rol", action="append", required=True, choices=[r.value for r in Toegangsrol])
    c.add_argument("--omschrijving")
    c.add_argument("--service", action="append", choices=SERVICES, help="default: all of them")
    r = sub.add_parser("revoke", help="revoke a credential in every service's database")
    r.add_argument("credential_id", type=uuid.UUID)
    r.add_argument("--service", action="append", choices=SERVICES)
    args = parser.parse_args(argv)
    urls = _urls(args.service or list(SERVICES))
    from jeugdhulp_common.migrations import migrate_service

    for service, url in urls.items():  # `make up` starts empty databases: the credential table comes with the migrations
        try:
            migrate_service(service, url)
        except Exception as exc:  # noqa: BLE001 - one line for the operator, not a traceback
            raise SystemExit(f"could not migrate the {service} database ({type(exc).__name__}); is it running? (make up / make status)") from None
    if args.command == "create":
        print(asyncio.run(create_credential(urls, args.organisatie, [Toegangsrol(x) for x in args.rol], args.omschrijving)))
    else:
        asyncio.run(revoke_credential(urls, args.credential_id))
    return 0


if __name__ == "__main__":
    sys.exit(main())
