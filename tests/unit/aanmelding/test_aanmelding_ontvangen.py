"""Receiving an aanmelding: the intake switch and the domain validation of §4.1."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from aanmelding.domain import (
    Aanmelder,
    Aanmelding,
    AanmeldingStatus,
    Brus,
    Gezinssamenstelling,
    Intake,
    Label,
    OudersSituatie,
    Verblijfssituatie,
)
from jeugdhulp_common.contracts.aanmelding import AanmeldingOntvangen
from jeugdhulp_common.contracts.vocabulary import (
    AanmelderCategorie,
    BlokkadeStatus,
    Onderwerp,
    RedenVanAanmelding,
    RegioELZ,
)
from jeugdhulp_common.domain import OngeldigeInvoer, RegelGeschonden, Verboden

from aanmelding.domain import AndereOrganisatie, IntakeGesloten

R = RedenVanAanmelding


def test_ontvangen_legt_alle_gegevens_vast(bouwer) -> None:
    aanmelding_id = uuid.uuid4()
    gegevens = bouwer.gegevens(
        aanmelder=Aanmelder(organisatie=" VOT ", categorie=AanmelderCategorie.VOORZIENING, contactpersoon=" Els "),
        onderwerp=Onderwerp.GEZIN,
        leeftijd_bij_aanmelding=13,
        regio_jongere=RegioELZ.HOUTLAND_EN_POLDER,
        redenen=(R.HERSTEL_ENERGIE, R.REFLECTIE, R.HERSTEL_ENERGIE),
        redenen_toelichting="  toelichting  ",
        blokkade_status_bij_aanmelding=BlokkadeStatus.GEBLOKKEERD,
        gezinssamenstelling=Gezinssamenstelling(
            ouders=OudersSituatie.GESCHEIDEN, brussen=(Brus(ref="brus-1", leeftijd=9),)
        ),
        verblijfssituatie=Verblijfssituatie.VOORZIENING_LEEFGROEP,
        labels=frozenset({Label.GES_PLUS}),
        betrokken_partners=("CLB Trikant", "CLB Trikant", "OOOC De Luwte"),
        jeugdhulpregisseur="act-42",
    )
    a = Aanmelding.ontvangen(gegevens, intake=Intake(open=True), nu=bouwer.nu, aanmelding_id=aanmelding_id)

    assert a.aanmelding_id == aanmelding_id
    assert a.ontvangen_op == bouwer.nu
    assert a.status is AanmeldingStatus.ONTVANGEN
    g = a.gegevens
    assert g.aanmelder == Aanmelder(organisatie="VOT", categorie=AanmelderCategorie.VOORZIENING, contactpersoon="Els")
    assert g.onderwerp is Onderwerp.GEZIN
    assert g.redenen == (R.HERSTEL_ENERGIE, R.REFLECTIE)  # repeated reasons dropped, order kept
    assert g.redenen_toelichting == "toelichting"
    assert g.blokkade_status_bij_aanmelding is BlokkadeStatus.GEBLOKKEERD
    assert g.gezinssamenstelling.ouders is OudersSituatie.GESCHEIDEN
    assert g.gezinssamenstelling.brussen == (Brus(ref="brus-1", leeftijd=9),)
    assert g.verblijfssituatie is Verblijfssituatie.VOORZIENING_LEEFGROEP
    assert g.labels == {Label.GES_PLUS}
    assert g.betrokken_partners == ("CLB Trikant", "OOOC De Luwte")
    assert g.jeugdhulpregisseur == "act-42"
    assert (a.screening, a.reden_niet_opstart, a.alternatief_advies, a.instemmingen) == (None, None, None, [])

    [ev] = a.events
    assert isinstance(ev, AanmeldingOntvangen)
    assert ev.aanmelding_id == aanmelding_id
    assert ev.aanmelder_organisatie == "VOT"
    assert ev.aanmelder_categorie is AanmelderCategorie.VOORZIENING
    assert ev.onderwerp is Onderwerp.GEZIN
    assert ev.regio_jongere is RegioELZ.HOUTLAND_EN_POLDER
    assert ev.leeftijd_bij_aanmelding == 13
    assert ev.redenen == [R.HERSTEL_ENERGIE, R.REFLECTIE]
    assert ev.blokkade_status_bij_aanmelding is BlokkadeStatus.GEBLOKKEERD
    assert ev.occurred_at == bouwer.nu


def test_codes_als_tekst_worden_enums(bouwer) -> None:
    a = bouwer.nieuw(regio_jongere="RITS", onderwerp="JONGERE", redenen=("REFLECTIE",), labels=frozenset({"GES+"}))
    assert a.gegevens.regio_jongere is RegioELZ.RITS
    assert a.gegevens.onderwerp is Onderwerp.JONGERE
    assert a.gegevens.redenen == (R.REFLECTIE,)
    assert a.gegevens.labels == {Label.GES_PLUS}


def test_buiten_regio_wordt_wel_ontvangen(bouwer) -> None:
    # exclusion is the screening's business (§5.1), not a reason to refuse the aanmelding itself
    assert bouwer.nieuw(regio_jongere=RegioELZ.BUITEN_REGIO).status is AanmeldingStatus.ONTVANGEN


def test_zonder_id_krijgt_een_nieuw_id(bouwer) -> None:
    assert bouwer.nieuw().aanmelding_id != bouwer.nieuw().aanmelding_id


# ---------------------------------------------------------------- intake closed


def test_gesloten_intake_weigert(bouwer) -> None:
    intake = Intake(open=False, reden="pauze in opstart nieuwe trajecten")
    with pytest.raises(RegelGeschonden) as fout:
        Aanmelding.ontvangen(bouwer.gegevens(), intake=intake, nu=bouwer.nu)
    assert "gesloten" in fout.value.message and "closed" in fout.value.message
    assert fout.value.veld is None
    assert isinstance(fout.value, IntakeGesloten) and fout.value.slug == "intake-gesloten" and fout.value.titel == "Intake closed"
    assert fout.value.extra == {"intakeOpen": False, "reden": "pauze in opstart nieuwe trajecten"}


def test_het_intakeregel_komt_na_de_organisatie_en_voor_de_geldigheid(bouwer) -> None:
    gesloten = Intake(open=False, reden="pauze")
    # a partner posting in another organisation's name: forbidden, whatever the intake
    with pytest.raises(AndereOrganisatie) as fout:
        Aanmelding.ontvangen(bouwer.gegevens(), intake=gesloten, nu=bouwer.nu, partner="EEN ANDERE ORGANISATIE")
    assert isinstance(fout.value, Verboden)
    assert fout.value.extra["errors"][0]["field"] == "aanmelder.organisatie"
    # closed intake before invalid input
    with pytest.raises(IntakeGesloten):
        bouwer_gegevens = bouwer.gegevens(redenen=())
        Aanmelding.ontvangen(bouwer_gegevens, intake=gesloten, nu=bouwer.nu)


def test_een_partner_meldt_aan_in_eigen_naam_het_team_voor_iedereen(bouwer) -> None:
    g = bouwer.gegevens()
    eigen = g.aanmelder.organisatie
    assert Aanmelding.ontvangen(g, intake=Intake(open=True), nu=bouwer.nu, partner=eigen).status is AanmeldingStatus.ONTVANGEN
    assert Aanmelding.ontvangen(g, intake=Intake(open=True), nu=bouwer.nu, partner=None).status is AanmeldingStatus.ONTVANGEN


def test_heropende_intake_aanvaardt(bouwer) -> None:
    intake = Intake(open=False, reden="pauze")
    intake.openen(nu=bouwer.nu)
    assert Aanmelding.ontvangen(bouwer.gegevens(), intake=intake, nu=bouwer.nu).status is AanmeldingStatus.ONTVANGEN


# ---------------------------------------------------------------- domain validation


@pytest.mark.parametrize("leeftijd", [0, 1, 10, 16, 24, 25])
def test_plausibele_leeftijden(leeftijd: int, bouwer) -> None:
    assert bouwer.nieuw(leeftijd_bij_aanmelding=leeftijd).gegevens.leeftijd_bij_aanmelding == leeftijd


@pytest.mark.parametrize("leeftijd", [-1, 26, 99, True, False, 12.0, "12", None])
def test_onplausibele_leeftijden(leeftijd: object, bouwer) -> None:
    with pytest.raises(OngeldigeInvoer) as fout:
        bouwer.nieuw(leeftijd_bij_aanmelding=leeftijd)
    assert fout.value.veld == "leeftijdBijAanmelding"


@pytest.mark.parametrize(
    ("velden", "veld"),
    [
        ({"redenen": ()}, "redenen"),
        ({"redenen": ("ONBEKEND",)}, "redenen"),
        ({"jongere_ref": ""}, "jongereRef"),
        ({"jongere_ref": "   "}, "jongereRef"),
        ({"jongere_ref": 123}, "jongereRef"),
        ({"regio_jongere": "GENT"}, "regioJongere"),
        ({"onderwerp": "BUURT"}, "onderwerp"),
        ({"aanmelder": Aanmelder(organisatie=" ", categorie=AanmelderCategorie.CLB)}, "aanmelder.organisatie"),
        ({"aanmelder": Aanmelder(organisatie="X", categorie="SCHOOL")}, "aanmelder.categorie"),  # type: ignore[arg-type]
        ({"blokkade_status_bij_aanmelding": "VAST"}, "blokkadeStatusBijAanmelding"),
        ({"labels": frozenset({"GES++"})}, "labels"),
        ({"verblijfssituatie": "HOTEL"}, "verblijfssituatie"),
        ({"betrokken_partners": ("CLB", " ")}, "betrokkenPartners"),
        ({"gezinssamenstelling": Gezinssamenstelling(ouders="ZOEK")}, "gezinssamenstelling.ouders"),  # type: ignore[arg-type]
        (
            {"gezinssamenstelling": Gezinssamenstelling(brussen=(Brus(leeftijd=-2),))},
            "gezinssamenstelling.brussen.leeftijd",
        ),
    ],
)
def test_ongeldige_gegevens(velden: dict, veld: str, bouwer) -> None:
    with pytest.raises(OngeldigeInvoer) as fout:
        bouwer.nieuw(**velden)
    assert fout.value.veld == veld


def test_foutmelding_bevat_geen_waarde(bouwer) -> None:
    # §9 rule 6: messages name the rule and the field, never the value
    with pytest.raises(OngeldigeInvoer) as fout:
        bouwer.nieuw(regio_jongere="Kortrijk-Zuid-geheim")
    assert "Kortrijk-Zuid-geheim" not in str(fout.value)


def test_naief_tijdstip_is_een_programmeerfout(bouwer) -> None:
    with pytest.raises(ValueError):
        Aanmelding.ontvangen(bouwer.gegevens(), intake=Intake(open=True), nu=dt.datetime(2024, 3, 4))
