"""Team decisions (§5.1) through the API: every illegal transition 409, non-start needs alternatief advies,
opstart needs the jongere's instemming, withdrawal of consent, and the events each step publishes.
In the middle tier (the app in process on the real Postgres, no broker).
What needs the topics stays in tests/integration/aanmelding/test_aanmelding_api_beslissingen.py.
"""

from __future__ import annotations

import uuid

import pytest

from aanmelding.domain import OVERGANGEN, AanmeldingActie, AanmeldingStatus
from aanmelding_helpers import client_in_process, sleutels_in_process  # noqa: F401 - this tier's client and sleutels
from aanmelding_helpers import (
    actie,
    assert_problem,
    auth,
    in_toestand,
    instemming_jongere,
)

A = AanmeldingActie
# One request per action, valid in shape, so a refusal can only come from the state machine.
VERZOEK = {
    A.IN_BESPREKING_NEMEN: ("in-bespreking", None),
    A.OPSTART_BESLISSEN: ("opstart-beslissing", None),
    A.NIET_OPSTARTEN: ("niet-opstarten", {"reden": "GEEN_CAPACITEIT", "alternatiefAdvies": {"vorm": "DOP"}}),
    A.INSTEMMING_VASTLEGGEN: ("instemmingen", instemming_jongere()),
    A.OPSTARTEN: ("opstart", None),
}
TOESTANDEN = ["GESCREEND", "GESCREEND_AFGEWEZEN", "IN_BESPREKING", "WACHT_OP_INSTEMMING", "OPGESTART", "NIET_OPGESTART"]


def _status(toestand: str) -> AanmeldingStatus:
    return AanmeldingStatus("GESCREEND" if toestand == "GESCREEND_AFGEWEZEN" else toestand)


@pytest.mark.parametrize("toestand", TOESTANDEN)
async def test_every_illegal_transition_is_409_and_changes_nothing(client, sleutels, toestand: str) -> None:
    aid = await in_toestand(client, sleutels, toestand)
    voor = (await client.get(f"/aanmeldingen/{aid}", headers=auth(sleutels.planmaker))).json()
    illegaal = [a for a in VERZOEK if not OVERGANGEN.mag(_status(toestand), a)]
    assert illegaal
    for a in illegaal:
        pad, json = VERZOEK[a]
        p = assert_problem(await actie(client, sleutels.planmaker, aid, pad, json), 409)
        assert p["title"] == "Transition not allowed", (toestand, a, p)
    if not OVERGANGEN.mag(_status(toestand), A.INSTEMMING_INTREKKEN):
        i = (await client.get(f"/aanmeldingen/{aid}", headers=auth(sleutels.planmaker))).json()
        pad = f"instemmingen/{uuid.uuid4()}/intrekking"
        p = assert_problem(await actie(client, sleutels.planmaker, aid, pad, {"op": "2024-02-01T00:00:00+00:00"}), 409)
        assert p["title"] == "Transition not allowed" and i["status"] == _status(toestand)
    na = (await client.get(f"/aanmeldingen/{aid}", headers=auth(sleutels.planmaker))).json()
    assert na == voor
    # and the table's allowed actions are what the team sees
    assert sorted(na["toegestaneActies"]) == sorted(a.value for a in OVERGANGEN.acties(_status(toestand)))


async def test_unknown_aanmelding_is_404_for_a_team_action(client, sleutels) -> None:
    assert_problem(await actie(client, sleutels.planmaker, str(uuid.uuid4()), "in-bespreking"), 404)


async def test_in_bespreking_after_a_failed_screening_is_refused(client, sleutels) -> None:
    aid = await in_toestand(client, sleutels, "GESCREEND_AFGEWEZEN")
    p = assert_problem(await actie(client, sleutels.planmaker, aid, "in-bespreking"), 409)
    assert p["title"] == "Domain rule violated"


@pytest.mark.parametrize(
    "advies",
    [None, {}, {"vorm": None, "tekst": None}, {"tekst": "   "}],
    ids=["missing", "empty", "nulls", "blank-text"],
)
async def test_non_start_without_alternatief_advies_is_refused(client, sleutels, advies) -> None:
    aid = await in_toestand(client, sleutels, "IN_BESPREKING")
    json = {"reden": "GEEN_CAPACITEIT"}
    if advies is not None:
        json["alternatiefAdvies"] = advies
    assert_problem(await actie(client, sleutels.planmaker, aid, "niet-opstarten", json), 422, "alternatiefAdvies")
    assert (await client.get(f"/aanmeldingen/{aid}", headers=auth(sleutels.planmaker))).json()["status"] == "IN_BESPREKING"


async def test_non_start_with_an_unknown_ondersteuningsvorm_or_reden_is_422(client, sleutels) -> None:
    aid = await in_toestand(client, sleutels, "IN_BESPREKING")
    json = {"reden": "OMDAT", "alternatiefAdvies": {"vorm": "KOFFIE"}}
    assert_problem(await actie(client, sleutels.planmaker, aid, "niet-opstarten", json), 422, "reden", "alternatiefAdvies.vorm")


async def test_non_start_with_a_reason_that_does_not_fit_the_state_is_409(client, sleutels) -> None:
    aid = await in_toestand(client, sleutels, "IN_BESPREKING")
    json = {"reden": "EXCLUSIE_REGIO", "alternatiefAdvies": {"vorm": "DOP"}}
    assert_problem(await actie(client, sleutels.planmaker, aid, "niet-opstarten", json), 409, "reden")


async def test_opstart_without_consent_is_refused(client, sleutels) -> None:
    aid = await in_toestand(client, sleutels, "WACHT_OP_INSTEMMING")
    p = assert_problem(await actie(client, sleutels.planmaker, aid, "opstart"), 409, "instemmingen")
    assert p["title"] == "Domain rule violated"
    # a parent's consent alone does not suffice, nor a jongere's consent of another scope
    for verzoek in (instemming_jongere(door="OUDER"), instemming_jongere(scope=("GEGEVENSDELING_PARTNERS",))):
        assert (await actie(client, sleutels.planmaker, aid, "instemmingen", verzoek)).status_code == 201
        assert_problem(await actie(client, sleutels.planmaker, aid, "opstart"), 409, "instemmingen")
    assert (await client.get(f"/aanmeldingen/{aid}", headers=auth(sleutels.planmaker))).json()["status"] == "WACHT_OP_INSTEMMING"
