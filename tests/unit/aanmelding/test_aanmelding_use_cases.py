"""The aanmelding use cases through the in-memory unit of work (tests/in_memory.py): what they save, which events
they stage in which order, what they audit, that a refusal writes nothing, and the clock they read. The SQL of the
repository's own queries (list, duplicate lookup, advisory lock, share lock) and the Idempotency-Key table are
covered on the real Postgres in tests/middle/test_aanmelding_api.py; here they are stood in for."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from in_memory import Opslag, in_memory

from aanmelding.adapters.repository import AanmeldingRepository, Samenvatting
from aanmelding.domain import (
    INTAKE_KEY,
    Aanmelder,
    AanmeldingStatus,
    AlternatiefAdvies,
    AndereOrganisatie,
    InstemmingDoor,
    InstemmingScope,
    IntakeGesloten,
)
from aanmelding.domain.historiek import Beslissing, HistoriekAanmelding
from aanmelding.service_layer import historiek as import_uc
from aanmelding.service_layer import services as uc
from aanmelding.service_layer.unit_of_work import AanmeldingUnitOfWork
from jeugdhulp_common import historiek
from jeugdhulp_common.auth import Principal, Toegangsrol
from jeugdhulp_common.contracts.vocabulary import (
    AanmelderCategorie,
    Ondersteuningsvorm,
    RedenNietOpstart,
)
from jeugdhulp_common.domain import NietGevonden, OngeldigeInvoer, OngeldigeOvergang
from jeugdhulp_common.idempotency import Replay
from jeugdhulp_common.unit_of_work import VasteKlok

NU = dt.datetime(2024, 3, 4, 10, 0, tzinfo=dt.UTC)
PARTNER = Principal(credential_id=uuid.uuid4(), organisatie="SDJ Brugge", rollen=frozenset({Toegangsrol.PARTNER}))
PLANMAKER = Principal(credential_id=uuid.uuid4(), organisatie="Co-ncept", rollen=frozenset({Toegangsrol.PLANMAKER}))
S = AanmeldingStatus


def _uow(opslag: Opslag, principal: Principal | None = PLANMAKER, moment: dt.datetime = NU) -> Any:
    """The service's unit of work in memory, with stand-ins for the queries that need Postgres."""

    class Aanmeldingen(AanmeldingRepository):
        async def voor_jongere(self, jongere_ref: str) -> list[Samenvatting]:
            rijen = opslag.tabel(self.table.name).items()
            return [Samenvatting(k, r["jongere_ref"], r["status"]) for k, r in rijen if r["jongere_ref"] == jongere_ref]

    class UoW(AanmeldingUnitOfWork):
        repositories = {**AanmeldingUnitOfWork.repositories, "aanmeldingen": Aanmeldingen}

        async def ontvangst_openen(self, sleutel: str, digest: str, jongere_ref: str) -> Any:  # the receipt lock noted
            eerder = opslag.tabel("idempotency").get(sleutel)
            opslag.tabel("vergrendeld")[jongere_ref] = True
            return None if eerder is None else Replay(eerder["status"], eerder["body"]), await self.intake.huidige()

        async def onthoud_antwoord(self, sleutel: str, status_code: int, body: Any) -> None:
            opslag.tabel("idempotency")[sleutel] = {"status": status_code, "body": body}

    return in_memory(UoW, opslag, principal=principal, klok=VasteKlok(moment))


@pytest.fixture
def ontvang(bouwer):
    """``await ontvang(opslag, principal, sleutel, **velden)``: an aanmelding of ``bouwer.gegevens(**velden)`` received."""

    async def ontvang(opslag: Opslag, principal: Principal = PARTNER, sleutel: str | None = None, **velden: Any) -> uc.Ontvangst:
        return await uc.ontvang_aanmelding(
            _uow(opslag, principal),
            bouwer.gegevens(**velden),
            regels=bouwer.regels,
            idempotency_key=sleutel or str(uuid.uuid4()),
            request_digest="digest",
            antwoord=lambda a: {"aanmeldingId": str(a.aanmelding_id), "status": a.status.value},
        )

    return ontvang


def _namen(events: list) -> list[str]:
    return [type(e).__name__ for e in events]


async def test_ontvangen_saves_the_screened_aanmelding_with_its_columns_events_and_audit_at_the_clocks_moment(bouwer) -> None:
    opslag = Opslag()
    uow = _uow(opslag, PARTNER)
    ontvangst = await uc.ontvang_aanmelding(
        uow, bouwer.gegevens(), regels=bouwer.regels, idempotency_key="k1", request_digest="d", antwoord=lambda a: {"aanmeldingId": str(a.aanmelding_id)}
    )
    assert ontvangst.status_code == 201 and not ontvangst.herhaald
    aid = uuid.UUID(ontvangst.body["aanmeldingId"])
    rij = opslag.tabel("aanmelding")[aid]
    assert rij["version"] == 1 and rij["status"] == "GESCREEND" and rij["jongere_ref"] == "ref-0001"
    assert rij["aanmelder_organisatie"] == "SDJ Brugge" and rij["regio_jongere"] == "WESTHOEK" and rij["ontvangen_op"] == NU
    assert rij["document"]["ontvangen_op"] == NU.isoformat() and rij["document"]["screening"]["op"] == NU.isoformat()
    assert _namen(uow.gepubliceerd) == ["AanmeldingOntvangen", "AanmeldingGescreend"]
    assert [(r.actie, r.ids, r.principal) for r in uow.geaudit] == [("AANMAKEN", (aid,), PARTNER), ("SCREENEN", (aid,), PARTNER)]
    assert opslag.tabel("vergrendeld") == {"ref-0001": True}
    assert opslag.tabel("idempotency")["k1"]["body"] == ontvangst.body


async def test_a_replayed_key_answers_the_first_response_and_writes_nothing_more(bouwer, ontvang) -> None:
    opslag = Opslag()
    eerste = await ontvang(opslag, sleutel="k")
    uow = _uow(opslag, PARTNER)
    tweede = await uc.ontvang_aanmelding(
        uow, bouwer.gegevens(jongere_ref="ander"), regels=bouwer.regels, idempotency_key="k", request_digest="digest", antwoord=dict
    )
    assert tweede.herhaald and tweede.body == eerste.body and tweede.status_code == 201
    assert uow.gepubliceerd == [] and uow.geaudit == [] and len(opslag.tabel("aanmelding")) == 1


async def test_a_second_open_aanmelding_for_the_same_jongere_is_flagged(ontvang) -> None:
    opslag = Opslag()
    eerste = uuid.UUID((await ontvang(opslag)).body["aanmeldingId"])
    tweede = uuid.UUID((await ontvang(opslag, PLANMAKER)).body["aanmeldingId"])
    assert opslag.tabel("aanmelding")[tweede]["document"]["mogelijk_dubbel_van"] == [str(eerste)]


async def test_closed_intake_refuses_in_the_domain_and_writes_nothing(ontvang) -> None:
    opslag = Opslag()
    uow = _uow(opslag, PLANMAKER)
    await uc.intake_wijzigen(uow, open=False, reden="pauze")
    with pytest.raises(IntakeGesloten) as fout:
        await ontvang(opslag, sleutel="k")
    assert fout.value.extra == {"intakeOpen": False, "reden": "pauze"}
    assert opslag.tabel("aanmelding") == {} and "k" not in opslag.tabel("idempotency")


async def test_a_partner_in_another_organisations_name_and_invalid_input_are_refused_by_the_domain(ontvang) -> None:
    opslag = Opslag()
    with pytest.raises(AndereOrganisatie):
        await ontvang(opslag, aanmelder=Aanmelder(organisatie="Andere", categorie=AanmelderCategorie.CLB))
    with pytest.raises(OngeldigeInvoer) as fout:
        await ontvang(opslag, PLANMAKER, redenen=())
    assert fout.value.veld == "redenen"
    # the team may post for any organisation
    assert (await ontvang(opslag, PLANMAKER, aanmelder=Aanmelder(organisatie="Andere", categorie=AanmelderCategorie.CLB))).status_code == 201
    assert len(opslag.tabel("aanmelding")) == 1


async def test_the_team_takes_an_aanmelding_to_opgestart_each_step_saved_audited_and_published(ontvang) -> None:
    opslag = Opslag()
    aid = uuid.UUID((await ontvang(opslag)).body["aanmeldingId"])
    later = NU + dt.timedelta(days=2)
    stappen = [
        (lambda u: uc.in_bespreking_nemen(u, aid), "IN_BESPREKING_NEMEN", []),
        (lambda u: uc.opstart_beslissen(u, aid), "OPSTART_BESLISSEN", []),
        (
            lambda u: uc.instemming_vastleggen(u, aid, door=InstemmingDoor.JONGERE, op=NU, scope=[InstemmingScope.TRAJECT_OPSTART]),
            "INSTEMMING_VASTLEGGEN",
            ["InstemmingVastgelegd"],
        ),
        (lambda u: uc.opstarten(u, aid), "OPSTARTEN", ["AanmeldingOpgestart"]),
    ]
    for n, (stap, actie, events) in enumerate(stappen, start=2):
        uow = _uow(opslag, moment=later)
        await stap(uow)
        assert [(r.actie, r.ids) for r in uow.geaudit] == [(actie, (aid,))]
        assert _namen(uow.gepubliceerd) == events and uow.gecommit == 1
        assert opslag.tabel("aanmelding")[aid]["version"] == n
    rij = opslag.tabel("aanmelding")[aid]
    assert rij["status"] == "OPGESTART" and rij["document"]["opgestart_op"] == later.isoformat()


async def test_withdrawal_and_non_start(ontvang) -> None:
    opslag = Opslag()
    aid = uuid.UUID((await ontvang(opslag)).body["aanmeldingId"])
    await uc.in_bespreking_nemen(_uow(opslag), aid)
    await uc.opstart_beslissen(_uow(opslag), aid)
    _, i = await uc.instemming_vastleggen(_uow(opslag), aid, door=InstemmingDoor.JONGERE, op=NU, scope=[InstemmingScope.TRAJECT_OPSTART])
    uow = _uow(opslag)
    _, ingetrokken = await uc.instemming_intrekken(uow, aid, i.instemming_id, op=NU)
    assert ingetrokken.ingetrokken_op == NU and uow.gepubliceerd[0].ingetrokken is True
    uow = _uow(opslag)
    a = await uc.niet_opstarten(uow, aid, reden=RedenNietOpstart.GEEN_INSTEMMING, alternatief_advies=AlternatiefAdvies(vorm=Ondersteuningsvorm.DOP))
    assert a.status is S.NIET_OPGESTART and _namen(uow.gepubliceerd) == ["AanmeldingNietOpgestart"]


async def test_a_refused_action_saves_and_audits_nothing(ontvang) -> None:
    opslag = Opslag()
    aid = uuid.UUID((await ontvang(opslag)).body["aanmeldingId"])
    uow = _uow(opslag)
    with pytest.raises(OngeldigeOvergang):
        await uc.opstarten(uow, aid)
    assert uow.gecommit == 0 and uow.geaudit == [] and opslag.tabel("aanmelding")[aid]["version"] == 1
    with pytest.raises(NietGevonden):
        await uc.in_bespreking_nemen(_uow(opslag), uuid.uuid4())


async def test_reading_is_audited_and_answers_the_stored_version(ontvang) -> None:
    opslag = Opslag()
    aid = uuid.UUID((await ontvang(opslag)).body["aanmeldingId"])
    await uc.in_bespreking_nemen(_uow(opslag), aid)
    uow = _uow(opslag)
    a = await uc.lees_aanmelding(uow, aid)
    assert a.status is S.IN_BESPREKING and uow.aanmeldingen.versie(a) == 2
    assert [(r.actie, r.ids) for r in uow.geaudit] == [("LEZEN", (aid,))] and uow.gepubliceerd == []
    assert opslag.tabel("aanmelding")[aid]["version"] == 2  # a read is not saved


async def test_intake_closes_and_reopens_once_each_and_a_missing_switch_is_open() -> None:
    opslag = Opslag()
    assert (await uc.lees_intake(_uow(opslag, None))).open is True  # no row: open
    uow = _uow(opslag)
    intake = await uc.intake_wijzigen(uow, open=False, reden="pauze")
    assert intake.open is False and intake.gewijzigd_op == NU
    assert _namen(uow.gepubliceerd) == ["IntakeStatusGewijzigd"] and [r.actie for r in uow.geaudit] == ["SLUITEN"]
    assert opslag.tabel("intake")[INTAKE_KEY]["document"]["open"] is False
    uow = _uow(opslag)
    assert (await uc.intake_wijzigen(uow, open=False, reden="nog eens")).reden == "pauze"
    assert uow.gepubliceerd == [] and uow.geaudit == []
    uow = _uow(opslag)
    assert (await uc.intake_wijzigen(uow, open=True, reden=None)).open is True
    assert [r.actie for r in uow.geaudit] == ["OPENEN"] and uow.gepubliceerd[0].open is True
    assert (await uc.lees_intake(_uow(opslag, None))).open is True


def _historiek(bouwer, ref_jongere: str = "J-1", **kw: Any) -> HistoriekAanmelding:
    return HistoriekAanmelding(**({"gegevens": bouwer.gegevens(jongere_ref=ref_jongere), "ontvangen_op": dt.date(2023, 3, 1)} | kw))


async def test_history_import_replays_at_the_rows_dates_once_and_refuses_the_whole_file_on_one_bad_row(bouwer) -> None:
    opslag = Opslag()
    rijen = [
        (2, "R-1", _historiek(bouwer)),
        (3, "R-2", _historiek(bouwer, "J-2", beslissing=Beslissing.OPGESTART, beslist_op=dt.date(2023, 3, 10), instemming_op=dt.date(2023, 3, 8))),
    ]
    uow = _uow(opslag)
    res = await import_uc.importeer(uow, rijen, regels=bouwer.regels)
    assert (res.nieuw, res.ongewijzigd) == (2, 0)
    assert _namen(uow.gepubliceerd) == [
        "AanmeldingOntvangen", "AanmeldingGescreend", "AanmeldingOntvangen", "AanmeldingGescreend", "InstemmingVastgelegd", "AanmeldingOpgestart",
    ]
    assert {e.occurred_at.date() for e in uow.gepubliceerd} == {dt.date(2023, 3, 1), dt.date(2023, 3, 10)}  # not the clock's
    assert [r.actie for r in uow.geaudit] == ["HISTORIEK_IMPORT", "HISTORIEK_IMPORT"]
    r1 = opslag.tabel("aanmelding")[historiek.aanmelding_id("R-1")]

    uow = _uow(opslag)
    assert (await import_uc.importeer(uow, rijen, regels=bouwer.regels)).ongewijzigd == 2 and uow.gepubliceerd == []
    assert opslag.tabel("aanmelding")[historiek.aanmelding_id("R-1")] == r1  # re-reading saved nothing

    slecht = [(4, "R-3", _historiek(bouwer, "J-3")), (5, "R-4", _historiek(bouwer, "J-4", beslist_op=dt.date(2023, 3, 10)))]
    with pytest.raises(historiek.Geweigerd) as fout:
        await import_uc.importeer(_uow(opslag), slecht, regels=bouwer.regels)
    assert [(f.regel, f.veld) for f in fout.value.fouten] == [(5, "beslist_op")]
    assert historiek.aanmelding_id("R-3") not in opslag.tabel("aanmelding")
