"""The three forms of a report (no I/O): JSON model, CSV as a spreadsheet reads it, the HTML page and its SVG charts."""

from __future__ import annotations

import csv
import io
import re

import pytest
from test_signalering_rapportage import SEED_PERIODE, seed_feiten

from signalering.domain.rapportage import Doelgroep, Trechter, bereken, voor_doelgroep
from signalering.entrypoints.rapportage_weergave import als_csv, als_html, als_json

TRECHTER = Trechter(signalen_vrijgegeven_per_thema={"Wachtlijsten": 6}, actiepunten={"OPEN": 2, "OPGENOMEN": 7, "OPNIEUW_GESIGNALEERD": 1})


@pytest.fixture(scope="module")
def team():
    return bereken(SEED_PERIODE, *seed_feiten(), trechter=TRECHTER)


@pytest.fixture(scope="module")
def extern(team):
    return voor_doelgroep(team, Doelgroep.EXTERN, minimum=5)


def test_json_is_the_typed_model_with_nulls_for_suppressed_cells(team, extern) -> None:
    t = als_json(team).model_dump(by_alias=True, mode="json")
    assert t["tabel2Leeftijd"]["13"] == 4 and t["kruistabel"] and t["minimumCel"] is None
    e = als_json(extern).model_dump(by_alias=True, mode="json")
    assert e["tabel2Leeftijd"]["13"] is None and e["kruistabel"] is None and "onderdrukt" in e["toelichting"]


def test_csv_opens_as_four_columns_with_a_bom(team, extern) -> None:
    for rap in (team, extern):
        data = als_csv(rap)
        assert data.startswith(b"\xef\xbb\xbf")
        rijen = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
        assert rijen[0] == ["tabel", "groep", "sleutel", "waarde"] and all(len(r) == 4 for r in rijen)
    rijen = list(csv.DictReader(io.StringIO(als_csv(extern).decode("utf-8-sig"), newline=""), delimiter=";"))
    waarden = [r["waarde"] for r in rijen if r["tabel"] != "rapport"]
    assert "onderdrukt" in waarden and not [w for w in waarden if w.isdigit() and 1 <= int(w) <= 4]
    team_rijen = list(csv.DictReader(io.StringIO(als_csv(team).decode("utf-8-sig"), newline=""), delimiter=";"))
    assert {(r["groep"], r["sleutel"], r["waarde"]) for r in team_rijen if r["tabel"] == "tabel1" and r["groep"] == "2024"} >= {
        ("2024", "nieuwe_aanmeldingen", "12"), ("2024", "opstart", "7"), ("2024", "afronding", "3"), ("2024", "lopend_begin", "7")
    }


def _staven(html: str, naam: str) -> int:
    return len(re.findall(rf'id="{naam}-staaf-\d+"', html))


def test_page_has_one_bar_per_shown_cell_and_says_who_it_is_for(team, extern) -> None:
    html = als_html(team)
    assert _staven(html, "leeftijd") == 7 and _staven(html, "regio") == 5 and _staven(html, "aanmelder") == 7
    assert _staven(html, "stroom") == 12 and _staven(html, "trechter") == 6
    assert html.count("<svg") == 5 and "2023-01-01" in html and "2025-12-31" in html and "exacte aantallen" in html
    assert "<script" not in html.lower()
    e = als_html(extern)
    assert _staven(e, "leeftijd") == 2  # only the zeros (11 and ANDERE) are shown
    assert "buiten het team (minimum 5)" in e and "Kruistabel" not in e
    assert "@page { size: A4" in e


def test_text_is_escaped(team) -> None:
    from dataclasses import replace

    kwaad = replace(team, tabel4_aanmelder={"VOORZIENING": {"totaal": 1, "<script>alert(1)</script>": 1}})
    assert "<script>alert" not in als_html(kwaad)
