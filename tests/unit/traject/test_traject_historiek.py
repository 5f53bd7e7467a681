"""A traject of the paper history: IN_OPSTART → LOPEND / AFGEROND at its original dates, same events as live."""

from __future__ import annotations

import datetime as dt

import pytest
from traject_bouwers import event_types, nieuw_traject, traject_in

from jeugdhulp_common.contracts.traject import TrajectAfgerond, TrajectGestart
from jeugdhulp_common.contracts.vocabulary import AfrondingsReden, BlokkadeStatus
from jeugdhulp_common.domain import RegelGeschonden
from traject.domain import TrajectStatus

START = dt.date(2023, 2, 1)


def test_started_and_closed_with_the_original_dates() -> None:
    t = nieuw_traject()
    t.neem_historiek_over(startdatum=START, afgerond_op=dt.date(2023, 12, 1), redenen=[AfrondingsReden.ADEMRUIMTE_GECREEERD] * 2,
                          blokkade_status_einde=BlokkadeStatus.DREIGEND_TE_BLOKKEREN)
    events = t.neem_events()
    assert event_types(events) == [TrajectGestart, TrajectAfgerond]
    gestart, afgerond = events
    assert gestart.startdatum == START and gestart.aanmelding_id == t.aanmelding_id
    assert afgerond.afgerond_op == dt.date(2023, 12, 1) and afgerond.redenen == [AfrondingsReden.ADEMRUIMTE_GECREEERD]
    assert afgerond.blokkade_status_einde is BlokkadeStatus.DREIGEND_TE_BLOKKEREN and not afgerond.voor_minimale_looptijd
    assert t.status is TrajectStatus.AFGEROND and t.startdatum == START


def test_started_only_is_running_with_an_evaluation_date() -> None:
    t = nieuw_traject()
    t.neem_historiek_over(startdatum=START)
    assert event_types(t.neem_events()) == [TrajectGestart]
    assert t.status is TrajectStatus.LOPEND and t.evaluatie_datum == dt.date(2023, 5, 1)


def test_a_closure_before_the_minimum_is_flagged() -> None:
    t = nieuw_traject()
    t.neem_historiek_over(startdatum=START, afgerond_op=dt.date(2023, 3, 1), redenen=[AfrondingsReden.PROJECT_EINDE])
    assert t.neem_events()[-1].voor_minimale_looptijd


@pytest.mark.parametrize(
    "kw, veld",
    [
        ({"afgerond_op": dt.date(2023, 1, 1), "redenen": [AfrondingsReden.PROJECT_EINDE]}, "afgerond_op"),
        ({"afgerond_op": dt.date(2023, 6, 1)}, "afrondingsredenen"),
        ({"redenen": [AfrondingsReden.PROJECT_EINDE]}, "afgerond_op"),
        ({"blokkade_status_einde": BlokkadeStatus.GEBLOKKEERD}, "afgerond_op"),
    ],
)
def test_refusals_name_the_import_column(kw: dict, veld: str) -> None:
    t = nieuw_traject()
    with pytest.raises(RegelGeschonden) as e:
        t.neem_historiek_over(startdatum=START, **kw)
    assert e.value.veld == veld and not t.neem_events() and t.status is TrajectStatus.IN_OPSTART


@pytest.mark.parametrize("status", [s for s in TrajectStatus if s is not TrajectStatus.IN_OPSTART])
def test_only_from_in_opstart(status: TrajectStatus) -> None:
    t = traject_in(status)
    with pytest.raises(RegelGeschonden) as e:
        t.neem_historiek_over(startdatum=START)
    assert e.value.veld == "startdatum"
