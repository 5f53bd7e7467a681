"""Calendar-month arithmetic for evaluation dates (domain guide §4.2, §5.2, §5.3). Pure: no clock reads."""

from __future__ import annotations

import calendar
import datetime as dt


def plus_maanden(datum: dt.date, maanden: int) -> dt.date:
    """``datum`` plus a number of calendar months, clamped to the end of the target month.

    30 Nov 2023 + 3 → 29 Feb 2024; 31 Jan 2023 + 1 → 28 Feb 2023. Negative ``maanden`` go back.
    """
    index = datum.year * 12 + (datum.month - 1) + maanden
    jaar, maand0 = divmod(index, 12)
    maand = maand0 + 1
    dag = min(datum.day, calendar.monthrange(jaar, maand)[1])
    return dt.date(jaar, maand, dag)


def maanden_tussen(van: dt.date, tot: dt.date) -> int:
    """The number of whole calendar months from the month of ``van`` to the month of ``tot`` (days ignored).

    For any ``d`` and ``n``: ``maanden_tussen(d, plus_maanden(d, n)) == n``.
    """
    return (tot.year - van.year) * 12 + (tot.month - van.month)
