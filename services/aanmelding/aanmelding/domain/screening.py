"""Screening of an aanmelding against the two exclusion criteria, regio and leeftijd (domain guide §5.1).

[001: "Er waren twee exclusiecriteria, namelijk regio en leeftijd."] The regions are the five
eerstelijnszones of 1G1P AanZet (§1, §4.9). The age bounds are *not* in the seeds (§11.1; ages 10–16
were observed), so :class:`ScreeningRegels` has no default for them: they must be configured.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from jeugdhulp_common.contracts.vocabulary import RedenNietOpstart, RegioELZ

MIN_LEEFTIJD_1G1P = 0
MAX_LEEFTIJD_1G1P = 25
"""1G1P is for children and young people of 0–25 [004: "tussen 0-25 jaar"] (§2.3); any bound lies within."""

AANZET_REGIOS: frozenset[RegioELZ] = frozenset(
    {
        RegioELZ.HOUTLAND_EN_POLDER,
        RegioELZ.WESTHOEK,
        RegioELZ.MIDDEN_WEST_VLAANDEREN,
        RegioELZ.WESTKUST_EN_POLDER,
        RegioELZ.RITS,
    }
)
"""The five ELZ of 1G1P AanZet (§4.9): the default allowed regions."""


@dataclass(frozen=True, kw_only=True)
class ScreeningRegels:
    """Configuration of the screening (§5.1). Both age bounds are inclusive and required (§11.1).

    Raises ``ValueError`` for an impossible configuration: this is a deployment error, not a domain refusal.
    """

    min_leeftijd: int
    max_leeftijd: int
    regios: frozenset[RegioELZ] = field(default=AANZET_REGIOS)

    def __post_init__(self) -> None:
        for naam in ("min_leeftijd", "max_leeftijd"):
            waarde = getattr(self, naam)
            if isinstance(waarde, bool) or not isinstance(waarde, int):
                raise ValueError(f"ScreeningRegels.{naam} must be an int")
        if not MIN_LEEFTIJD_1G1P <= self.min_leeftijd <= self.max_leeftijd <= MAX_LEEFTIJD_1G1P:
            raise ValueError(
                f"ScreeningRegels: need {MIN_LEEFTIJD_1G1P} <= min_leeftijd <= max_leeftijd <= {MAX_LEEFTIJD_1G1P}"
            )
        regios = frozenset(RegioELZ(r) for r in self.regios)
        if not regios:
            raise ValueError("ScreeningRegels.regios must not be empty")
        if RegioELZ.BUITEN_REGIO in regios:
            raise ValueError("ScreeningRegels.regios cannot allow BUITEN_REGIO")
        object.__setattr__(self, "regios", regios)

    @classmethod
    def met(cls, *, min_leeftijd: int, max_leeftijd: int, regios: Iterable[RegioELZ | str] | None = None) -> ScreeningRegels:
        """Build from configuration values (``regios`` as codes; ``None`` = the AanZet default)."""
        if regios is None:
            return cls(min_leeftijd=min_leeftijd, max_leeftijd=max_leeftijd)
        return cls(min_leeftijd=min_leeftijd, max_leeftijd=max_leeftijd, regios=frozenset(RegioELZ(r) for r in regios))


@dataclass(frozen=True, kw_only=True)
class ScreeningResultaat:
    """Outcome of the screening: one flag per criterion (the AanmeldingGescreend event carries both)."""

    regio_ok: bool
    leeftijd_ok: bool
    op: dt.datetime

    @property
    def geslaagd(self) -> bool:
        return self.regio_ok and self.leeftijd_ok

    @property
    def exclusieredenen(self) -> frozenset[RedenNietOpstart]:
        """The EXCLUSIE_* reasons that the failed criteria justify (empty when the screening passed)."""
        redenen: set[RedenNietOpstart] = set()
        if not self.regio_ok:
            redenen.add(RedenNietOpstart.EXCLUSIE_REGIO)
        if not self.leeftijd_ok:
            redenen.add(RedenNietOpstart.EXCLUSIE_LEEFTIJD)
        return frozenset(redenen)


def beoordeel(regels: ScreeningRegels, *, leeftijd: int, regio: RegioELZ, op: dt.datetime) -> ScreeningResultaat:
    """Apply the two exclusion criteria (§5.1). Pure: the same input gives the same result."""
    return ScreeningResultaat(
        regio_ok=regio in regels.regios,
        leeftijd_ok=regels.min_leeftijd <= leeftijd <= regels.max_leeftijd,
        op=op,
    )
