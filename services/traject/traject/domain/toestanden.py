"""The state machines of the traject service as explicit transition tables (domain guide §5.2, §5.3).

```
IN_OPSTART ─startgesprek→ LOPEND ─timer(startdatum+3m)→ TE_EVALUEREN ─verlengen→ VERLENGD ─→ (LOPEND semantics)
LOPEND|TE_EVALUEREN|VERLENGD ─SWO-einde gepland→ IN_AFRONDING ─besluit in overleg→ AFGEROND
orthogonal: blokkadeStatus, acuteCrisis, regieBij

DIW: CONCEPT → INGEDIEND → BESPROKEN_OP_TEAM → GOEDGEKEURD | AFGEWEZEN;  GOEDGEKEURD → IN_GEBRUIK → AFGESLOTEN
```

Each table is a :class:`jeugdhulp_common.domain.Overgangen`, written per action: *action → {state it may run
in: state it leads to}*. A missing pair is an illegal action (``.volgende`` raises :class:`OngeldigeOvergang`).
Actions that leave the state unchanged (ronde tafel, blokkade, roles, ...) are listed as self-loops, so the table
says *everything* that is allowed where. Guards (required fields, dates, crisis, fund cap, ...) live on the
aggregates and raise ``RegelGeschonden``.

Creation is a factory on the aggregate, not a row of a table. The timers (``EVALUATIE_VERSCHULDIGD``) are
rows too, but the timer methods never raise: outside their rows they do nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from jeugdhulp_common.contracts.vocabulary import DIWAanvraagStatus
from jeugdhulp_common.domain import Overgangen

TRAJECT = "Traject"
DIW_AANVRAAG = "DIWFondsAanvraag"


class TrajectStatus(StrEnum):
    """The states of §5.2."""

    IN_OPSTART = "IN_OPSTART"
    LOPEND = "LOPEND"
    TE_EVALUEREN = "TE_EVALUEREN"
    VERLENGD = "VERLENGD"
    IN_AFRONDING = "IN_AFRONDING"
    AFGEROND = "AFGEROND"


class TrajectActie(StrEnum):
    """The actions on an existing traject (one method each on :class:`~traject.domain.traject.Traject`)."""

    ROL_TOEWIJZEN = "rol_toewijzen"
    PARTNER_TOEVOEGEN = "partner_toevoegen"
    STARTGESPREK_PLANNEN = "startgesprek_plannen"
    STARTGESPREK_HOUDEN = "startgesprek_houden"
    RONDE_TAFEL_HOUDEN = "ronde_tafel_houden"
    EVALUATIE_VERSCHULDIGD = "evaluatie_verschuldigd"
    VERLENGEN = "verlengen"
    BLOKKADE_WIJZIGEN = "blokkade_wijzigen"
    REGIE_OVERDRAGEN = "regie_overdragen"
    SAMENWERKINGSOVERLEG_EINDE_PLANNEN = "samenwerkingsoverleg_einde_plannen"
    SAMENWERKINGSOVERLEG_EINDE_HOUDEN = "samenwerkingsoverleg_einde_houden"
    AFRONDEN = "afronden"
    PROJECT_EINDE = "project_einde"


_T = TrajectStatus
_TA = TrajectActie

NIET_AFGEROND: frozenset[TrajectStatus] = frozenset(s for s in TrajectStatus if s is not _T.AFGEROND)
"""Every state but the final one."""

ACTIEF: frozenset[TrajectStatus] = frozenset({_T.LOPEND, _T.TE_EVALUEREN, _T.VERLENGD})
"""The running states: VERLENGD behaves like LOPEND (§5.2 "VERLENGD ─→ (LOPEND semantics)")."""


def _zelf(toestanden: frozenset[TrajectStatus]) -> Mapping[TrajectStatus, TrajectStatus]:
    return {s: s for s in sorted(toestanden)}


TRAJECT_OVERGANGEN: Overgangen[TrajectStatus, TrajectActie] = Overgangen.per_actie(
    TRAJECT,
    {
        # §4.2 rollen; INFERRED: roles and mandates can change as long as the traject runs.
        _TA.ROL_TOEWIJZEN: _zelf(NIET_AFGEROND),
        # §4.2 partners[] "trajectafhankelijk"; INFERRED: partners can join as long as the traject runs.
        _TA.PARTNER_TOEVOEGEN: _zelf(NIET_AFGEROND),
        # §10 StartgesprekGepland: the invitation, before the startgesprek.
        _TA.STARTGESPREK_PLANNEN: {_T.IN_OPSTART: _T.IN_OPSTART},
        # §5.2 "→ LOPEND: planmaker records the startgesprek".
        _TA.STARTGESPREK_HOUDEN: {_T.IN_OPSTART: _T.LOPEND},
        # §4.3 RONDE_TAFEL; §5.2 VERLENGD has LOPEND semantics; INFERRED: also while the evaluation is due.
        _TA.RONDE_TAFEL_HOUDEN: _zelf(ACTIEF),
        # §5.2 "→ TE_EVALUEREN: timer", from LOPEND and (LOPEND semantics) VERLENGD.
        _TA.EVALUATIE_VERSCHULDIGD: {_T.LOPEND: _T.TE_EVALUEREN, _T.VERLENGD: _T.TE_EVALUEREN},
        # §5.2 "→ VERLENGD: decision in an overleg".
        _TA.VERLENGEN: {_T.TE_EVALUEREN: _T.VERLENGD},
        # §5.2 "orthogonal: blokkadeStatus, acuteCrisis"; INFERRED: frozen once AFGEROND.
        _TA.BLOKKADE_WIJZIGEN: _zelf(NIET_AFGEROND),
        # §5.2 "orthogonal: regieBij"; INFERRED: frozen once AFGEROND.
        _TA.REGIE_OVERDRAGEN: _zelf(NIET_AFGEROND),
        # §5.2 "LOPEND|TE_EVALUEREN|VERLENGD ─SWO-einde gepland→ IN_AFRONDING".
        _TA.SAMENWERKINGSOVERLEG_EINDE_PLANNEN: {s: _T.IN_AFRONDING for s in sorted(ACTIEF)},
        # §4.3 SAMENWERKINGSOVERLEG_EINDE: the planned meeting is held while IN_AFRONDING (INFERRED).
        _TA.SAMENWERKINGSOVERLEG_EINDE_HOUDEN: {_T.IN_AFRONDING: _T.IN_AFRONDING},
        # §5.2 "IN_AFRONDING ─besluit in overleg→ AFGEROND".
        _TA.AFRONDEN: {_T.IN_AFRONDING: _T.AFGEROND},
        # §5.2 "any → AFGEROND | coördinator | PROJECT_EINDE (INF)".
        _TA.PROJECT_EINDE: {s: _T.AFGEROND for s in sorted(NIET_AFGEROND)},
    },
)


class DIWActie(StrEnum):
    """The actions on an existing DIW-fonds aanvraag (one method each on ``DIWFondsAanvraag``)."""

    WIJZIGEN = "wijzigen"
    INDIENEN = "indienen"
    BESPREKEN_OP_TEAM = "bespreken_op_team"
    GOEDKEUREN = "goedkeuren"
    AFWIJZEN = "afwijzen"
    GEBRUIK_STARTEN = "gebruik_starten"
    EVALUATIE_REGISTREREN = "evaluatie_registreren"
    EVALUATIE_VERSCHULDIGD = "evaluatie_verschuldigd"
    AFSLUITEN = "afsluiten"


_D = DIWAanvraagStatus
_DA = DIWActie

DIW_OVERGANGEN: Overgangen[DIWAanvraagStatus, DIWActie] = Overgangen.per_actie(
    DIW_AANVRAAG,
    {
        # INFERRED: the form is filled in step by step while it is a CONCEPT.
        _DA.WIJZIGEN: {_D.CONCEPT: _D.CONCEPT},
        # §5.3 CONCEPT → INGEDIEND, "via the planmaker" (INF).
        _DA.INDIENEN: {_D.CONCEPT: _D.INGEDIEND},
        # §5.3 [001: "Goedkeuring gebeurt na bespreking op team en kern-/stuurgroep."]
        _DA.BESPREKEN_OP_TEAM: {_D.INGEDIEND: _D.BESPROKEN_OP_TEAM},
        _DA.GOEDKEUREN: {_D.BESPROKEN_OP_TEAM: _D.GOEDGEKEURD},
        _DA.AFWIJZEN: {_D.BESPROKEN_OP_TEAM: _D.AFGEWEZEN},
        # §5.3 "(GOEDGEKEURD) IN_GEBRUIK [3-monthly evaluation] → AFGESLOTEN".
        _DA.GEBRUIK_STARTEN: {_D.GOEDGEKEURD: _D.IN_GEBRUIK},
        _DA.EVALUATIE_REGISTREREN: {_D.IN_GEBRUIK: _D.IN_GEBRUIK},
        _DA.EVALUATIE_VERSCHULDIGD: {_D.IN_GEBRUIK: _D.IN_GEBRUIK},
        _DA.AFSLUITEN: {_D.IN_GEBRUIK: _D.AFGESLOTEN},
    },
)


def toegestane_acties(status: TrajectStatus) -> frozenset[TrajectActie]:
    """The traject actions the table allows in ``status`` (guards not evaluated)."""
    return frozenset(TRAJECT_OVERGANGEN.acties(status))
