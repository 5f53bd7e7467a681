"""Screening right after receipt: the configured age bounds (10..16 here) at and around the boundaries, every regio."""

from __future__ import annotations

import pytest

from aanmelding_helpers import MAX_LEEFTIJD, MIN_LEEFTIJD, body, post, wacht_op_events
from jeugdhulp_common.contracts.vocabulary import RegioELZ

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


@pytest.mark.parametrize("regio", [r.value for r in RegioELZ])
async def test_screening_for_every_regio(client, sleutels, regio: str) -> None:
    resp = await post(client, sleutels.partner_a, body(regioJongere=regio))
    assert resp.status_code == 201, resp.text
    s = resp.json()["screening"]
    assert (s["regioOk"], s["leeftijdOk"]) == (regio in AANZET, True)
    assert resp.json()["status"] == "GESCREEND"


async def test_ages_outside_1g1p_are_invalid_input_not_a_screening_outcome(client, sleutels) -> None:
    for leeftijd in (-1, 26):
        resp = await post(client, sleutels.partner_a, body(leeftijdBijAanmelding=leeftijd))
        assert resp.status_code == 422, resp.text
