"""Calendar-month arithmetic and the rule config (domain guide §4.2, §4.8)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from traject.domain import DIWFondsRegels, TrajectRegels, maanden_tussen, plus_maanden

D = dt.date


@pytest.mark.parametrize(
    ("datum", "maanden", "verwacht"),
    [
        (D(2024, 1, 15), 3, D(2024, 4, 15)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),  # leap year: clamp to 29 Feb
        (D(2022, 11, 30), 3, D(2023, 2, 28)),  # common year: clamp to 28 Feb
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 8, 31), 1, D(2024, 9, 30)),
        (D(2024, 10, 31), 3, D(2025, 1, 31)),  # over the year end
        (D(2024, 12, 31), 12, D(2025, 12, 31)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2024, 5, 15), 0, D(2024, 5, 15)),
    ],
)
def test_plus_maanden(datum: dt.date, maanden: int, verwacht: dt.date) -> None:
    assert plus_maanden(datum, maanden) == verwacht


@pytest.mark.parametrize("n", range(-14, 40, 3))
@pytest.mark.parametrize("datum", [D(2023, 1, 31), D(2023, 11, 30), D(2024, 2, 29), D(2024, 6, 1)])
def test_maanden_tussen_inverts_plus_maanden(datum: dt.date, n: int) -> None:
    assert maanden_tussen(datum, plus_maanden(datum, n)) == n


def test_defaults_are_the_seeds() -> None:
    assert (TrajectRegels().minimale_looptijd_maanden, TrajectRegels().verlenging_maanden) == (3, 3)
    assert DIWFondsRegels().plafond_eurocent == 2_500_000
    assert DIWFondsRegels().subsidie_einddatum == D(2024, 12, 31)
    assert DIWFondsRegels().evaluatie_interval_maanden == 3


def test_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        TrajectRegels().verlenging_maanden = 6  # type: ignore[misc]


@pytest.mark.parametrize("kw", [{"minimale_looptijd_maanden": 0}, {"verlenging_maanden": 0}])
def test_traject_regels_refuse_nonsense(kw: dict) -> None:
    with pytest.raises(ValueError):
        TrajectRegels(**kw)


@pytest.mark.parametrize("kw", [{"plafond_eurocent": -1}, {"evaluatie_interval_maanden": 0}])
def test_diw_regels_refuse_nonsense(kw: dict) -> None:
    with pytest.raises(ValueError):
        DIWFondsRegels(**kw)
