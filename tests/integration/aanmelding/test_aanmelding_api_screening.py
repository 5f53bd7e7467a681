"""Screening right after receipt: the configured age bounds (10..16 here) at and around the boundaries, every regio.
The tests of this file that need no broker run in the middle tier: tests/middle/test_aanmelding_screening_api.py.
"""

from __future__ import annotations

import pytest

from aanmelding_helpers import MAX_LEEFTIJD, MIN_LEEFTIJD, body, post, wacht_op_events

AANZET = {"HOUTLAND_EN_POLDER", "WESTHOEK", "MIDDEN_WEST_VLAANDEREN", "WESTKUST_EN_POLDER", "RITS"}


@pytest.mark.parametrize(
    ("leeftijd", "ok"),
    [(0, False), (MIN_LEEFTIJD - 1, False), (MIN_LEEFTIJD, True), (MAX_LEEFTIJD, True), (MAX_LEEFTIJD + 1, False), (25, False)],
)
async def test_screening_at_the_boundary_ages(client, sleutels, leeftijd: int, ok: bool) -> None:
    resp = await post(client, sleutels.partner_a, body(leeftijdBijAanmelding=leeftijd))
    assert resp.status_code == 201, resp.text
    s = resp.json()["screening"]
    assert (s["leeftijdOk"], s["regioOk"]) == (ok, True)
    gelezen = await wacht_op_events(resp.json()["aanmeldingId"], "AanmeldingGescreend")
    ev = next(g.event for g in gelezen if type(g.event).__name__ == "AanmeldingGescreend")
    assert (ev.leeftijd_ok, ev.regio_ok) == (ok, True)
