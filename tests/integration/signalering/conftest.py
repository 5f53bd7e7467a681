"""One signalering process for the signalering API tests, credentials per role, and the privacy scanner."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import support
from signalering_helpers import SIGNALERING_ENV, PrivacyScanner, client

from jeugdhulp_common.auth import Toegangsrol, create_credential


@dataclass
class Signalering:
    proc: support.ServiceProcess
    scanner: PrivacyScanner
    keys: dict[str, str]

    def als(self, rol: str | None) -> httpx.AsyncClient:
        return client(self.proc.url, self.keys[rol] if rol else None, self.scanner)


@pytest.fixture(scope="session")
async def scanner() -> PrivacyScanner:
    return PrivacyScanner()


# Module scope: no service process outlives the test module that started it.
@pytest.fixture(scope="module")
async def sig(log_dir: Path, scanner: PrivacyScanner, infra: None) -> Signalering:
    urls = {"signalering": support.database_url("signalering")}
    keys = {r.value: await create_credential(urls, f"ORG-{r.value}", [r]) for r in Toegangsrol}
    proc = support.ServiceProcess("signalering", "serve", log_dir=log_dir, port=support.free_port(), env=SIGNALERING_ENV).start()
    try:
        await proc.wait_healthy(timeout=120)
        yield Signalering(proc, scanner, keys)
    finally:
        proc.stop()
