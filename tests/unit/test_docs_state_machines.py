"""docs/state-machines.md draws the transition tables as they are in the code: every state-changing row is an
edge of its diagram (and nothing else is), and every action that keeps the state is listed under it."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "state-machines.md"

BLOCK = re.compile(r"```mermaid\n%% table: (?P<table>\S+)\n(?P<body>.*?)```(?P<after>.*?)(?=\n## |\Z)", re.S)
EDGE = re.compile(r"^\s*(\w+) --> (\w+) : (\w+)\s*$", re.M)


def sections() -> dict[str, tuple[str, str]]:
    return {m["table"]: (m["body"], m["after"]) for m in BLOCK.finditer(DOC.read_text())}


def table(ref: str):  # noqa: ANN201
    module, name = ref.split(":")
    return getattr(importlib.import_module(module), name)


def test_the_page_has_a_diagram_for_every_table() -> None:
    assert set(sections()) == {
        "aanmelding.domain.toestanden:OVERGANGEN",
        "traject.domain.toestanden:TRAJECT_OVERGANGEN",
        "traject.domain.toestanden:DIW_OVERGANGEN",
        "signalering.domain.signaal:SIGNAAL_OVERGANGEN",
        "signalering.domain.thema:THEMA_OVERGANGEN",
        "signalering.domain.lerend_netwerk:SESSIE_OVERGANGEN",
        "signalering.domain.forum:TAFEL_OVERGANGEN",
        "signalering.domain.forum:ACTIEPUNT_OVERGANGEN",
        "signalering.domain.beleid:AANBEVELING_OVERGANGEN",
        "webhooks.domain.abonnement:OVERGANGEN",
    }


@pytest.mark.parametrize("ref", sorted(sections()))
def test_the_diagram_is_the_table_in_the_code(ref: str) -> None:
    body, after = sections()[ref]
    rows = table(ref).rijen
    in_code = {(van.value, naar.value, actie.value) for actie, r in rows.items() for van, naar in r.items() if van != naar}
    drawn = {(van, naar, actie) for van, naar, actie in EDGE.findall(body)}
    assert drawn == in_code
    for actie, r in rows.items():
        for van, naar in r.items():
            if van == naar:
                listed = [line for line in after.splitlines() if f"`{actie.value}`" in line]
                assert listed, f"{actie.value} (keeps {van.value}) is not listed under the diagram"
                assert any(van.value in line or "every state but" in line for line in listed), (actie.value, van.value)
