"""The integrators' guide carries the event catalogue as generated from contracts/asyncapi.json (make contracts)."""

from __future__ import annotations

from pathlib import Path

from jeugdhulp_common import topics
from jeugdhulp_common.events import REGISTRY
from webhooks.catalogue import END, START, render

ROOT = Path(__file__).resolve().parents[3]


def test_guide_catalogue_is_current() -> None:
    guide = (ROOT / "docs" / "integrators.md").read_text()
    section = guide[guide.index(START) : guide.index(END) + len(END)]
    assert section == render(ROOT / "contracts" / "asyncapi.json"), "docs/integrators.md is stale: run make contracts"


def test_catalogue_lists_every_event_version() -> None:
    text = render(ROOT / "contracts" / "asyncapi.json")
    for cls in REGISTRY.all():
        assert f"| `{cls.event_type}` | {cls.schema_version} |" in text
    assert "| `be.jeugdhulp.traject.SamenwerkingsoverlegGehouden` | 1 | P | `trajectId` |" in text
    internal = [cls for cls in REGISTRY.all() if cls.topic == topics.TRAJECT_MICRO_INTERN]
    assert internal and text.count("never (internal)") == len(internal)
