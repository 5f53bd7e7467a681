"""A webhooks process killed (SIGKILL) in the middle of a stream of events and started again: every event reaches the
receiver, none twice once the receiver deduplicates by webhook-id, and the delivery log has one row per event."""

from __future__ import annotations

import signal
import uuid

import httpx
import support

from jeugdhulp_common.contracts.aanmelding import AanmeldingGescreend
from standardwebhooks import Webhook

from jeugdhulp_common.auth import Toegangsrol
from webhooks_helpers import Ontvanger, abonneer, auth, gescreend, publiceer, sleutel, start_webhooks

N = 40


async def test_restart_loses_and_doubles_nothing(log_dir, infra, ontvanger: Ontvanger) -> None:
    org = f"Voorziening K {uuid.uuid4().hex[:6]}"
    key = await sleutel(org, Toegangsrol.PARTNER)
    proc = start_webhooks(log_dir)
    try:
        await proc.wait_healthy(timeout=90)
        async with httpx.AsyncClient(base_url=proc.url, timeout=30) as api:
            # Only the type this test publishes: a partner also receives every anonymous (A) network event, and in the
            # whole suite the service has a backlog of those (themes, forum) from the tests before this one.
            sub = await abonneer(api, key, ontvanger.url("/k"), eventTypes=[AanmeldingGescreend.event_type])
        events = [gescreend(org) for _ in range(N)]
        await publiceer(*events[: N // 2])
        await support.wait_for(lambda: len(ontvanger.delivered("/k")) >= 5, timeout=60, what="first deliveries")
        proc.kill(signal.SIGKILL)
        await publiceer(*events[N // 2 :])
        proc = start_webhooks(log_dir)
        await proc.wait_healthy(timeout=90)
        await support.wait_for(lambda: len(ontvanger.delivered("/k")) >= N, timeout=240, what="all deliveries")

        kept = ontvanger.delivered("/k")
        assert sorted(r.json["id"] for r in kept.values()) == sorted(str(e.event_id) for e in events)
        for r in ontvanger.at("/k"):
            Webhook(sub["secret"]).verify(r.body, r.headers)
        async with httpx.AsyncClient(base_url=proc.url, timeout=30) as api:
            log = (await api.get(f"/subscriptions/{sub['id']}/deliveries", params={"limit": 200}, headers=auth(key))).json()["items"]
        assert len(log) == N and {d["status"] for d in log} == {"DELIVERED"}
        assert {d["webhookId"] for d in log} == set(kept)
    finally:
        proc.stop()
