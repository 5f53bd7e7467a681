"""Configuration of the signalering rules: frozen, passed in as an argument (no global settings here)."""

from __future__ import annotations

from dataclasses import dataclass

from jeugdhulp_common.domain import eis_minstens


@dataclass(frozen=True)
class SignaleringRegels:
    """The configurable numbers of the signalering domain.

    * ``terugkerend_vanaf_trajecten`` — a theme seen in at least this many *distinct* trajecten becomes
      TERUGKEREND (§5.4: "≥ N distinct trajects (INF, N = 2, configurable)").
    * ``actiepunt_herinnering_na_dagen`` — an actiepunt that is still OPEN this many days after it was made
      (or after its last reminder) is raised again. INFERRED from [001: "Aanklampend signaleren is nodig en op
      het juiste niveau."] (§6 step 6); 90 days is INFERRED (the project's three-monthly rhythm, §4.2/§4.8).
    * ``minimum_celgrootte`` — counts in anonymous (meso/macro) events from 1 to this minimum − 1 are suppressed
      (``None``); 0 stays 0 (§9 rule 4; ``SIGNALERING_MINIMUM_CELGROOTTE``). The team's own views stay exact.
    """

    terugkerend_vanaf_trajecten: int = 2
    actiepunt_herinnering_na_dagen: int = 90
    minimum_celgrootte: int = 5

    def __post_init__(self) -> None:
        eis_minstens(self, 1, "terugkerend_vanaf_trajecten", "actiepunt_herinnering_na_dagen", "minimum_celgrootte")


STANDAARD_REGELS = SignaleringRegels()
