"""Small-number suppression for reports that leave the team (domain guide §9 rule 4).

With 18 trajecten, a cell such as "age 10: 2" can point at one child. Outside the team every count from 1 up to
``minimum - 1`` is suppressed (``None``); 0 stays 0 (an empty cell reveals nobody). When the total is shown next to
the cells, one suppressed cell could be recovered by subtraction, so a second cell is suppressed too
(*complementary* suppression): the smallest other non-zero cell.

Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)


def _check(minimum: int) -> None:
    if minimum < 1:
        raise ValueError("minimum must be at least 1")


def _complement(out: dict, cells: Mapping, suppressed: list) -> bool:
    """Suppress the smallest shown non-zero cell (ties: first in order). False when there is none."""
    shown = [(v, i, k) for i, (k, v) in enumerate(cells.items()) if out[k] is not None and v != 0]
    if not shown:
        return False
    _, _, k = min(shown, key=lambda t: (t[0], t[1]))
    out[k] = None
    suppressed.append(k)
    return True


def suppress_count(count: int, *, minimum: int = 5) -> int | None:
    """One count on its own (no total shown next to it, so no complement): 0 stays 0, 1 .. ``minimum`` - 1
    become ``None``, counts from ``minimum`` up are kept. The counts of anonymous (class A) events are made with
    this (``jeugdhulp_common.events.SuppressedCount``)."""
    return suppress_counts({0: count}, minimum=minimum, total_shown=False)[0]


def suppress_counts(cells: Mapping[K, int], *, minimum: int = 5, total_shown: bool = True) -> dict[K, int | None]:
    """One row of counts: ``None`` = suppressed.

    * 0 stays 0; 1 .. ``minimum`` - 1 become ``None``; counts from ``minimum`` up are kept;
    * when ``total_shown`` and exactly one cell is suppressed, the smallest other non-zero cell is suppressed too.
    """
    _check(minimum)
    for k, v in cells.items():
        if v < 0:
            raise ValueError(f"negative count for {k!r}")
    out: dict[K, int | None] = {k: (None if 0 < v < minimum else v) for k, v in cells.items()}
    suppressed = [k for k, v in out.items() if v is None]
    if total_shown and len(suppressed) == 1:
        _complement(out, cells, suppressed)
    return out


def suppress_table(rows: Mapping[R, Mapping[C, int]], *, minimum: int = 5) -> dict[R, dict[C, int | None]]:
    """A two-way table whose row and column totals are shown: primary suppression of every cell below ``minimum``,
    then, over rows and columns until nothing changes, a row or column with exactly one suppressed cell gets its
    smallest other non-zero cell suppressed as well. A line with no other non-zero cell is left as it is (its one
    suppressed cell is then protected by the other direction or by a suppressed total)."""
    _check(minimum)
    out: dict[R, dict[C, int | None]] = {r: dict(suppress_counts(cols, minimum=minimum, total_shown=False)) for r, cols in rows.items()}
    columns: list[C] = list(dict.fromkeys(c for cols in rows.values() for c in cols))
    changed = True
    while changed:
        changed = False
        for r, cols in rows.items():
            suppressed = [c for c in cols if out[r][c] is None]
            if len(suppressed) == 1 and _complement(out[r], cols, suppressed):
                changed = True
        for c in columns:
            line = {r: rows[r][c] for r in rows if c in rows[r]}
            view = {r: out[r][c] for r in line}
            suppressed = [r for r, v in view.items() if v is None]
            if len(suppressed) == 1 and _complement(view, line, suppressed):
                for r, v in view.items():
                    out[r][c] = v
                changed = True
    return out
