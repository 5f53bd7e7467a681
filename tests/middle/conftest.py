"""The middle test tier: each service's API in process (``httpx.ASGITransport``) against the REAL Postgres of the
test stack, with the broker left out (``create_app(..., broker=False)``: no topics, no relay, no consumer; staged
events stay in the outbox, where a test can read them). Runs in seconds; the relay and consumer suites stay on the
real broker in tests/integration.

    make middle        # unit tests + this tier, on a throwaway Postgres (and broker, unused here)
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
import support
from fastapi import FastAPI
from jeugdhulp_common.auth import Toegangsrol, create_credential
from jeugdhulp_common.consumer import MessageMeta
from jeugdhulp_common.events import Event
from jeugdhulp_common.service import Runtime, ServiceDefinition, create_app, make_runtime
from sqlalchemy.ext.asyncio import AsyncEngine


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/middle/" in str(item.fspath):
            item.add_marker(pytest.mark.middle)


@dataclass
class InProcess:
    """One service's app in this process, with an API key per role of organisation ``ORG-<role>`` (a partner key
    of another organisation too)."""

    name: str
    app: FastAPI
    engine: AsyncEngine
    outbox_start: int
    keys: dict[str, str] = field(default_factory=dict)
    runtime: Runtime | None = None
    definition: ServiceDefinition | None = None

    def als(self, rol: Toegangsrol | str | None, *, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
        key = None if rol is None else self.keys[rol.value if isinstance(rol, Toegangsrol) else rol]
        h = {**({"Authorization": f"Bearer {key}"} if key else {}), **(headers or {})}
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://in-process", headers=h)

    async def outbox(self, event_type: str | None = None) -> list[dict]:
        """The events staged by this service (newest last), optionally of one type."""
        sql = "SELECT event_type, key, payload FROM outbox" + (" WHERE event_type = $1" if event_type else "") + " ORDER BY id"
        rows = await support.db_fetch(self.name, sql, *([event_type] if event_type else []))
        return [dict(r) for r in rows]

    async def verwerk(self, event: Event) -> None:
        """Run this service's consumer handler for ``event`` in one transaction, as the consumer does (without the
        inbox and the broker): e.g. ``await traject.verwerk(AanmeldingOpgestart(...))`` creates a traject."""
        assert self.runtime is not None and self.definition is not None
        handler = self.definition.handlers(self.runtime)[type(event)]
        async with self.runtime.sessionmaker.begin() as session:
            await handler(session, event, MessageMeta(event.topic, 0, 0, {}))


@pytest.fixture(scope="session")
def migrated() -> None:
    support.migrate_all()


@pytest.fixture(scope="session")
async def in_process(migrated: None) -> AsyncIterator:
    """``await in_process("traject")``: that service's app, started once per session."""
    started: dict[str, InProcess] = {}

    async def start(name: str) -> InProcess:
        if name in started:
            return started[name]
        defn: ServiceDefinition = importlib.import_module(f"{name}.service").definition
        # a lock held on purpose by a test is waited for 1.5 s, not the deployed 5 s, before the 409
        rt = make_runtime(defn, defn.load_settings().model_copy(update={"db_lock_timeout_ms": 1500}))
        app = create_app(defn, rt, broker=False)
        urls = {name: support.database_url(name)}
        run = uuid.uuid4().hex[:6]
        keys = {r.value: await create_credential(urls, f"ORG-{r.value}", [r]) for r in Toegangsrol}
        keys["ANDERE_PARTNER"] = await create_credential(urls, f"ORG-ANDERE-{run}", [Toegangsrol.PARTNER])
        outbox_start = await support.db_fetchval(name, "SELECT coalesce(max(id), 0) FROM outbox")
        started[name] = InProcess(name, app, rt.engine, outbox_start, keys, runtime=rt, definition=defn)
        return started[name]

    yield start
    for p in started.values():
        # No broker here: what this tier staged is never relayed (a later suite's relay must not publish it).
        await support.db_fetch(p.name, "UPDATE outbox SET published_at = now() WHERE id > $1 AND published_at IS NULL", p.outbox_start)
        await p.engine.dispose()
