"""Small-cell suppression (jeugdhulp_common.suppression): every cell value around the minimum, complementary
suppression for a single suppressed cell, and tables whose rows and columns are re-checked until stable."""

from __future__ import annotations

import itertools

import pytest
from jeugdhulp_common.suppression import suppress_counts, suppress_table


@pytest.mark.parametrize("n", range(0, 12))
def test_een_cel_zonder_totaal(n: int) -> None:
    verwacht = None if 0 < n < 5 else n
    assert suppress_counts({"a": n}, total_shown=False) == {"a": verwacht}


def test_nul_blijft_nul_en_minimum_is_instelbaar() -> None:
    assert suppress_counts({"a": 0, "b": 0}) == {"a": 0, "b": 0}
    assert suppress_counts({"a": 2, "b": 3}, minimum=3, total_shown=False) == {"a": None, "b": 3}
    assert suppress_counts({"a": 1}, minimum=1) == {"a": 1}
    assert suppress_counts({}) == {}


def test_complementair_de_kleinste_andere_niet_nul_cel() -> None:
    assert suppress_counts({"a": 2, "b": 9, "c": 6, "d": 0}) == {"a": None, "b": 9, "c": None, "d": 0}
    assert suppress_counts({"a": 2, "b": 9, "c": 6, "d": 0}, total_shown=False) == {"a": None, "b": 9, "c": 6, "d": 0}
    # two primary suppressions already protect each other
    assert suppress_counts({"a": 2, "b": 3, "c": 7}) == {"a": None, "b": None, "c": 7}
    # only zeros besides: nothing to add (the total equals the hidden cell only if all others are 0: nothing to hide behind)
    assert suppress_counts({"a": 2, "b": 0}) == {"a": None, "b": 0}


@pytest.mark.parametrize("waarden", list(itertools.product([0, 1, 4, 5, 6, 20], repeat=3)))
def test_alle_combinaties_van_drie_cellen(waarden: tuple[int, int, int]) -> None:
    cellen = dict(zip("abc", waarden, strict=True))
    uit = suppress_counts(cellen)
    assert uit.keys() == cellen.keys()
    for k, n in cellen.items():
        if 0 < n < 5:
            assert uit[k] is None  # every small cell is hidden
        if n == 0:
            assert uit[k] == 0  # 0 is shown
        assert uit[k] in (None, n)  # nothing is altered, only hidden
    verborgen = [k for k in uit if uit[k] is None]
    niet_nul = [k for k in cellen if cellen[k] > 0]
    # never exactly one hidden cell while another non-zero cell could be hidden with it
    assert len(verborgen) != 1 or len(niet_nul) == 1
    if len(verborgen) == 2 and sum(1 for n in waarden if 0 < n < 5) == 1:
        extra = next(k for k in verborgen if not 0 < cellen[k] < 5)
        assert cellen[extra] == min(cellen[k] for k in niet_nul if not 0 < cellen[k] < 5)


def test_negatief_of_minimum_onder_een_is_een_fout() -> None:
    with pytest.raises(ValueError):
        suppress_counts({"a": -1})
    with pytest.raises(ValueError):
        suppress_counts({"a": 1}, minimum=0)
    with pytest.raises(ValueError):
        suppress_table({"r": {"a": 1}}, minimum=0)


def test_tabel_rij_en_kolom_complementair_tot_stabiel() -> None:
    tabel = {
        "r1": {"a": 3, "b": 10, "c": 8},
        "r2": {"a": 7, "b": 6, "c": 9},
        "r3": {"a": 12, "b": 11, "c": 0},
    }
    uit = suppress_table(tabel)
    # r1: a primary, c (8 < 10) complementary in the row; column a: r2 (7 < 12) complementary; column c: r2 (9) …
    for r, rij in uit.items():
        verborgen = [c for c, v in rij.items() if v is None]
        assert len(verborgen) != 1 or sum(1 for n in tabel[r].values() if n > 0) == 1
    for c in ("a", "b", "c"):
        verborgen = [r for r in uit if uit[r][c] is None]
        assert len(verborgen) != 1 or sum(1 for r in tabel if tabel[r][c] > 0) == 1
    assert uit["r1"]["a"] is None and uit["r3"]["c"] == 0


@pytest.mark.parametrize("seed", range(40))
def test_tabellen_willekeurig_geen_rij_of_kolom_met_een_verborgen_cel(seed: int) -> None:
    import random

    rnd = random.Random(seed)
    tabel = {f"r{i}": {f"c{j}": rnd.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 15]) for j in range(4)} for i in range(4)}
    uit = suppress_table(tabel, minimum=5)
    for r, rij in uit.items():
        for c, v in rij.items():
            n = tabel[r][c]
            assert v in (None, n) and (v is None if 0 < n < 5 else True) and (v == 0 if n == 0 else True)
    lijnen = [[(r, c) for c in tabel[r]] for r in tabel] + [[(r, c) for r in tabel] for c in tabel["r0"]]
    for lijn in lijnen:
        verborgen = [p for p in lijn if uit[p[0]][p[1]] is None]
        niet_nul = [p for p in lijn if tabel[p[0]][p[1]] > 0]
        assert len(verborgen) != 1 or len(niet_nul) == 1
