"""Helpers for the webhooks tests: a receiver on loopback (run by the test), the webhooks process, keys, events."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import support
from events_factory import as_record

from jeugdhulp_common import topics
from jeugdhulp_common.auth import Toegangsrol, create_credential
from jeugdhulp_common.contracts.aanmelding import AanmeldingGescreend
from jeugdhulp_common.events import Event
from signalering.domain import scan_privacy
from signalering.domain.privacy import SleutelSoort

# Loopback receivers are allowed only because the test says so; a short backoff base so retries happen in seconds.
WEBHOOKS_ENV = {
    "WEBHOOKS_ALLOWED_NETWORKS": "127.0.0.1/32",
    "WEBHOOKS_RETRY_BASE_SECONDS": "0.3",
    "WEBHOOKS_POLL_SECONDS": "0.1",
    "WEBHOOKS_DELIVERY_TIMEOUT_SECONDS": "5",
}


@dataclass
class Ontvangen:
    path: str
    headers: dict[str, str]
    body: str
    status: int
    at: float = 0.0  # time.monotonic() on receipt

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Ontvanger:
    """A small HTTP server on 127.0.0.1: per path, a script of answers (a status code, or (status, headers)), then 200;
    records every request."""

    server: ThreadingHTTPServer
    scripts: dict[str, list[int | tuple[int, dict[str, str]]]] = field(default_factory=dict)
    requests: list[Ontvangen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str, *script: int | tuple[int, dict[str, str]]) -> str:
        with self.lock:
            self.scripts[path] = list(script)
        return self.base + path

    def at(self, path: str) -> list[Ontvangen]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def delivered(self, path: str) -> dict[str, Ontvangen]:
        """What a receiver that dedups by webhook-id keeps: the first 2xx request per id."""
        out: dict[str, Ontvangen] = {}
        for r in self.at(path):
            if 200 <= r.status < 300:
                out.setdefault(r.headers["webhook-id"], r)
        return out

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_ontvanger() -> Ontvanger:
    holder: dict[str, Ontvanger] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            o = holder["o"]
            body = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
            with o.lock:
                script = o.scripts.setdefault(self.path, [])
                answer = script.pop(0) if script else 200
                status, extra = answer if isinstance(answer, tuple) else (answer, {})
                o.requests.append(Ontvangen(self.path, {k.lower(): v for k, v in self.headers.items()}, body, status, time.monotonic()))
            self.send_response(status)
            for k, v in extra.items():
                self.send_header(k, v)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["o"] = Ontvanger(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return holder["o"]


def start_webhooks(log_dir, **extra_env: str) -> support.ServiceProcess:
    return support.ServiceProcess("webhooks", "serve", log_dir=log_dir, env={**WEBHOOKS_ENV, **extra_env}, port=support.free_port()).start()


async def sleutel(organisatie: str, *rollen: Toegangsrol, services: Iterable[str] = ("webhooks",)) -> str:
    return await create_credential({s: support.database_url(s) for s in services}, organisatie, list(rollen))


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def abonneer(client: httpx.AsyncClient, key: str, url: str, **extra: Any) -> dict[str, Any]:
    resp = await client.post("/subscriptions", json={"url": url, **extra}, headers=auth(key))
    assert resp.status_code == 201, resp.text
    return resp.json()


def gescreend(organisatie: str, aanmelding_id: uuid.UUID | None = None) -> AanmeldingGescreend:
    return AanmeldingGescreend(aanmelding_id=aanmelding_id or uuid.uuid4(), aanmelder_organisatie=organisatie, regio_ok=True, leeftijd_ok=True)


async def publiceer(*events: Event) -> None:
    by_topic: dict[str, list] = {}
    for ev in events:
        by_topic.setdefault(ev.topic, []).append(as_record(ev))  # type: ignore[arg-type]
    for topic, records in by_topic.items():
        await support.produce_raw(topic, records)


assert topics.AANMELDING_MICRO  # the topic the events above go to

# Pseudonymous (Ps) payloads carry ids by design: a key naming an aanmelding or traject id is expected there.
_IDS = {SleutelSoort.AANMELDING_ID.value, SleutelSoort.TRAJECT_ID.value}


def _value_at(body: Any, pad: str) -> Any:
    for part in re.findall(r"\.([^.\[]+)|\[(\d+)\]", pad):
        body = body[part[0]] if part[0] else body[int(part[1])]
    return body


def check_privacy(o: Ontvangen, verboden: Iterable[str] = ()) -> None:
    """The test suite's privacy scanner (signalering's ``scan_privacy``) on a delivered payload: no personal-data key or
    value, and none of the personal values the test posted. Allowed in pseudonymous payloads: ids, and a yes/no
    outcome under a personal-sounding key (``leeftijdOk``: the screening result, not the age)."""
    body = o.json
    assert body["privacyclass"] in ("Ps", "A") or set(body["data"]) <= {"aanmeldingId", "trajectId"}, body["type"]
    meldingen = [
        m for m in scan_privacy(body)
        if m.soort not in _IDS and not (m.reden == "sleutel" and isinstance(_value_at(body, m.pad), bool))
    ]
    assert not meldingen, f"{body['type']}: {[(m.pad, m.reden, m.soort) for m in meldingen]}"
    laag = o.body.lower()
    assert not [v for v in verboden if v and v.lower() in laag], f"{body['type']} carries a posted personal value"
