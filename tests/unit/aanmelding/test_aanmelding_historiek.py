"""An aanmelding of the paper history replayed through the live actions at its original dates (same events)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from aanmelding.domain import Aanmelder, AanmeldingGegevens, AanmeldingStatus, AlternatiefAdvies, ScreeningRegels
from aanmelding.domain.historiek import Beslissing, HistoriekAanmelding, kolom, moment, uit_historiek
from jeugdhulp_common.contracts.aanmelding import (
    AanmeldingGescreend,
    AanmeldingNietOpgestart,
    AanmeldingOntvangen,
    AanmeldingOpgestart,
    InstemmingVastgelegd,
)
from jeugdhulp_common.contracts.vocabulary import (
    AanmelderCategorie,
    Onderwerp,
    Ondersteuningsvorm,
    RedenNietOpstart,
    RedenVanAanmelding,
    RegioELZ,
)
from jeugdhulp_common.domain import RegelGeschonden

ONTVANGEN = dt.date(2023, 3, 1)
BESLIST = dt.date(2023, 3, 10)


def gegevens(**kw) -> AanmeldingGegevens:
    basis = dict(aanmelder=Aanmelder(organisatie="VOT", categorie=AanmelderCategorie.VOORZIENING), onderwerp=Onderwerp.JONGERE,
                 jongere_ref="J-1", leeftijd_bij_aanmelding=14, regio_jongere=RegioELZ.WESTHOEK, redenen=(RedenVanAanmelding.REFLECTIE,))
    return AanmeldingGegevens(**(basis | kw))


def historiek(**kw) -> HistoriekAanmelding:
    return HistoriekAanmelding(**({"gegevens": gegevens(), "ontvangen_op": ONTVANGEN} | kw))


def replay(h: HistoriekAanmelding):
    return uit_historiek(h, aanmelding_id=uuid.uuid4(), regels=ScreeningRegels(min_leeftijd=10, max_leeftijd=16))


def test_a_started_aanmelding_emits_the_live_events_at_the_original_moments() -> None:
    a = replay(historiek(beslissing=Beslissing.OPGESTART, beslist_op=BESLIST, instemming_op=dt.date(2023, 3, 8)))
    events = a.neem_events()
    assert [type(e) for e in events] == [AanmeldingOntvangen, AanmeldingGescreend, InstemmingVastgelegd, AanmeldingOpgestart]
    assert [e.occurred_at for e in events] == [moment(ONTVANGEN)] * 2 + [moment(BESLIST)] * 2
    assert events[2].op == moment(dt.date(2023, 3, 8))
    assert a.status is AanmeldingStatus.OPGESTART and a.ontvangen_op == moment(ONTVANGEN)


@pytest.mark.parametrize(
    "reden, extra",
    [
        (RedenNietOpstart.GEEN_CAPACITEIT, {}),
        (RedenNietOpstart.ANDER_AANBOD_PASSEND, {}),
        (RedenNietOpstart.GEEN_INSTEMMING, {}),
        (RedenNietOpstart.EXCLUSIE_LEEFTIJD, {"gegevens": gegevens(leeftijd_bij_aanmelding=19)}),
        (RedenNietOpstart.EXCLUSIE_REGIO, {"gegevens": gegevens(regio_jongere=RegioELZ.BUITEN_REGIO)}),
    ],
)
def test_every_non_start_reason_from_its_own_state(reden: RedenNietOpstart, extra: dict) -> None:
    a = replay(historiek(beslissing=Beslissing.NIET_OPGESTART, beslist_op=BESLIST, reden_niet_opstart=reden,
                         alternatief_advies=AlternatiefAdvies(vorm=Ondersteuningsvorm.DOP), **extra))
    laatste = a.neem_events()[-1]
    assert isinstance(laatste, AanmeldingNietOpgestart) and laatste.reden is reden and laatste.occurred_at == moment(BESLIST)
    assert a.status is AanmeldingStatus.NIET_OPGESTART


def test_an_open_aanmelding_stays_screened() -> None:
    a = replay(historiek())
    assert a.status is AanmeldingStatus.GESCREEND


@pytest.mark.parametrize(
    "kw, veld",
    [
        ({"beslissing": Beslissing.OPGESTART, "beslist_op": BESLIST}, "instemming_op"),  # no instemming of the jongere
        ({"beslissing": Beslissing.OPGESTART}, "beslist_op"),
        ({"beslissing": Beslissing.OPGESTART, "beslist_op": dt.date(2023, 2, 1), "instemming_op": dt.date(2023, 2, 1)}, "beslist_op"),
        ({"beslissing": Beslissing.OPGESTART, "beslist_op": BESLIST, "instemming_op": dt.date(2023, 3, 20)}, "instemming_op"),
        ({"beslissing": Beslissing.NIET_OPGESTART, "beslist_op": BESLIST}, "reden_niet_opstart"),
        ({"beslissing": Beslissing.NIET_OPGESTART, "beslist_op": BESLIST, "reden_niet_opstart": RedenNietOpstart.GEEN_CAPACITEIT},
         "alternatief_advies"),
        ({"beslissing": Beslissing.NIET_OPGESTART, "beslist_op": BESLIST, "reden_niet_opstart": RedenNietOpstart.EXCLUSIE_REGIO,
          "alternatief_advies": AlternatiefAdvies(vorm=Ondersteuningsvorm.DOP)}, "reden_niet_opstart"),  # screening passed
        ({"beslissing": Beslissing.OPGESTART, "beslist_op": BESLIST, "instemming_op": BESLIST,
          "gegevens": gegevens(leeftijd_bij_aanmelding=19)}, "beslissing"),  # screening failed: cannot start
        ({"beslist_op": BESLIST}, "beslist_op"),
        ({"gegevens": gegevens(jongere_ref=" ")}, "jongere_ref"),
    ],
)
def test_refusals_name_the_import_column(kw: dict, veld: str) -> None:
    with pytest.raises(RegelGeschonden) as e:
        replay(historiek(**kw))
    assert e.value.veld == veld, e.value.message


def test_column_names_of_domain_fields() -> None:
    assert kolom("leeftijdBijAanmelding") == "leeftijd_bij_aanmelding"
    assert kolom("aanmelder.categorie") == "aanmelder_categorie"
    assert kolom(None) == "beslissing"
