"""One aanmelding service process per test module and a set of API keys, shared by the aanmelding API tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import support

from aanmelding_helpers import MAX_LEEFTIJD, MIN_LEEFTIJD, Sleutels, maak_sleutels


# Module scope: a test module must not leave a service running into other modules (its relay would compete
# for outbox rows and publish them outside their trace file, for example).
@pytest.fixture(scope="module")
async def aanmelding_service(log_dir, infra) -> AsyncIterator[support.ServiceProcess]:
    env = {"AANMELDING_SCREENING_MIN_LEEFTIJD": str(MIN_LEEFTIJD), "AANMELDING_SCREENING_MAX_LEEFTIJD": str(MAX_LEEFTIJD)}
    proc = support.ServiceProcess("aanmelding", "serve", log_dir=log_dir, env=env, port=support.free_port()).start()
    try:
        await proc.wait_healthy(timeout=90)
        yield proc
    finally:
        proc.stop()


@pytest.fixture(scope="session")
async def sleutels(infra) -> Sleutels:
    return await maak_sleutels()


@pytest.fixture
async def client(aanmelding_service) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=aanmelding_service.url, timeout=30) as c:
        yield c
