"""Helpers for the signalering API tests: input events, a privacy scanner for every response and every meso/macro
message, and HTTP clients whose responses are all scanned (httpx event hook)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import httpx
import support
from events_factory import as_record

from jeugdhulp_common import topics
from jeugdhulp_common.contracts.traject import (
    IdentificerendeGegevens,
    IdentificerendeKenmerken,
    KandidaatSignaal,
    SamenwerkingsoverlegGehouden,
    SamenwerkingsoverlegGehoudenV2,
)
from jeugdhulp_common.contracts.vocabulary import OverlegSoort, RegioELZ, SignaalSoort
from signalering.domain import scan_privacy


def _kleine_aantallen(body: Any, pad: str = "") -> list[str]:
    """Paths of counts (``aantal…`` keys) from 1 to 4 in a meso/macro message: they must be suppressed (null)."""
    if isinstance(body, list):
        return [p for i, v in enumerate(body) for p in _kleine_aantallen(v, f"{pad}[{i}]")]
    if isinstance(body, dict):
        uit = [f"{pad}.{k}" for k, v in body.items() if k.startswith("aantal") and type(v) is int and 1 <= v <= 4]
        return uit + [p for k, v in body.items() for p in _kleine_aantallen(v, f"{pad}.{k}")]
    return []


# A short reminder interval, so the actiepunt timer runs during the tests.
SIGNALERING_ENV = {"SIGNALERING_HERINNERING_INTERVAL_SECONDEN": "1", "JH_RELAY_IDLE_SECONDS": "0.1"}


class PrivacyScanner:
    """Fails on anything that looks like personal data (the domain's ``scan_privacy``: keys and values) and on any
    traject id, overleg id or name the tests fed in (raw text check, case-insensitive)."""

    def __init__(self) -> None:
        self.verboden: set[str] = set()
        self.gescand = 0

    def verbied(self, *waarden: object) -> None:
        for w in waarden:
            if isinstance(w, uuid.UUID):
                self.verboden |= {str(w).lower(), w.hex}
            else:
                self.verboden |= {str(w).lower(), *(p.lower() for p in str(w).split() if len(p) >= 4)}

    def check(self, body: Any, raw: str, waar: str) -> None:
        self.gescand += 1
        meldingen = scan_privacy(body)
        assert not meldingen, f"{waar}: not anonymous: {[(m.pad, m.reden, m.soort) for m in meldingen]}"
        laag = raw.lower()
        gevonden = [v for v in self.verboden if v in laag]
        assert not gevonden, f"{waar}: contains {len(gevonden)} fed traject id(s)/name(s)"

    async def check_topics(self) -> int:
        """Scan EVERY message on the signalering meso and macro topics. Returns how many were scanned."""
        n = 0
        for topic in (topics.SIGNALERING_MESO, topics.SIGNALERING_MACRO):
            for rec in await support.read_topic(topic, timeout=60):
                raw = rec.value.decode()
                self.check(json.loads(raw), raw, f"{topic}@{rec.partition}:{rec.offset}")
                klein = _kleine_aantallen(json.loads(raw))
                assert not klein, f"{topic}@{rec.partition}:{rec.offset}: small counts published exactly: {klein}"
                kop = " ".join(f"{k}={v.decode()}" for k, v in rec.headers or () if v is not None)
                self.check({}, kop + " " + (rec.key or b"").decode(), f"{topic}@{rec.partition}:{rec.offset} headers")
                n += 1
        return n


def client(base_url: str, key: str | None, scanner: PrivacyScanner) -> httpx.AsyncClient:
    async def scan(resp: httpx.Response) -> None:
        await resp.aread()
        if resp.content:
            body = resp.json() if "json" in resp.headers.get("content-type", "") else resp.text
            scanner.check(body, resp.text, f"{resp.request.method} {resp.request.url.path} -> {resp.status_code}")

    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30, event_hooks={"response": [scan]})


def overleg(
    scanner: PrivacyScanner,
    *,
    traject_id: uuid.UUID | None = None,
    namen: list[str] | None = None,
    kandidaten: list[tuple[SignaalSoort, str]],
    overleg_id: uuid.UUID | None = None,
    versie: int = 3,
) -> SamenwerkingsoverlegGehouden | SamenwerkingsoverlegGehoudenV2:
    """A samenwerkingsoverleg as the traject service publishes it (version 3: no names, the role holders' masked by
    traject; ``versie=2``: an old record that still brings ``namen`` for the gate); its ids and names are
    registered as forbidden."""
    velden: dict[str, Any] = {
        "traject_id": traject_id or uuid.uuid4(),
        "overleg_id": overleg_id or uuid.uuid4(),
        "soort": OverlegSoort.SAMENWERKINGSOVERLEG_EINDE,
        "datum": dt.date(2025, 3, 14),
        "kandidaat_signalen": [KandidaatSignaal(vraag_id=f"5{chr(97 + i)}", soort=s, tekst=t) for i, (s, t) in enumerate(kandidaten)],
        "thema_voorstellen": ["Contextbegeleiding"],
    }
    kenmerken = {"geboortedata": [dt.date(2011, 5, 17)], "leeftijd": 13, "regio": RegioELZ.WESTHOEK}
    if versie == 2:
        ev: Any = SamenwerkingsoverlegGehoudenV2(**velden, identificerend=IdentificerendeGegevens(namen=namen or [], **kenmerken))
    else:
        ev = SamenwerkingsoverlegGehouden(**velden, identificerend=IdentificerendeKenmerken(**kenmerken))
    scanner.verbied(ev.traject_id, ev.overleg_id, *(namen or []))
    return ev


async def publiceer(*events: SamenwerkingsoverlegGehouden | Any) -> None:
    for ev in events:
        await support.produce_raw(ev.topic, [as_record(ev)])


async def alle(c: httpx.AsyncClient, pad: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paged list, page by page."""
    uit: list[dict[str, Any]] = []
    while True:
        r = await c.get(pad, params={**params, "limit": 200, "offset": len(uit)})
        assert r.status_code == 200, r.text
        page = r.json()
        uit += page["items"]
        if not page["items"] or len(uit) >= page["total"]:
            return uit


async def concepten(c: httpx.AsyncClient) -> list[dict[str, Any]]:
    return await alle(c, "/signalen", status="CONCEPT")
