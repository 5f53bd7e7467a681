"""The personal-data detector (§9 rule 2): true positives, false positives, positions, checksum."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from jeugdhulp_common.contracts.traject import IdentificerendeGegevens
from jeugdhulp_common.contracts.vocabulary import RegioELZ

from signalering.domain.persoonsgegevens import (
    DetectieContext,
    PersoonsgegevenSoort,
    Vondst,
    detecteer,
    is_geldig_rijksregisternummer,
    omschrijving,
    soorten,
)

P = PersoonsgegevenSoort
CONTEXT = DetectieContext(
    namen=("Lisa Peeters", "Jan Van den Broeck", "Zoë Dubois-Martin"),
    geboortedata=(dt.date(2010, 3, 12),),
)


def gevonden(tekst: str, context: DetectieContext = CONTEXT) -> list[tuple[str, str]]:
    """(kind, text found) pairs, for readable assertions."""
    return [(v.soort.value, tekst[v.start : v.einde]) for v in detecteer(tekst, context)]


# --------------------------------------------------------------------------- true positives, per kind

WAAR_POSITIEF = [
    # names: case-insensitive, whole words, a first name alone, accents ignored, parts of a double name
    ("Lisa kwam terug naar huis.", P.NAAM, "Lisa"),
    ("Het gesprek met LISA verliep goed.", P.NAAM, "LISA"),
    ("Mevrouw Peeters was aanwezig.", P.NAAM, "Mevrouw Peeters"),
    ("Lisa Peeters is gestart.", P.NAAM, "Lisa Peeters"),
    ("Lisa  Peeters is gestart.", P.NAAM, "Lisa  Peeters"),
    ("Jan van den Broeck kwam.", P.NAAM, "Jan van den Broeck"),
    ("De familie Broeck.", P.NAAM, "Broeck"),
    ("Zoe wil niet terug.", P.NAAM, "Zoe"),
    ("Zoë wil niet terug.", P.NAAM, "Zoë"),
    ("ZOË wil niet terug.", P.NAAM, "ZOË"),
    ("Dubois-Martin tekende.", P.NAAM, "Dubois-Martin"),
    ("Ook Martin tekende.", P.NAAM, "Martin"),
    ("Jan's moeder belde.", P.NAAM, "Jan's"),
    ("Lisa’s broer belde.", P.NAAM, "Lisa’s"),
    ("Lisas broer belde.", P.NAAM, "Lisas"),
    # dates
    ("Geboren op 12/03/2010.", P.DATUM, "12/03/2010"),
    ("Start op 1-2-10.", P.DATUM, "1-2-10"),
    ("Start op 01.02.2024.", P.DATUM, "01.02.2024"),
    ("Start op 2010-03-12.", P.DATUM, "2010-03-12"),
    ("Start op 2024/02/29.", P.DATUM, "2024/02/29"),
    ("Geboren 12 maart 2010 in de kliniek.", P.DATUM, "12 maart 2010"),
    ("Geboren 12 Maart 2010.", P.DATUM, "12 Maart 2010"),
    ("Opname op 12 mrt. 2010.", P.DATUM, "12 mrt. 2010"),
    ("Sinds 3de juni in de leefgroep.", P.DATUM, "3de juni"),
    ("Op 1 januari verhuisd.", P.DATUM, "1 januari"),
    ("Op 29 februari verhuisd.", P.DATUM, "29 februari"),
    ("Op 7 sept 2023 gestart.", P.DATUM, "7 sept 2023"),
    ("Op 12/3 jarig.", P.DATUM, "12/3"),  # the birthday of the young person, without year
    ("Feest op 12-03.", P.DATUM, "12-03"),
    # phone numbers
    ("Bel +32 470 12 34 56.", P.TELEFOONNUMMER, "+32 470 12 34 56"),
    ("Bel +32470123456.", P.TELEFOONNUMMER, "+32470123456"),
    ("Bel 0032 470 12 34 56.", P.TELEFOONNUMMER, "0032 470 12 34 56"),
    ("Bel +32 (0)470 12 34 56.", P.TELEFOONNUMMER, "+32 (0)470 12 34 56"),
    ("Bel +32 50 12 34 56.", P.TELEFOONNUMMER, "+32 50 12 34 56"),
    ("Bel 0470 12 34 56 na vijf uur.", P.TELEFOONNUMMER, "0470 12 34 56"),
    ("Bel 0470/12.34.56.", P.TELEFOONNUMMER, "0470/12.34.56"),
    ("Bel 0470 / 12 34 56.", P.TELEFOONNUMMER, "0470 / 12 34 56"),
    ("Bel 0470123456.", P.TELEFOONNUMMER, "0470123456"),
    ("Bel 0470 123 456.", P.TELEFOONNUMMER, "0470 123 456"),
    ("Bel 050 12 34 56.", P.TELEFOONNUMMER, "050 12 34 56"),
    ("Bel 050/12.34.56.", P.TELEFOONNUMMER, "050/12.34.56"),
    ("Bel 056-12-34-56.", P.TELEFOONNUMMER, "056-12-34-56"),
    ("Bel 02/123 45 67.", P.TELEFOONNUMMER, "02/123 45 67"),
    ("Bel 09 123 45 67.", P.TELEFOONNUMMER, "09 123 45 67"),
    ("Bel (050) 12 34 56.", P.TELEFOONNUMMER, "(050) 12 34 56"),
    ("tel:0470123456", P.TELEFOONNUMMER, "0470123456"),
    # e-mail
    ("Mail naar begeleider@voorziening.be graag.", P.EMAILADRES, "begeleider@voorziening.be"),
    ("Mail info+jongeren@caw.vlaanderen.", P.EMAILADRES, "info+jongeren@caw.vlaanderen"),
    # rijksregisternummer: formatted (always), or 11 digits with valid check digits (also born ≥ 2000)
    ("RRN 85.07.31-003.28 bekend.", P.RIJKSREGISTERNUMMER, "85.07.31-003.28"),
    ("RRN 85.07.31-003.99 bekend.", P.RIJKSREGISTERNUMMER, "85.07.31-003.99"),
    ("RRN 85073100328 bekend.", P.RIJKSREGISTERNUMMER, "85073100328"),
    ("RRN 85 07 31 003 28 bekend.", P.RIJKSREGISTERNUMMER, "85 07 31 003 28"),
    ("RRN 10031212368 bekend.", P.RIJKSREGISTERNUMMER, "10031212368"),
    ("RRN 850731-003-28 bekend.", P.RIJKSREGISTERNUMMER, "850731-003-28"),
    # an age of one person (with or without a region)
    ("Een jongere van 14 jaar had geen plaats.", P.LEEFTIJD, "14 jaar"),
    ("Een jongen van 14 jaar uit de Westhoek.", P.LEEFTIJD, "14 jaar"),
    ("Een 14-jarige in Houtland en Polder.", P.LEEFTIJD, "14-jarige"),
    ("Een 14 jarige in Midden-West-Vlaanderen.", P.LEEFTIJD, "14 jarige"),
    ("Jongen (14j) in RITS.", P.LEEFTIJD, "14j"),
    ("Een veertienjarige van de Westkust.", P.LEEFTIJD, "veertienjarige"),
    ("Zestien jaar oud, ELZ midden WVL.", P.LEEFTIJD, "Zestien jaar oud"),
    ("Westkust & Polder: meisje, 15 jaar.", P.LEEFTIJD, "15 jaar"),
    ("Houtland & Polder: een tweeëntwintigjarige moeder.", P.LEEFTIJD, "tweeëntwintigjarige"),
]


@pytest.mark.parametrize(("tekst", "soort", "fragment"), WAAR_POSITIEF)
def test_vindt_persoonsgegevens(tekst: str, soort: PersoonsgegevenSoort, fragment: str) -> None:
    assert gevonden(tekst) == [(soort.value, fragment)]


# --------------------------------------------------------------------------- false positives

VALS_POSITIEF = [
    "De wachttijd was 3 maanden.",
    "In 2024 vonden negen samenwerkingsoverleggen plaats.",
    "Het DIW-fonds bedraagt 25 000 euro tot eind 2024.",
    "Het ideale wereldfonds bedraagt 25.000 euro.",
    "10 jongeren werden aangemeld, 18 trajecten opgestart.",
    "Looptijd 2023-2024, verlengd met drie maanden.",
    "In de Westhoek is er een lange wachtlijst.",  # an eerstelijnszone is policy vocabulary, not a place of one person
    "Ik trok de rits van mijn jas dicht.",
    "Sinds 3 jaar op de wachtlijst in de Westhoek.",  # a duration, not an age
    "Al 2 jaar wachten in RITS.",
    "In de Westhoek duurde het 2 jaar lang.",
    "Voor 14-jarigen in de Westhoek is er geen aanbod.",  # a group, not one person
    "Van de ouders en de brussen werd niets gehoord.",  # name particles alone are not names
    "1/3 van de jongeren, 1:10 begeleiding, 0,5 fte.",
    "Kerst op 25/12 in de leefgroep.",  # day/month without year, not a birthday
    "Versie 1.2.3 van de procesflow.",
    "Ongeldige datum 32/13/2010 en 2024-13-45.",
    "Voor jongeren van 0 tot 25 jaar (1G1P).",
    "ELZ Houtland & Polder, Westkust & Polder en RITS.",
    "Bel de toegangspoort; ACT heeft 5 regionale afdelingen.",
]


@pytest.mark.parametrize("tekst", VALS_POSITIEF)
def test_geen_vals_positief(tekst: str) -> None:
    assert gevonden(tekst) == []


# --------------------------------------------------------------------------- behaviour


def test_zonder_context_namen_uit_de_lijsten_met_context_ook_de_namen_van_het_traject() -> None:
    tekst = "Lisa belde vanaf 0470 12 34 56."
    assert gevonden(tekst, DetectieContext()) == [("NAAM", "Lisa"), ("TELEFOONNUMMER", "0470 12 34 56")]
    zeldzaam = "Xyzqwa belde."  # in no list: only the traject's own names find it
    assert gevonden(zeldzaam, DetectieContext()) == []
    assert gevonden(zeldzaam, DetectieContext(namen=("Xyzqwa Peeters",))) == [("NAAM", "Xyzqwa")]


def test_meerdere_vondsten_op_volgorde_van_positie() -> None:
    tekst = "Lisa (14 jaar, Westhoek) geboren 12/03/2010, mail lisa@x.be, gsm 0470 12 34 56."
    assert gevonden(tekst) == [
        ("NAAM", "Lisa"),
        ("LEEFTIJD", "14 jaar"),
        ("DATUM", "12/03/2010"),
        ("EMAILADRES", "lisa@x.be"),
        ("TELEFOONNUMMER", "0470 12 34 56"),
    ]


def test_overlap_wordt_eenmaal_gemeld_door_de_meest_specifieke_detector() -> None:
    # the e-mail address contains the name; a formatted RRN contains a valid date-like prefix
    assert gevonden("Mail lisa.peeters@gmail.com.") == [("EMAILADRES", "lisa.peeters@gmail.com")]
    assert gevonden("RRN 05.07.31-003.28") == [("RIJKSREGISTERNUMMER", "05.07.31-003.28")]


def test_tussenvoegsel_alleen_is_geen_naam_maar_volledige_naam_wel() -> None:
    context = DetectieContext(namen=("De Smet",))
    assert gevonden("De ouders van de jongere.", context) == []
    assert gevonden("Familie Smet en De Smet.", context) == [("NAAM", "Smet"), ("NAAM", "De Smet")]


def test_vondst_bevat_geen_tekst() -> None:
    velden = {f.name for f in dataclasses.fields(Vondst)}
    assert velden == {"soort", "start", "einde"}
    assert "Lisa" not in repr(detecteer("Lisa", CONTEXT))


def test_context_uit_identificerende_gegevens() -> None:
    gegevens = IdentificerendeGegevens(
        namen=["Ahmed El Amrani"], geboortedata=[dt.date(2011, 7, 4)], leeftijd=13, regio=RegioELZ.RITS
    )
    context = DetectieContext.uit_identificerend(gegevens)
    assert context == DetectieContext(namen=("Ahmed El Amrani",), geboortedata=(dt.date(2011, 7, 4),))
    assert gevonden("Ahmed is jarig op 4/7. El Amrani tekende. Het el-woord.", context) == [
        ("NAAM", "Ahmed"),
        ("DATUM", "4/7"),
        ("NAAM", "El Amrani"),
    ]
    assert DetectieContext.uit_identificerend(None) == DetectieContext()


def test_soorten_uniek_in_vaste_volgorde() -> None:
    vondsten = detecteer("0470 12 34 56, Lisa, 0470 65 43 21, 12/03/2010", CONTEXT)
    assert soorten(vondsten) == (P.NAAM, P.DATUM, P.TELEFOONNUMMER)


def test_omschrijving_noemt_de_soort_niet_de_data() -> None:
    assert len({omschrijving(s) for s in P}) == len(P)
    assert all("Lisa" not in omschrijving(s) for s in P)


# --------------------------------------------------------------------------- rijksregisternummer checksum


@pytest.mark.parametrize(
    ("nummer", "geldig"),
    [
        ("85073100328", True),  # born 1985: 97 - 850731003 % 97 = 28
        ("85.07.31-003.28", True),  # separators are ignored
        ("85073100329", False),
        ("10031212368", True),  # born 2010: 97 - 2100312123 % 97 = 68
        ("10031212339", True),  # the same digits with the pre-2000 check also pass the check
        ("10031212340", False),
        ("8507310032", False),  # 10 digits
        ("850731003280", False),  # 12 digits
        ("", False),
    ],
)
def test_rijksregisternummer_checksum(nummer: str, geldig: bool) -> None:
    assert is_geldig_rijksregisternummer(nummer) is geldig


def test_checksum_formules() -> None:
    assert 97 - 850731003 % 97 == 28
    assert 97 - 2_100_312_123 % 97 == 68
