"""The pure delivery pieces: retry schedule and outcomes, the SSRF guard, the signed message."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import random
import uuid

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from jeugdhulp_common.contracts.aanmelding import AanmeldingGescreend, AanmeldingOntvangen
from webhooks.domain import bericht
from webhooks.domain.adressen import controleer, parse_networks, url_fout
from webhooks.domain.retry import Schema, Uitkomst, beslis, retry_after_seconds

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
S = Schema()


def test_backoff_doubles_is_capped_and_jittered() -> None:
    rng = random.Random(1)
    no_jitter = Schema(jitter=0)
    assert [no_jitter.delay(n) for n in (1, 2, 3)] == [60, 120, 240]
    assert no_jitter.delay(30) == no_jitter.max_delay_seconds
    for n in range(1, 20):
        d = S.delay(n, rng)
        base = min(S.max_delay_seconds, S.base_seconds * 2 ** (n - 1))
        assert 0.8 * base <= d <= 1.2 * base


def test_schedule_spans_about_three_days() -> None:
    rng = random.Random(7)
    t, attempts = NOW, 0
    while True:
        attempts += 1
        b = beslis(status_code=500, retry_after=None, attempts=attempts, window_started_at=NOW, now=t, schema=S, rng=rng)
        if b.uitkomst is Uitkomst.FAILED:
            break
        assert b.uitkomst is Uitkomst.RETRY and b.next_attempt_at is not None
        t = b.next_attempt_at
    assert dt.timedelta(hours=60) <= t - NOW <= dt.timedelta(hours=72)
    assert 10 <= attempts <= 25


@pytest.mark.parametrize(("code", "uitkomst"), [(200, Uitkomst.DELIVERED), (204, Uitkomst.DELIVERED), (410, Uitkomst.DISABLE), (500, Uitkomst.RETRY),
                                                (429, Uitkomst.RETRY), (301, Uitkomst.RETRY), (404, Uitkomst.RETRY), (None, Uitkomst.RETRY)])
def test_outcome_per_status(code: int | None, uitkomst: Uitkomst) -> None:
    assert beslis(status_code=code, retry_after=None, attempts=1, window_started_at=NOW, now=NOW, schema=S).uitkomst is uitkomst


def test_retry_after_honoured_and_capped() -> None:
    b = beslis(status_code=503, retry_after="3600", attempts=1, window_started_at=NOW, now=NOW, schema=S)
    assert b.next_attempt_at == NOW + dt.timedelta(seconds=3600)
    b = beslis(status_code=429, retry_after="999999", attempts=1, window_started_at=NOW, now=NOW, schema=S)
    assert b.next_attempt_at == NOW + dt.timedelta(seconds=S.max_delay_seconds)
    assert retry_after_seconds("Sun, 29 Nov 2026 12:01:00 GMT", NOW) == 60
    assert retry_after_seconds("soon", NOW) is None and retry_after_seconds(None, NOW) is None


A = ipaddress.ip_address


@pytest.mark.parametrize("addr", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
                                  "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "224.0.0.1", "240.0.0.1"])
def test_ssrf_refuses_non_public(addr: str) -> None:
    assert controleer([A(addr)]) is not None
    assert controleer([A("93.184.216.34"), A(addr)]) is not None  # every address counts


def test_ssrf_allows_public_and_configured() -> None:
    assert controleer([A("93.184.216.34"), A("2606:2800:220:1:248:1893:25c8:1946")]) is None
    assert controleer([A("127.0.0.1")], parse_networks("127.0.0.1/32")) is None
    assert controleer([A("127.0.0.2")], parse_networks("127.0.0.1/32")) == "loopback address"
    assert controleer([]) == "host does not resolve"
    with pytest.raises(ValueError, match="not a network"):
        parse_networks("127.0.0.1/32, nonsense")


@pytest.mark.parametrize("url", ["ftp://x.be/", "https://", "https://u:p@x.be/", "https://x.be/#f", "https://x.be:99999/"])
def test_url_shape(url: str) -> None:
    assert url_fout(url) is not None
    assert url_fout("https://ontvanger.example.be/hooks?x=1") is None


def _gescreend() -> AanmeldingGescreend:
    return AanmeldingGescreend(aanmelding_id=uuid.uuid4(), aanmelder_organisatie="VOT", regio_ok=True, leeftijd_ok=False)


def test_body_is_a_cloudevent_and_thin_keeps_only_the_id() -> None:
    ev = _gescreend()
    b = json.loads(bericht.body(ev, thin=False))
    assert b["specversion"] == "1.0" and b["id"] == str(ev.event_id) and b["type"] == ev.event_type and b["subject"] == str(ev.aanmelding_id)
    assert b["data"] == {"aanmeldingId": str(ev.aanmelding_id), "aanmelderOrganisatie": "VOT", "regioOk": True, "leeftijdOk": False}
    o = AanmeldingOntvangen(aanmelding_id=uuid.uuid4(), aanmelder_organisatie="VOT", aanmelder_categorie="VOORZIENING", onderwerp="JONGERE",
                            regio_jongere="WESTHOEK", leeftijd_bij_aanmelding=14, redenen=["REFLECTIE"])
    assert json.loads(bericht.body(o, thin=True))["data"] == {"aanmeldingId": str(o.aanmelding_id)}


def test_signature_verifies_with_each_secret_and_fails_when_tampered() -> None:
    old, new = bericht.nieuw_geheim(), bericht.nieuw_geheim()
    payload = bericht.body(_gescreend(), thin=False)
    now = dt.datetime.now(dt.UTC)
    h = bericht.headers("msg_1", payload, [new, old], now)
    assert len(h["webhook-signature"].split(" ")) == 2
    for s in (old, new):
        assert Webhook(s).verify(payload, h)["data"]["regioOk"] is True
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(payload.replace('"regioOk":true', '"regioOk":false'), h)
    with pytest.raises(WebhookVerificationError):
        Webhook(bericht.nieuw_geheim()).verify(payload, h)


def test_webhook_id_is_stable_per_subscription_and_event() -> None:
    s, e = uuid.uuid4(), uuid.uuid4()
    assert bericht.webhook_id(s, e) == bericht.webhook_id(s, e) != bericht.webhook_id(uuid.uuid4(), e)
