"""The decisions that moved from the use cases into the domain: the unique theme name, the bevindingen a table
discusses, the table of actions a caller may ask of an actiepunt, a table found only at its forum, and the report
period asked for."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from jeugdhulp_common.contracts.vocabulary import ActiepuntAdresNiveau, ActiepuntStatus
from jeugdhulp_common.domain import NietGevonden, OngeldigeInvoer, OngeldigeOvergang, RegelGeschonden
from signalering.domain import (
    ACTIEPUNT_OPDRACHTEN,
    ACTIEPUNT_OVERGANGEN,
    Actiepunt,
    ActiepuntActie,
    ActiepuntOpdracht,
    Bevinding,
    Discussietafel,
    behandel_actiepunt,
    controleer_unieke_naam,
    kies_bevindingen,
)
from signalering.domain.rapportage import Periode

NU = dt.datetime(2025, 3, 20, tzinfo=dt.UTC)


@pytest.mark.parametrize("naam", ["Wachtlijsten", "wachtlijsten", "  WACHTLIJSTEN  "])
def test_a_theme_name_that_exists_ignoring_case_and_blanks_is_refused(naam: str) -> None:
    with pytest.raises(RegelGeschonden) as fout:
        controleer_unieke_naam(naam, ["Vervoer", "Wachtlijsten"])
    assert fout.value.veld == "naam"


def test_a_new_theme_name_is_allowed() -> None:
    controleer_unieke_naam("Wachtlijsten jeugd", ["Vervoer", "Wachtlijsten"])
    controleer_unieke_naam("Wachtlijsten", [])


THEMA = uuid.uuid4()
BEVINDINGEN = [Bevinding.uit_subthema(THEMA, s) for s in ("Wegwijs in het aanbod", "Tijdige zorg", "Overbrugging")]


def test_a_table_discusses_all_bevindingen_unless_subthemes_are_named() -> None:
    assert kies_bevindingen(BEVINDINGEN, None) == BEVINDINGEN
    assert kies_bevindingen(BEVINDINGEN, [" tijdige ZORG", "Wegwijs in het aanbod"]) == [BEVINDINGEN[1], BEVINDINGEN[0]]
    assert kies_bevindingen([], None) == []


@pytest.mark.parametrize("gevraagd", [["Iets anders"], ["Tijdige zorg", "Onbekend"]])
def test_a_subtheme_that_is_not_a_bevinding_of_the_theme_is_refused(gevraagd: list[str]) -> None:
    with pytest.raises(RegelGeschonden) as fout:
        kies_bevindingen(BEVINDINGEN, gevraagd)
    assert fout.value.veld == "subthemas"


def test_a_table_is_found_only_at_its_own_forum() -> None:
    tafel = Discussietafel(uuid.uuid4(), uuid.uuid4(), THEMA)
    assert tafel.aan_forum(tafel.forum_id) is tafel
    with pytest.raises(NietGevonden):
        tafel.aan_forum(uuid.uuid4())


def _actiepunt(status: ActiepuntStatus = ActiepuntStatus.OPEN) -> Actiepunt:
    return Actiepunt(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), "Wachttijden opvolgen", ActiepuntAdresNiveau.NETWERKEN, "ACT", dt.date(2024, 11, 22), status)


def test_the_actions_a_caller_may_ask_are_the_table_without_the_reminder() -> None:
    assert set(ACTIEPUNT_OPDRACHTEN) == set(ActiepuntActie) - {ActiepuntActie.HERINNEREN}
    with pytest.raises(OngeldigeInvoer) as fout:
        behandel_actiepunt(_actiepunt(), ActiepuntOpdracht(ActiepuntActie.HERINNEREN), terugkoppeling_id=uuid.uuid4(), nu=NU)
    assert fout.value.veld == "actie"


@pytest.mark.parametrize("actie", sorted(ACTIEPUNT_OPDRACHTEN))
@pytest.mark.parametrize("status", list(ActiepuntStatus))
def test_each_action_in_each_state_follows_the_transition_table(actie: ActiepuntActie, status: ActiepuntStatus) -> None:
    ap = _actiepunt(status)
    opdracht = ActiepuntOpdracht(actie, eigenaar="CAW", naar_organisaties=["ACT W-VL"])
    if not ACTIEPUNT_OVERGANGEN.mag(status, actie):
        with pytest.raises(OngeldigeOvergang):
            behandel_actiepunt(ap, opdracht, terugkoppeling_id=uuid.uuid4(), nu=NU)
        assert ap.status == status and ap.events == []
        return
    tk = behandel_actiepunt(ap, opdracht, terugkoppeling_id=uuid.uuid4(), nu=NU)
    assert ap.status == ACTIEPUNT_OVERGANGEN.volgende(status, actie)
    if actie == ActiepuntActie.TERUGKOPPELEN:
        assert tk is not None and tk.naar_organisaties == ["ACT W-VL"] and tk.inhoud_ref == f"actiepunt:{ap.actiepunt_id}"
    else:
        assert tk is None
    if actie == ActiepuntActie.OPNEMEN:
        assert ap.eigenaar == "CAW"


def test_the_report_period_asked_for() -> None:
    assert Periode.uit_vraag(None, None, None) is None
    assert Periode.uit_vraag(2025, None, None) == Periode.jaar(2025)
    assert Periode.uit_vraag(None, dt.date(2025, 1, 1), dt.date(2025, 6, 30)) == Periode(dt.date(2025, 1, 1), dt.date(2025, 6, 30))


@pytest.mark.parametrize(
    ("jaar", "van", "tot", "veld"),
    [
        (2025, dt.date(2025, 1, 1), None, "jaar"),
        (None, dt.date(2025, 1, 1), None, "tot"),
        (None, None, dt.date(2025, 1, 1), "van"),
        (None, dt.date(2025, 6, 1), dt.date(2025, 1, 1), "tot"),
    ],
)
def test_a_wrong_report_period_is_an_invalid_field(jaar, van, tot, veld: str) -> None:
    with pytest.raises(OngeldigeInvoer) as fout:
        Periode.uit_vraag(jaar, van, tot)
    assert fout.value.veld == veld
