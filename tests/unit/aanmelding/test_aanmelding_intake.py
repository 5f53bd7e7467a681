"""The intake switch (domain guide §5.1 "only if intakeOpen"; IntakeStatusGewijzigd, class A, §10)."""

from __future__ import annotations

import datetime as dt

import pytest

from aanmelding.domain import INTAKE_KEY, Intake
from jeugdhulp_common import topics
from jeugdhulp_common.contracts.vocabulary import IntakePauzeReden
from jeugdhulp_common.contracts.aanmelding import IntakeStatusGewijzigd
from jeugdhulp_common.domain import RegelGeschonden
from jeugdhulp_common.events import PrivacyClass

NU = dt.datetime(2024, 1, 8, 9, 0, tzinfo=dt.UTC)
LATER = NU + dt.timedelta(days=30)
PAUZE = "bewuste pauze in het opstarten van nieuwe trajecten"


def test_sluiten_publiceert_wijziging() -> None:
    intake = Intake(open=True)
    assert intake.sluiten(reden=f"  {PAUZE} ", nu=NU, reden_code=IntakePauzeReden.EVALUATIE_OF_HERORIENTATIE) is True
    assert (intake.open, intake.reden, intake.gewijzigd_op) == (False, PAUZE, NU)
    [ev] = intake.neem_events()
    assert isinstance(ev, IntakeStatusGewijzigd)
    # the team's words stay in the service: the meso event carries a code (version 2)
    assert (ev.open, ev.reden_code, ev.occurred_at) == (False, IntakePauzeReden.EVALUATIE_OF_HERORIENTATIE, NU)
    assert ev.schema_version == 2 and PAUZE not in ev.model_dump_json()
    assert ev.key == INTAKE_KEY == "intake"
    assert ev.topic == topics.AANMELDING_MESO
    assert ev.privacy is PrivacyClass.A


def test_openen_publiceert_wijziging() -> None:
    intake = Intake(open=False, reden=PAUZE, gewijzigd_op=NU)
    assert intake.openen(nu=LATER) is True
    assert (intake.open, intake.reden, intake.gewijzigd_op) == (True, None, LATER)
    [ev] = intake.neem_events()
    assert isinstance(ev, IntakeStatusGewijzigd)
    assert (ev.open, ev.reden_code, ev.occurred_at) == (True, None, LATER)


def test_versie_1_blijft_leesbaar() -> None:
    from jeugdhulp_common.contracts.aanmelding import IntakeStatusGewijzigdV1
    from jeugdhulp_common.events import REGISTRY

    assert REGISTRY.get(IntakeStatusGewijzigd.event_type, 1) is IntakeStatusGewijzigdV1
    assert REGISTRY.get(IntakeStatusGewijzigd.event_type, 2) is IntakeStatusGewijzigd


def test_gesloten_intake_sluiten_is_geen_wijziging() -> None:
    intake = Intake(open=False, reden=PAUZE, gewijzigd_op=NU)
    assert intake.sluiten(reden="een andere reden", nu=LATER) is False
    assert (intake.open, intake.reden, intake.gewijzigd_op) == (False, PAUZE, NU)  # original reason kept
    assert intake.events == []


def test_open_intake_openen_is_geen_wijziging() -> None:
    intake = Intake(open=True, gewijzigd_op=NU)
    assert intake.openen(nu=LATER) is False
    assert intake.gewijzigd_op == NU
    assert intake.events == []


@pytest.mark.parametrize("reden", ["", "   ", None])
def test_sluiten_vraagt_een_reden(reden: str | None) -> None:
    intake = Intake(open=True)
    with pytest.raises(RegelGeschonden) as fout:
        intake.sluiten(reden=reden, nu=NU)  # type: ignore[arg-type]
    assert fout.value.veld == "reden"
    assert intake.open is True
    assert intake.events == []


def test_heen_en_weer() -> None:
    intake = Intake(open=True)
    intake.sluiten(reden=PAUZE, nu=NU)
    intake.sluiten(reden=PAUZE, nu=NU)
    intake.openen(nu=LATER)
    intake.openen(nu=LATER)
    assert [e.open for e in intake.neem_events()] == [False, True]


def test_naief_tijdstip_is_een_programmeerfout() -> None:
    with pytest.raises(ValueError):
        Intake(open=True).sluiten(reden=PAUZE, nu=dt.datetime(2024, 1, 8))
