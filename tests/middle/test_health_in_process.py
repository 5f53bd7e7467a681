"""The middle tier's own plumbing: an app in process, the real database, no broker."""

import pytest
from jeugdhulp_common.auth import Toegangsrol


@pytest.mark.parametrize("service", ["aanmelding", "traject", "signalering", "webhooks"])
async def test_ready_without_broker_and_auth_enforced(in_process, service: str) -> None:
    svc = await in_process(service)
    async with svc.als(None) as c:
        ready = await c.get("/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json() == {"status": "ready", "database": "ok", "broker": "not used"}
        assert (await c.get("/audit")).status_code == 401
    async with svc.als(Toegangsrol.COORDINATOR) as c:
        assert (await c.get("/audit", params={"limit": 1})).status_code == 200
