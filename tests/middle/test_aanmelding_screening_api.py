"""Screening right after receipt: the configured age bounds (10..16 here) at and around the boundaries, every regio.
In the middle tier (the app in process on the real Postgres, no broker).
What needs the topics stays in tests/integration/aanmelding/test_aanmelding_api_screening.py.
"""

from __future__ import annotations

import pytest

from aanmelding_helpers import client_in_process, sleutels_in_process  # noqa: F401 - this tier's client and sleutels
from aanmelding_helpers import body, post
from jeugdhulp_common.contracts.vocabulary import RegioELZ

AANZET = {"HOUTLAND_EN_POLDER", "WESTHOEK", "MIDDEN_WEST_VLAANDEREN", "WESTKUST_EN_POLDER", "RITS"}


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
