"""The history file format: CSV (; and BOM) and JSON rows with their line numbers, all refusals at once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import BaseModel, ConfigDict

from jeugdhulp_common import historiek


class Rij(BaseModel):
    model_config = ConfigDict(extra="ignore")
    ref: str
    datum: dt.date
    n: int = 0


def test_csv_with_bom_numbers_lines_as_a_spreadsheet() -> None:
    rijen = historiek.lees("\ufeffref;datum;n;andere\r\na;2024-01-02;3;x\r\nb;2024-02-03;;\r\n".encode(), "text/csv")
    assert rijen == [(2, {"ref": "a", "datum": "2024-01-02", "n": "3", "andere": "x"}), (3, {"ref": "b", "datum": "2024-02-03", "n": "", "andere": ""})]
    goed, fouten = historiek.valideer(rijen, Rij)
    assert not fouten
    assert [(n, m.ref, m.n) for n, m in goed] == [(2, "a", 3), (3, "b", 0)]


def test_json_rows_count_from_one() -> None:
    rijen = historiek.lees(json.dumps({"rijen": [{"ref": "a", "datum": "2024-01-02"}]}).encode(), "application/json")
    assert rijen == [(1, {"ref": "a", "datum": "2024-01-02"})]


def test_every_bad_row_is_named_and_nothing_passes() -> None:
    rijen = historiek.lees(b"ref;datum\na;2024-13-01\nb;2024-01-01\nb;2024-01-02\n;2024-01-01;extra\n", "text/csv")
    goed, fouten = historiek.valideer(rijen, Rij)
    assert [n for n, _ in goed] == [3]
    with pytest.raises(historiek.Geweigerd) as e:
        historiek.weiger_als_nodig(list(reversed(fouten)))
    assert [(f.regel, f.veld) for f in e.value.fouten] == [(2, "datum"), (4, "ref"), (5, "rij")]
    assert all(f"line {f.regel}" in f.als_dict()["message"] for f in e.value.fouten)
    historiek.weiger_als_nodig([])


@pytest.mark.parametrize(
    "inhoud, soort, veld",
    [
        (b"", "text/csv", "ref"),
        (b"naam;datum\nx;2024-01-01\n", "text/csv", "ref"),
        (b"ref;datum\n", "text/csv", "rijen"),
        (b"\xff\xfe", "text/csv", "bestand"),
        (b"ref\x00;datum\n", "text/csv", "bestand"),
        (b"{", "application/json", "bestand"),
        (b"[1]", "application/json", "rijen"),
        (b'{"rijen": [1]}', "application/json", "rijen"),
        (b"x" * (historiek.MAX_BYTES + 1), "text/csv", "bestand"),
    ],
)
def test_unusable_files(inhoud: bytes, soort: str, veld: str) -> None:
    with pytest.raises(historiek.Geweigerd) as e:
        historiek.lees(inhoud, soort)
    assert e.value.fouten[0].veld == veld


def test_nul_characters_and_list_cells() -> None:
    _, fouten = historiek.valideer([(1, {"ref": "a\x00", "datum": "2024-01-01"})], Rij)
    assert fouten[0].veld == "ref"
    assert historiek.lijst("A, B,,C") == ["A", "B", "C"] and historiek.lijst(["A", " "]) == ["A"] and historiek.lijst(None) == []


def test_ids_derive_from_ref() -> None:
    assert historiek.aanmelding_id("H1") == historiek.aanmelding_id("H1") != historiek.aanmelding_id("H2")
    assert historiek.traject_id("H1") != historiek.aanmelding_id("H1")
