"""The privacy check of JSON-like values (§9 rule 3, §10 class A)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from jeugdhulp_common.contracts.signalering import SignaalVrijgegeven, ThemaAangemaakt
from jeugdhulp_common.contracts.traject import RolToewijzing, TrajectGestart
from jeugdhulp_common.contracts.vocabulary import OverlegSoort, Rol, SignaalSoort, ThemaStatus

from signalering.domain import DetectieContext, PrivacyMelding, controleer_anoniem, scan_privacy
from signalering.domain.privacy import SleutelSoort, sleutel_soort


@pytest.mark.parametrize(
    ("sleutel", "soort"),
    [
        ("trajectId", SleutelSoort.TRAJECT_ID),
        ("traject_id", SleutelSoort.TRAJECT_ID),
        ("TrajectID", SleutelSoort.TRAJECT_ID),
        ("traject-ids", SleutelSoort.TRAJECT_ID),
        ("bronTrajectId", SleutelSoort.TRAJECT_ID),
        ("aanmeldingId", SleutelSoort.AANMELDING_ID),
        ("aanmelding_id", SleutelSoort.AANMELDING_ID),
        ("jongereRef", SleutelSoort.PERSOON_REF),
        ("jongere_ref", SleutelSoort.PERSOON_REF),
        ("jongere", SleutelSoort.PERSOON_REF),
        ("cliëntId", SleutelSoort.PERSOON_REF),
        ("namen", SleutelSoort.NAAM),
        ("voornaam", SleutelSoort.NAAM),
        ("achternaam", SleutelSoort.NAAM),
        ("naamJongere", SleutelSoort.NAAM),
        ("moederNaam", SleutelSoort.NAAM),
        ("ouderNamen", SleutelSoort.NAAM),
        ("geboortedatum", SleutelSoort.GEBOORTEDATUM),
        ("geboortedata", SleutelSoort.GEBOORTEDATUM),
        ("dateOfBirth", SleutelSoort.GEBOORTEDATUM),
        ("leeftijd", SleutelSoort.LEEFTIJD),
        ("leeftijdBijAanmelding", SleutelSoort.LEEFTIJD),
        ("telefoon", SleutelSoort.TELEFOON),
        ("telefoonnummer", SleutelSoort.TELEFOON),
        ("gsm", SleutelSoort.TELEFOON),
        ("tel", SleutelSoort.TELEFOON),
        ("email", SleutelSoort.EMAIL),
        ("e-mail", SleutelSoort.EMAIL),
        ("emailAdres", SleutelSoort.EMAIL),
        ("rijksregisternummer", SleutelSoort.RIJKSREGISTERNUMMER),
        ("rrn", SleutelSoort.RIJKSREGISTERNUMMER),
        ("inszNummer", SleutelSoort.RIJKSREGISTERNUMMER),
        ("adres", SleutelSoort.ADRES),
        ("woonplaats", SleutelSoort.ADRES),
    ],
)
def test_verdachte_sleutels(sleutel: str, soort: SleutelSoort) -> None:
    assert sleutel_soort(sleutel) == soort


@pytest.mark.parametrize(
    "sleutel",
    ["naam", "themaId", "trajectRef", "traject_ref", "adresNiveau", "aantalTrajecten", "subthemas", "signaalId",
     "occurredAt", "forumId", "eventId", "tekst", "sectoren", "deelnemers", "organisatie", "jongeren", "aantalJongeren",
     "eigenaar", "bevindingen", "inhoudRef", "vanNiveau"],
)  # fmt: skip
def test_onschuldige_sleutels(sleutel: str) -> None:
    assert sleutel_soort(sleutel) is None


def test_paden_en_redenen() -> None:
    waarde = {
        "themaId": str(uuid.uuid4()),
        "trajectId": str(uuid.uuid4()),
        "signalen": [
            {"tekst": "Een drempel bij de overgang."},
            {"tekst": "Bel 0470 12 34 56 of mail x@y.be"},
        ],
        "persoon": {"geboortedatum": "2010-03-12", "leeftijd": 14},
    }
    assert scan_privacy(waarde) == [
        PrivacyMelding("$.trajectId", "sleutel", "TRAJECT_ID"),
        PrivacyMelding("$.signalen[1].tekst", "waarde", "TELEFOONNUMMER"),
        PrivacyMelding("$.signalen[1].tekst", "waarde", "EMAILADRES"),
        PrivacyMelding("$.persoon", "sleutel", "PERSOON_REF"),
        PrivacyMelding("$.persoon.geboortedatum", "sleutel", "GEBOORTEDATUM"),
        PrivacyMelding("$.persoon.leeftijd", "sleutel", "LEEFTIJD"),
    ]


def test_gestructureerde_waarden_zijn_geen_vrije_tekst() -> None:
    waarde = {
        "occurredAt": "2024-11-22T17:00:00Z",
        "occurred": "2024-11-22T17:00:00.123456+00:00",
        "datum": "2024-11-22",
        "id": str(uuid.uuid4()),
        "trajectRef": "0470123456" + "a" * 54,
        "aantal": 57,
        "actief": True,
        "bedrag": 25000.0,
        "niets": None,
    }
    assert scan_privacy(waarde) == []


def test_datum_in_vrije_tekst_wel() -> None:
    assert scan_privacy({"tekst": "Gestart op 12/03/2024."}) == [PrivacyMelding("$.tekst", "waarde", "DATUM")]
    assert scan_privacy(["Op 22 november 2024 was het forum."]) == [PrivacyMelding("$[0]", "waarde", "DATUM")]


def test_met_context_ook_namen() -> None:
    tekst = {"tekst": "Xyzqwa wacht op een plaats."}
    assert scan_privacy(tekst) == []
    assert scan_privacy(tekst, context=DetectieContext(namen=("Xyzqwa Peeters",))) == [PrivacyMelding("$.tekst", "waarde", "NAAM")]


def test_rijksregisternummer_als_getal() -> None:
    assert scan_privacy({"nummer": 85073100328}) == [PrivacyMelding("$.nummer", "waarde", "RIJKSREGISTERNUMMER")]


def test_events_worden_als_json_body_gescand(salt: bytes, nu: dt.datetime) -> None:
    a = SignaalVrijgegeven(
        occurred_at=nu, signaal_id=uuid.uuid4(), soort=SignaalSoort.DREMPEL, tekst="Wachtlijsten blokkeren.",
        bron_overleg_soort=OverlegSoort.SAMENWERKINGSOVERLEG_EINDE, traject_ref="f" * 64,
    )  # fmt: skip
    thema = ThemaAangemaakt(thema_id=uuid.uuid4(), naam="Zorg op maat en op tijd", aantal_trajecten=0, status=ThemaStatus.GESIGNALEERD)
    assert scan_privacy(a) == [] and scan_privacy(thema) == []
    micro = TrajectGestart(
        traject_id=uuid.uuid4(), aanmelding_id=uuid.uuid4(), startdatum=dt.date(2024, 1, 8), evaluatie_datum=dt.date(2024, 4, 8),
        rollen=[RolToewijzing(rol=Rol.PLANMAKER, organisatie="Co-ncept")], trajectcoordinator_gemandateerd=True,
    )  # fmt: skip
    assert [(m.pad, m.soort) for m in scan_privacy(micro)] == [("$.trajectId", "TRAJECT_ID"), ("$.aanmeldingId", "AANMELDING_ID")]


def test_controleer_anoniem_noemt_pad_en_soort_niet_de_waarde() -> None:
    controleer_anoniem({"tekst": "Niets aan de hand."})
    with pytest.raises(AssertionError) as fout:
        controleer_anoniem({"notities": ["mail geheim.adres@voorbeeld.be"], "traject_id": "abc"})
    bericht = str(fout.value)
    assert "$.notities[0] (waarde: EMAILADRES)" in bericht
    assert "$.traject_id (sleutel: TRAJECT_ID)" in bericht
    assert "geheim" not in bericht and "abc" not in bericht
