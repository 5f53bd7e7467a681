"""Screening against the two exclusion criteria, regio and leeftijd (domain guide §5.1, §4.9, §11.1)."""

from __future__ import annotations

import datetime as dt

import pytest

from aanmelding.domain import (
    AANZET_REGIOS,
    AanmeldingStatus,
    ScreeningRegels,
    ScreeningResultaat,
    beoordeel,
)
from jeugdhulp_common.contracts.aanmelding import AanmeldingGescreend
from jeugdhulp_common.contracts.vocabulary import RedenNietOpstart, RegioELZ
from jeugdhulp_common.domain import OngeldigeOvergang, RegelGeschonden

NU = dt.datetime(2024, 3, 4, tzinfo=dt.UTC)

# ---------------------------------------------------------------- configuration


def test_standaardregios_zijn_de_vijf_elz_van_aanzet() -> None:
    assert AANZET_REGIOS == {
        RegioELZ.HOUTLAND_EN_POLDER,
        RegioELZ.WESTHOEK,
        RegioELZ.MIDDEN_WEST_VLAANDEREN,
        RegioELZ.WESTKUST_EN_POLDER,
        RegioELZ.RITS,
    }
    assert ScreeningRegels(min_leeftijd=10, max_leeftijd=16).regios == AANZET_REGIOS


def test_leeftijdsgrenzen_moeten_geconfigureerd_worden() -> None:
    # §11.1: the seeds do not give the bounds, so there is no default
    with pytest.raises(TypeError):
        ScreeningRegels()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        ScreeningRegels(min_leeftijd=10)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("min_leeftijd", "max_leeftijd"),
    [(17, 16), (-1, 16), (10, 26), (True, 16), (10, 16.0), ("10", 16)],
)
def test_onmogelijke_leeftijdsgrenzen_geweigerd(min_leeftijd: object, max_leeftijd: object) -> None:
    with pytest.raises(ValueError):
        ScreeningRegels(min_leeftijd=min_leeftijd, max_leeftijd=max_leeftijd)  # type: ignore[arg-type]


@pytest.mark.parametrize("regios", [frozenset(), frozenset({RegioELZ.WESTHOEK, RegioELZ.BUITEN_REGIO})])
def test_onmogelijke_regios_geweigerd(regios: frozenset[RegioELZ]) -> None:
    with pytest.raises(ValueError):
        ScreeningRegels(min_leeftijd=10, max_leeftijd=16, regios=regios)


def test_regels_uit_configuratiecodes() -> None:
    regels = ScreeningRegels.met(min_leeftijd=12, max_leeftijd=18, regios=["RITS", "WESTHOEK"])
    assert regels.regios == {RegioELZ.RITS, RegioELZ.WESTHOEK}
    assert (regels.min_leeftijd, regels.max_leeftijd) == (12, 18)
    assert ScreeningRegels.met(min_leeftijd=0, max_leeftijd=25).regios == AANZET_REGIOS
    with pytest.raises(ValueError):
        ScreeningRegels.met(min_leeftijd=10, max_leeftijd=16, regios=["GENT"])


# ---------------------------------------------------------------- the criteria


def _grensgevallen(min_leeftijd: int, max_leeftijd: int) -> list[tuple[int, int, int, bool]]:
    return [
        (min_leeftijd, max_leeftijd, min_leeftijd - 1, False),
        (min_leeftijd, max_leeftijd, min_leeftijd, True),
        (min_leeftijd, max_leeftijd, max_leeftijd, True),
        (min_leeftijd, max_leeftijd, max_leeftijd + 1, False),
    ]


GRENZEN = [*_grensgevallen(10, 16), *_grensgevallen(12, 18), *_grensgevallen(14, 14)]


@pytest.mark.parametrize(("min_leeftijd", "max_leeftijd", "leeftijd", "ok"), GRENZEN)
def test_leeftijd_grenzen_inclusief(min_leeftijd: int, max_leeftijd: int, leeftijd: int, ok: bool) -> None:
    regels = ScreeningRegels(min_leeftijd=min_leeftijd, max_leeftijd=max_leeftijd)
    resultaat = beoordeel(regels, leeftijd=leeftijd, regio=RegioELZ.RITS, op=NU)
    assert resultaat.leeftijd_ok is ok
    assert resultaat.regio_ok is True
    assert resultaat.geslaagd is ok


@pytest.mark.parametrize(("leeftijd", "ok"), [(9, False), (10, True), (16, True), (17, False)])
def test_screenen_op_aanmelding_bij_grensleeftijden(leeftijd: int, ok: bool, bouwer) -> None:
    a = bouwer.nieuw(leeftijd_bij_aanmelding=leeftijd)
    resultaat = a.screenen(bouwer.regels, nu=bouwer.nu)
    assert a.status is AanmeldingStatus.GESCREEND  # GESCREEND whatever the outcome
    assert a.screening == ScreeningResultaat(regio_ok=True, leeftijd_ok=ok, op=bouwer.nu)
    assert resultaat == a.screening
    ontvangen, gescreend = a.neem_events()
    assert isinstance(gescreend, AanmeldingGescreend)
    assert (gescreend.regio_ok, gescreend.leeftijd_ok) == (True, ok)


REGIO_OK = {
    RegioELZ.HOUTLAND_EN_POLDER: True,
    RegioELZ.WESTHOEK: True,
    RegioELZ.MIDDEN_WEST_VLAANDEREN: True,
    RegioELZ.WESTKUST_EN_POLDER: True,
    RegioELZ.RITS: True,
    RegioELZ.BUITEN_REGIO: False,
}


def test_elke_regio_heeft_een_verwachting() -> None:
    assert set(REGIO_OK) == set(RegioELZ)


@pytest.mark.parametrize(("regio", "ok"), list(REGIO_OK.items()))
def test_screenen_voor_elke_regio(regio: RegioELZ, ok: bool, bouwer) -> None:
    a = bouwer.nieuw(regio_jongere=regio)
    a.screenen(bouwer.regels, nu=bouwer.nu)
    assert a.screening is not None
    assert (a.screening.regio_ok, a.screening.leeftijd_ok) == (ok, True)
    gescreend = a.events[-1]
    assert isinstance(gescreend, AanmeldingGescreend)
    assert gescreend.regio_ok is ok


def test_geconfigureerde_regios_gelden(bouwer) -> None:
    regels = ScreeningRegels(min_leeftijd=10, max_leeftijd=16, regios=frozenset({RegioELZ.WESTHOEK}))
    assert beoordeel(regels, leeftijd=12, regio=RegioELZ.WESTHOEK, op=NU).regio_ok is True
    assert beoordeel(regels, leeftijd=12, regio=RegioELZ.RITS, op=NU).regio_ok is False


@pytest.mark.parametrize(
    ("regio_ok", "leeftijd_ok", "redenen"),
    [
        (True, True, set()),
        (False, True, {RedenNietOpstart.EXCLUSIE_REGIO}),
        (True, False, {RedenNietOpstart.EXCLUSIE_LEEFTIJD}),
        (False, False, {RedenNietOpstart.EXCLUSIE_REGIO, RedenNietOpstart.EXCLUSIE_LEEFTIJD}),
    ],
)
def test_exclusieredenen(regio_ok: bool, leeftijd_ok: bool, redenen: set[RedenNietOpstart]) -> None:
    assert ScreeningResultaat(regio_ok=regio_ok, leeftijd_ok=leeftijd_ok, op=NU).exclusieredenen == redenen


# ---------------------------------------------------------------- what follows the screening


@pytest.mark.parametrize(
    "velden",
    [
        {"leeftijd_bij_aanmelding": 17},
        {"leeftijd_bij_aanmelding": 9},
        {"regio_jongere": RegioELZ.BUITEN_REGIO},
        {"regio_jongere": RegioELZ.BUITEN_REGIO, "leeftijd_bij_aanmelding": 25},
    ],
)
def test_niet_in_bespreking_na_mislukte_screening(velden: dict, bouwer) -> None:
    a = bouwer.nieuw(**velden)
    a.screenen(bouwer.regels, nu=bouwer.nu)
    with pytest.raises(RegelGeschonden) as fout:
        a.in_bespreking_nemen(nu=bouwer.nu)
    assert fout.value.veld is None  # not about a request field
    assert a.status is AanmeldingStatus.GESCREEND


def test_niet_twee_keer_screenen(bouwer) -> None:
    a = bouwer.nieuw()
    a.screenen(bouwer.regels, nu=bouwer.nu)
    with pytest.raises(OngeldigeOvergang):
        a.screenen(bouwer.regels, nu=bouwer.nu)
