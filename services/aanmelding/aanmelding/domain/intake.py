"""The ``Intake`` aggregate: the team's switch that opens or closes intake for new aanmeldingen (domain guide §5.1).

The project paused new starts in 2024 [001: "koos het project bewust voor een pauze in het opstarten van nieuwe
trajecten"]. One intake per deployment (key ``INTAKE_KEY``). Changes are published as IntakeStatusGewijzigd on
the meso topic (class A, §10): the ``reden`` is the team's wording about the project, never about a child.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jeugdhulp_common.contracts.aanmelding import INTAKE_KEY, IntakeStatusGewijzigd
from jeugdhulp_common.contracts.vocabulary import IntakePauzeReden
from jeugdhulp_common.domain import Aggregaat

from aanmelding.domain.waarden import tekst, vereis_tijdzone

__all__ = ["INTAKE_KEY", "Intake"]


@dataclass(kw_only=True, eq=False)
class Intake(Aggregaat):
    """Open or closed for new aanmeldingen. The constructor restores stored state (no events)."""

    open: bool
    reden: str | None = None
    """Why intake is closed (None while open)."""
    gewijzigd_op: dt.datetime | None = None

    def openen(self, *, nu: dt.datetime) -> bool:
        """Open intake. Returns whether anything changed; opening an open intake emits nothing."""
        vereis_tijdzone(nu, None)
        if self.open:
            return False
        self.open, self.reden, self.gewijzigd_op = True, None, nu
        self._emit(IntakeStatusGewijzigd(open=True, reden_code=None, occurred_at=nu))
        return True

    def sluiten(self, *, reden: str, nu: dt.datetime, reden_code: IntakePauzeReden = IntakePauzeReden.ANDERE) -> bool:
        """Close intake for a stated reason (required). Returns whether anything changed; closing a closed
        intake emits nothing and keeps the original reason. The team's wording (``reden``) stays in this service;
        the meso event carries only ``reden_code``.
        """
        vereis_tijdzone(nu, None)
        reden_schoon = tekst(reden, "reden", verplicht=True)
        if not self.open:
            return False
        self.open, self.reden, self.gewijzigd_op = False, reden_schoon, nu
        self._emit(IntakeStatusGewijzigd(open=False, reden_code=IntakePauzeReden(reden_code), occurred_at=nu))
        return True
