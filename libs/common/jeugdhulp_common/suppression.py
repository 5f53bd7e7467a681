"""Small-cell suppression of counts shown outside the team (partners, stuurgroep, meso/macro events).

With 18 trajecten in a region a count of 1 or 2 identifies a child. A count from 1 to ``minimum - 1`` is
suppressed (``None``); 0 is shown as 0 (an empty cell reveals no one). Where a total is shown, one suppressed
cell could be recomputed from the total and the other cells: then the smallest other non-zero cell is
suppressed too (complementary suppression). The team sees exact counts and does not use this.
Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)


def _primair(n: int, minimum: int) -> bool:
    if n < 0:
        raise ValueError("counts cannot be negative")
    return 0 < n < minimum


def _complementair(cellen: dict[K, int | None], origineel: Mapping[K, int]) -> bool:
    """If exactly one cell is suppressed, suppress the smallest other non-zero cell too. True if it changed."""
    verborgen = [k for k, v in cellen.items() if v is None]
    if len(verborgen) != 1:
        return False
    kandidaten = [k for k, v in cellen.items() if v is not None and v > 0]
    if not kandidaten:
        return False
    kleinste = min(kandidaten, key=lambda k: origineel[k])
    cellen[kleinste] = None
    return True


def suppress_counts(cells: Mapping[K, int], *, minimum: int = 5, total_shown: bool = True) -> dict[K, int | None]:
    """Counts per cell with 1..minimum-1 replaced by ``None``; 0 stays 0. If ``total_shown`` and exactly one
    cell would be suppressed, the smallest other non-zero cell is suppressed as well."""
    if minimum < 1:
        raise ValueError("minimum must be at least 1")
    uit: dict[K, int | None] = {k: (None if _primair(n, minimum) else n) for k, n in cells.items()}
    if total_shown:
        _complementair(uit, cells)
    return uit


def suppress_table(rows: Mapping[R, Mapping[C, int]], *, minimum: int = 5) -> dict[R, dict[C, int | None]]:
    """A table with row and column totals shown: primary suppression per cell, then complementary suppression
    repeated over rows and columns until no row and no column has exactly one suppressed cell."""
    if minimum < 1:
        raise ValueError("minimum must be at least 1")
    uit: dict[R, dict[C, int | None]] = {
        r: {c: (None if _primair(n, minimum) else n) for c, n in rij.items()} for r, rij in rows.items()
    }
    kolommen: list[C] = list(dict.fromkeys(c for rij in rows.values() for c in rij))
    veranderd = True
    while veranderd:
        veranderd = False
        for r, rij in uit.items():
            veranderd |= _complementair(rij, rows[r])
        for c in kolommen:
            kolom: dict[R, int | None] = {r: rij[c] for r, rij in uit.items() if c in rij}
            if _complementair(kolom, {r: rows[r][c] for r in kolom}):
                for r, v in kolom.items():
                    uit[r][c] = v
                veranderd = True
    return uit
