"""The aanmelding state machine as an explicit transition table (domain guide §5.1).

```
ONTVANGEN → GESCREEND ─exclusie→ NIET_OPGESTART(+alternatiefAdvies)
                └─ok→ IN_BESPREKING ─capaciteit/ander aanbod→ NIET_OPGESTART
                            └─opstart→ WACHT_OP_INSTEMMING ─weigering→ NIET_OPGESTART
                                              └─instemming→ OPGESTART  (creates Traject)
```

``OVERGANGEN`` is a :class:`jeugdhulp_common.domain.Overgangen`, written per action (``{actie: {van: naar}}``);
``OVERGANGEN.volgende(status, actie)`` raises ``OngeldigeOvergang`` for anything not in it.
Creation (→ ONTVANGEN) is the factory :meth:`Aanmelding.ontvangen`, not a row of the table.
The table only says *in which state an action may run and where it leads*; the guards of each
action (screening passed, consent present, ...) live on the aggregate and raise ``RegelGeschonden``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from jeugdhulp_common.contracts.vocabulary import RedenNietOpstart
from jeugdhulp_common.domain import Overgangen

AGGREGAAT = "Aanmelding"


class AanmeldingStatus(StrEnum):
    """The states of §5.1."""

    ONTVANGEN = "ONTVANGEN"
    GESCREEND = "GESCREEND"
    IN_BESPREKING = "IN_BESPREKING"
    WACHT_OP_INSTEMMING = "WACHT_OP_INSTEMMING"
    OPGESTART = "OPGESTART"
    NIET_OPGESTART = "NIET_OPGESTART"

    @property
    def is_open(self) -> bool:
        """Still under way: not yet decided (OPGESTART or NIET_OPGESTART). Used by the duplicate rule."""
        return self not in EINDTOESTANDEN


EINDTOESTANDEN: frozenset[AanmeldingStatus] = frozenset({AanmeldingStatus.OPGESTART, AanmeldingStatus.NIET_OPGESTART})


class AanmeldingActie(StrEnum):
    """The actions on an existing aanmelding (one method each on :class:`Aanmelding`)."""

    SCREENEN = "screenen"
    IN_BESPREKING_NEMEN = "in_bespreking_nemen"
    OPSTART_BESLISSEN = "opstart_beslissen"
    NIET_OPSTARTEN = "niet_opstarten"
    INSTEMMING_VASTLEGGEN = "instemming_vastleggen"
    INSTEMMING_INTREKKEN = "instemming_intrekken"
    OPSTARTEN = "opstarten"


_S = AanmeldingStatus
_A = AanmeldingActie

OVERGANGEN: Overgangen[AanmeldingStatus, AanmeldingActie] = Overgangen.per_actie(
    AGGREGAAT,
    {
        # system, §5.1 "→ GESCREEND": always to GESCREEND, the result says whether the criteria are met
        _A.SCREENEN: {_S.ONTVANGEN: _S.GESCREEND},
        # team, §5.1 diagram "ok→ IN_BESPREKING"
        _A.IN_BESPREKING_NEMEN: {_S.GESCREEND: _S.IN_BESPREKING},
        # team, §5.1 "→ WACHT_OP_INSTEMMING"
        _A.OPSTART_BESLISSEN: {_S.IN_BESPREKING: _S.WACHT_OP_INSTEMMING},
        # team at the teamvergadering, §5.1 "→ NIET_OPGESTART"; which reason fits which state: REDENEN_PER_TOESTAND
        _A.NIET_OPSTARTEN: {
            _S.GESCREEND: _S.NIET_OPGESTART,
            _S.IN_BESPREKING: _S.NIET_OPGESTART,
            _S.WACHT_OP_INSTEMMING: _S.NIET_OPGESTART,
        },
        # planmaker records consent (§4.1 instemming, §9 rule 5); the state does not change
        _A.INSTEMMING_VASTLEGGEN: {_S.WACHT_OP_INSTEMMING: _S.WACHT_OP_INSTEMMING},
        # §9 rule 5 "including withdrawal". INFERRED: once a consent can exist (from WACHT_OP_INSTEMMING on),
        # its withdrawal can always be recorded, also after the decision; the state does not change.
        _A.INSTEMMING_INTREKKEN: {
            _S.WACHT_OP_INSTEMMING: _S.WACHT_OP_INSTEMMING,
            _S.OPGESTART: _S.OPGESTART,
            _S.NIET_OPGESTART: _S.NIET_OPGESTART,
        },
        # planmaker, §5.1 "→ OPGESTART" (creates the traject downstream)
        _A.OPSTARTEN: {_S.WACHT_OP_INSTEMMING: _S.OPGESTART},
    },
)

REDENEN_PER_TOESTAND: Mapping[AanmeldingStatus, frozenset[RedenNietOpstart]] = MappingProxyType(
    {
        # §5.1 diagram "GESCREEND ─exclusie→"; only the criterion that failed (checked on the aggregate)
        _S.GESCREEND: frozenset({RedenNietOpstart.EXCLUSIE_REGIO, RedenNietOpstart.EXCLUSIE_LEEFTIJD}),
        # §5.1 diagram "IN_BESPREKING ─capaciteit/ander aanbod→"
        _S.IN_BESPREKING: frozenset({RedenNietOpstart.GEEN_CAPACITEIT, RedenNietOpstart.ANDER_AANBOD_PASSEND}),
        # §5.1 diagram "WACHT_OP_INSTEMMING ─weigering→" (GEEN_INSTEMMING is INFERRED in §5.1)
        _S.WACHT_OP_INSTEMMING: frozenset({RedenNietOpstart.GEEN_INSTEMMING}),
    }
)
"""Which reason for a non-start may be given in which state (§5.1)."""


def toegestane_acties(status: AanmeldingStatus) -> frozenset[AanmeldingActie]:
    """The actions the table allows in ``status`` (guards not evaluated), e.g. to show the possible next steps."""
    return frozenset(OVERGANGEN.acties(status))
