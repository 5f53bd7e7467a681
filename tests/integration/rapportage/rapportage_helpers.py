"""Shared pieces of the report tests: the services of one module and the history fixture."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
import support

from jeugdhulp_common.auth import Toegangsrol

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rapportage"
ENV = {"JH_RELAY_IDLE_SECONDS": "0.05"}


@dataclass
class Stack:
    aanmelding: support.ServiceProcess
    traject: support.ServiceProcess
    signalering: support.ServiceProcess
    keys: dict[Toegangsrol, str]

    def client(self, service: str, rol: Toegangsrol) -> httpx.AsyncClient:
        proc = getattr(self, service)
        return httpx.AsyncClient(base_url=proc.url, headers={"Authorization": f"Bearer {self.keys[rol]}"}, timeout=60)
