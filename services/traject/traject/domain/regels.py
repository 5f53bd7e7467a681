"""Configurable rules of the traject service (domain guide §4.2, §4.8, §5.3), as frozen dataclasses.

The numbers are the seed's; the spec asks to keep them configurable because the looptijd rule changed in
2024 to something the seeds do not give [001: "drie maanden in de praktijk vaak te kort bleek"].
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jeugdhulp_common.domain import eis_minstens


@dataclass(frozen=True)
class TrajectRegels:
    """Looptijd rules of a traject (§4.2).

    * ``minimale_looptijd_maanden``: [001: "minimale looptijd van drie maanden"]; the first evaluation date is
      startdatum + this, and afronding before it needs an override reason (§5.2, INFERRED).
    * ``verlenging_maanden``: [001: "verlenging met drie"].
    """

    minimale_looptijd_maanden: int = 3
    verlenging_maanden: int = 3

    def __post_init__(self) -> None:
        eis_minstens(self, 1, "minimale_looptijd_maanden", "verlenging_maanden")


@dataclass(frozen=True)
class DIWFondsRegels:
    """Rules of the DIW-fonds (§4.8, §5.3).

    * ``plafond_eurocent``: [001: "Het ideale wereldfonds bedraagt 25 000 euro tot eind 2024."];
    * ``subsidie_einddatum``: [001: "kunnen maar lopen zolang het project gesubsidieerd wordt"] with
      [001: "De projectsubsidie werd verlengd van 01/01/2024 tot 31/12/2024"];
    * ``evaluatie_interval_maanden``: [001: "3-maandelijks stil te staan bij evaluatie"].
    """

    plafond_eurocent: int = 2_500_000
    subsidie_einddatum: dt.date = dt.date(2024, 12, 31)
    evaluatie_interval_maanden: int = 3

    def __post_init__(self) -> None:
        eis_minstens(self, 0, "plafond_eurocent")
        eis_minstens(self, 1, "evaluatie_interval_maanden")


STANDAARD_TRAJECT_REGELS = TrajectRegels()
STANDAARD_DIW_REGELS = DIWFondsRegels()
