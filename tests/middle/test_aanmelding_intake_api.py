"""The intake switch: closing needs a reden (422 naming it). In the middle tier (the app in process on the real
Postgres, no broker); the closed intake's 409 shape is in test_aanmelding_api.py, and its event on the topic in
tests/integration/aanmelding/test_aanmelding_api_intake.py."""

from __future__ import annotations

from aanmelding_helpers import client_in_process, sleutels_in_process  # noqa: F401 - this tier's client and sleutels
from aanmelding_helpers import assert_problem, auth
from jeugdhulp_common import topics
import support


async def _intake_events() -> list:
    from jeugdhulp_common.events import decode, headers_dict

    return [(r, decode(r.value, headers_dict(r.headers))) for r in await support.read_topic(topics.AANMELDING_MESO)]


async def test_closing_without_a_reden_is_422(client, sleutels) -> None:
    for json in ({"open": False}, {"open": False, "reden": "  "}):
        assert_problem(await client.put("/intake", json=json, headers=auth(sleutels.coordinator)), 422, "reden")
    assert (await client.get("/intake", headers=auth(sleutels.coordinator))).json()["open"] is True
