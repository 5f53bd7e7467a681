"""The traject service's use cases on the in-memory unit of work (tests/in_memory.py): what each saves, stages and
audits, that a refusal leaves nothing behind, and that a date left out is the unit of work's clock. The queries of
the repositories (lists, partner scoping, claims, the fund total) run on the real Postgres in tests/middle."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from in_memory import Opslag, in_memory

from jeugdhulp_common import audit
from jeugdhulp_common.auth import Principal, Toegangsrol
from jeugdhulp_common.contracts.vocabulary import BlokkadeStatus, DIWAanvraagStatus
from jeugdhulp_common.domain import NietGevonden, OngeldigeInvoer, OngeldigeOvergang, RegelGeschonden
from jeugdhulp_common.unit_of_work import VasteKlok
from traject.domain import STANDAARD_DIW_REGELS, STANDAARD_TRAJECT_REGELS, DIWFondsRegels, Traject, TrajectStatus
from traject.service_layer import diw, trajecten
from traject.service_layer.unit_of_work import TrajectUnitOfWork

from traject_bouwers import CONSULENT, PLANMAKER, diw_in, nieuw_traject, startgesprek, traject_in, volledige_gegevens

PM = Principal(credential_id=uuid.uuid4(), organisatie="Co-ncept", rollen=frozenset({Toegangsrol.PLANMAKER}))
VANDAAG = dt.date(2024, 5, 20)
KLOK = VasteKlok(dt.datetime(2024, 5, 20, 10, 0, tzinfo=dt.UTC))
R = STANDAARD_TRAJECT_REGELS


def _uow(opslag: Opslag, **kw) -> TrajectUnitOfWork:
    return in_memory(TrajectUnitOfWork, opslag, principal=PM, klok=KLOK, **kw)  # type: ignore[return-value]


async def _bewaard(opslag: Opslag, *aggregaten) -> None:
    async with (uow := _uow(opslag)):
        for a in aggregaten:
            (uow.trajecten if isinstance(a, Traject) else uow.diw_aanvragen).add(a)


def _namen(uow) -> list[str]:
    return [type(e).__name__ for e in uow.gepubliceerd]


async def test_opstart_saves_the_traject_stages_its_events_in_order_and_audits_each_action() -> None:
    opslag, t = Opslag(), nieuw_traject()
    await _bewaard(opslag, t)
    uow = _uow(opslag)
    await trajecten.plan_startgesprek(uow, t.traject_id, overleg_id=uuid.uuid4(), datum=VANDAAG, genodigden=[PLANMAKER, CONSULENT])
    na = await trajecten.houd_startgesprek(uow, t.traject_id, startgesprek(VANDAAG), [], regels=R)
    assert na.status is TrajectStatus.LOPEND and na.startdatum == VANDAAG
    assert _namen(uow) == ["StartgesprekGepland", "TrajectGestart"]
    assert [(r.actie, r.aggregaat, r.ids, r.principal) for r in uow.geaudit] == [
        ("STARTGESPREK_PLANNEN", "Traject", (t.traject_id,), PM),
        ("STARTGESPREK_HOUDEN", "Traject", (t.traject_id,), PM),
    ]
    rij = opslag.tabel("traject")[t.traject_id]
    assert rij["version"] == 3 and rij["status"] == "LOPEND" and rij["evaluatie_datum"] == dt.date(2024, 8, 20)
    assert rij["document"]["status"] == "LOPEND" and "Co-ncept" not in rij["rol_organisaties"]  # roles, not partners


async def test_a_refused_action_saves_stages_and_audits_nothing() -> None:
    opslag, t = Opslag(), nieuw_traject()
    await _bewaard(opslag, t)
    uow = _uow(opslag)
    with pytest.raises(OngeldigeOvergang):
        await trajecten.verleng(uow, t.traject_id, besluit_overleg_id=uuid.uuid4(), op=None, regels=R)
    with pytest.raises(OngeldigeInvoer) as e:
        await trajecten.plan_startgesprek(uow, t.traject_id, overleg_id=uuid.uuid4(), datum=VANDAAG, genodigden=[])
    assert e.value.veld == "genodigden"
    with pytest.raises(NietGevonden):
        await trajecten.wijzig_blokkade(uow, uuid.uuid4(), status=BlokkadeStatus.GEBLOKKEERD, acute_crisis=None)
    assert uow.gepubliceerd == [] and uow.geaudit == [] and uow.gecommit == 0
    assert opslag.tabel("traject")[t.traject_id]["version"] == 1


async def test_a_date_left_out_is_today_on_the_unit_of_works_clock() -> None:
    opslag = Opslag()
    t = traject_in(TrajectStatus.TE_EVALUEREN)
    await _bewaard(opslag, t)
    uow = _uow(opslag)
    na = await trajecten.verleng(uow, t.traject_id, besluit_overleg_id=uuid.uuid4(), op=None, regels=R)
    assert na.verlengingen[-1].op == KLOK.vandaag() == VANDAAG
    assert _namen(uow) == ["TrajectVerlengd"]


async def test_reading_is_audited_and_never_saved() -> None:
    opslag, t = Opslag(), nieuw_traject()
    await _bewaard(opslag, t)
    uow = _uow(opslag)
    assert (await trajecten.lees(uow, t.traject_id)).traject_id == t.traject_id
    assert [(r.actie, r.ids) for r in uow.geaudit] == [(audit.LEZEN, (t.traject_id,))]
    assert opslag.tabel("traject")[t.traject_id]["version"] == 1 and uow.gepubliceerd == []
    with pytest.raises(NietGevonden):
        await trajecten.lees(uow, uuid.uuid4())


async def test_a_diw_aanvraag_is_made_for_a_running_traject_only() -> None:
    opslag = Opslag()
    loopt, opstart = traject_in(TrajectStatus.LOPEND), nieuw_traject()
    await _bewaard(opslag, loopt, opstart)
    uow = _uow(opslag)
    a = await diw.maak(uow, loopt.traject_id, volledige_gegevens())
    rij = opslag.tabel("diw_aanvraag")[a.aanvraag_id]
    assert rij["status"] == "CONCEPT" and rij["traject_id"] == loopt.traject_id and rij["bedrag_eurocent"] == 300_000
    assert [(r.actie, r.aggregaat) for r in uow.geaudit] == [(audit.AANMAKEN, "DIWFondsAanvraag")]
    with pytest.raises(RegelGeschonden) as e:
        await diw.maak(uow, opstart.traject_id, volledige_gegevens())
    assert e.value.veld == "trajectId" and len(opslag.tabel("diw_aanvraag")) == 1


async def test_diw_submission_on_the_clock_and_the_evaluation_schedule_from_the_configured_rules() -> None:
    opslag = Opslag()
    ingediend = diw_in(DIWAanvraagStatus.CONCEPT)
    goedgekeurd = diw_in(DIWAanvraagStatus.GOEDGEKEURD)
    await _bewaard(opslag, ingediend, goedgekeurd)
    uow = _uow(opslag)
    na = await diw.dien_in(uow, ingediend.aanvraag_id, op=None, regels=STANDAARD_DIW_REGELS)
    assert na.status is DIWAanvraagStatus.INGEDIEND and na.ingediend_op == VANDAAG
    assert _namen(uow) == ["DIWAanvraagIngediend"]

    regels = DIWFondsRegels(evaluatie_interval_maanden=2)
    uow = _uow(opslag, diw_regels=regels)
    gestart = await diw.start_gebruik(uow, goedgekeurd.aanvraag_id, op=dt.date(2024, 3, 1))
    rij = opslag.tabel("diw_aanvraag")[goedgekeurd.aanvraag_id]
    assert rij["status"] == "IN_GEBRUIK" and rij["volgende_evaluatie_datum"] == gestart.volgende_evaluatiedatum(regels) == dt.date(2024, 5, 1)
    await diw.sluit_af(uow, goedgekeurd.aanvraag_id, op=None)
    assert opslag.tabel("diw_aanvraag")[goedgekeurd.aanvraag_id]["volgende_evaluatie_datum"] is None
    assert [r.actie for r in uow.geaudit] == ["GEBRUIK_STARTEN", "AFSLUITEN"]
