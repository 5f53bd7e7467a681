"""Small-number suppression (domain guide §9 rule 4): exhaustive on small inputs, plus the named cases."""

from __future__ import annotations

import itertools

import pytest

from jeugdhulp_common.suppression import suppress_count, suppress_counts, suppress_table


def test_zero_stays_zero_small_counts_suppressed_large_kept() -> None:
    assert suppress_counts({"a": 0, "b": 3, "c": 5, "d": 9}, total_shown=False) == {"a": 0, "b": None, "c": 5, "d": 9}


@pytest.mark.parametrize("minimum", [1, 2, 5, 10])
def test_one_count_on_its_own(minimum: int) -> None:
    for n in range(25):
        assert suppress_count(n, minimum=minimum) == (None if 0 < n < minimum else n)
    with pytest.raises(ValueError):
        suppress_count(-1, minimum=minimum)


def test_one_suppressed_with_total_shown_takes_the_smallest_other_non_zero_cell() -> None:
    assert suppress_counts({"a": 2, "b": 0, "c": 7, "d": 6, "e": 9}) == {"a": None, "b": 0, "c": 7, "d": None, "e": 9}


def test_one_suppressed_without_total_stays_alone() -> None:
    assert suppress_counts({"a": 2, "c": 7, "d": 6}, total_shown=False) == {"a": None, "c": 7, "d": 6}


def test_two_suppressed_need_no_complement() -> None:
    assert suppress_counts({"a": 2, "b": 1, "c": 7}) == {"a": None, "b": None, "c": 7}


def test_ties_take_the_first_in_order() -> None:
    assert suppress_counts({"x": 1, "a": 8, "b": 8}) == {"x": None, "a": None, "b": 8}


def test_configurable_minimum_and_bad_input() -> None:
    assert suppress_counts({"a": 3, "b": 3}, minimum=3) == {"a": 3, "b": 3}
    assert suppress_counts({"a": 3, "b": 2, "c": 9}, minimum=3) == {"a": None, "b": None, "c": 9}
    with pytest.raises(ValueError):
        suppress_counts({"a": 1}, minimum=0)
    with pytest.raises(ValueError):
        suppress_counts({"a": -1})


def test_the_seed_age_table_shows_no_small_cell() -> None:
    leeftijd = {"10": 2, "11": 0, "12": 2, "13": 4, "14": 4, "15": 4, "16": 2}
    out = suppress_counts(leeftijd)
    assert out == {k: (0 if v == 0 else None) for k, v in leeftijd.items()}


@pytest.mark.parametrize("values", list(itertools.product(range(0, 8), repeat=3)))
def test_every_row_of_three_never_shows_a_small_cell_nor_a_lone_suppression(values: tuple[int, ...]) -> None:
    cells = dict(zip("abc", values, strict=True))
    out = suppress_counts(cells, minimum=5)
    for k, v in out.items():
        assert v is None or v == cells[k]
        assert v is None or v == 0 or v >= 5
        assert v is not None or cells[k] != 0  # a zero is never hidden
    suppressed = [k for k, v in out.items() if v is None]
    non_zero_shown = [k for k, v in out.items() if v]
    # a lone suppressed cell (recoverable from the total) only when no other non-zero cell exists to hide
    assert len(suppressed) != 1 or not non_zero_shown


def _lines(table: dict) -> list[list]:
    rows = [list(cols.values()) for cols in table.values()]
    cols = list(dict.fromkeys(c for cols in table.values() for c in cols))
    return rows + [[table[r][c] for r in table if c in table[r]] for c in cols]


def test_table_complementary_suppression_in_rows_and_columns() -> None:
    rows = {"r1": {"a": 2, "b": 8, "c": 9}, "r2": {"a": 7, "b": 6, "c": 10}, "r3": {"a": 9, "b": 9, "c": 9}}
    out = suppress_table(rows)
    assert out["r1"]["a"] is None
    for line in _lines(out):
        assert sum(v is None for v in line) != 1
    for r, cols in out.items():
        for c, v in cols.items():
            assert v is None or v == rows[r][c]


@pytest.mark.parametrize("values", list(itertools.product((0, 1, 6), repeat=4)))
def test_every_two_by_two_table(values: tuple[int, ...]) -> None:
    rows = {"r1": {"a": values[0], "b": values[1]}, "r2": {"a": values[2], "b": values[3]}}
    out = suppress_table(rows)
    for r, cols in out.items():
        for c, v in cols.items():
            assert v is None or v == 0 or v >= 5
            assert v is None or v == rows[r][c]
    for line, orig in zip(_lines(out), _lines(rows), strict=True):
        # a line keeps a lone suppressed cell only when it has no other non-zero cell to hide
        if sum(v is None for v in line) == 1:
            assert sum(1 for v, o in zip(line, orig, strict=True) if v is not None and o != 0) == 0
