"""Pure domain code of the traject service (domain guide §4.2, §4.3, §4.8, §5.2, §5.3, §7, §10).

No I/O: no database, no Kafka, no HTTP, no clock. Dates and rules come in as arguments; aggregates collect
the contract events they emit in ``.events`` for the service layer to drain into the outbox.
"""

from traject.domain.bijlage4 import BIJLAGE_4, VRAGEN, AntwoordType, Beweging, Sectie, Uitvoer, Vraag
from traject.domain.diw import (
    TELT_MEE_IN_FONDS,
    DIWAanvraagGegevens,
    DIWEvaluatie,
    DIWFondsAanvraag,
    DIWPartner,
    evaluatiedata,
    goedgekeurd_totaal,
    laatste_evaluatiedatum,
)
from traject.domain.kalender import maanden_tussen, plus_maanden
from traject.domain.regels import STANDAARD_DIW_REGELS, STANDAARD_TRAJECT_REGELS, DIWFondsRegels, TrajectRegels
from traject.domain.samenwerkingsoverleg import (
    SamenwerkingsoverlegEinde,
    VraagAntwoord,
    kandidaat_signalen,
    thema_voorstellen,
    valideer_antwoorden,
)
from traject.domain.toestanden import (
    DIW_OVERGANGEN,
    TRAJECT_OVERGANGEN,
    DIWActie,
    TrajectActie,
    TrajectStatus,
    toegestane_acties,
)
from traject.domain.traject import Traject
from traject.domain.waarden import (
    Deelnemer,
    GeplandOverleg,
    RolInTraject,
    RondeTafel,
    StartAfspraken,
    Startgesprek,
    Verlenging,
)

__all__ = [
    "BIJLAGE_4",
    "DIW_OVERGANGEN",
    "STANDAARD_DIW_REGELS",
    "STANDAARD_TRAJECT_REGELS",
    "TELT_MEE_IN_FONDS",
    "TRAJECT_OVERGANGEN",
    "VRAGEN",
    "AntwoordType",
    "Beweging",
    "DIWAanvraagGegevens",
    "DIWActie",
    "DIWEvaluatie",
    "DIWFondsAanvraag",
    "DIWFondsRegels",
    "DIWPartner",
    "Deelnemer",
    "GeplandOverleg",
    "RolInTraject",
    "RondeTafel",
    "SamenwerkingsoverlegEinde",
    "Sectie",
    "StartAfspraken",
    "Startgesprek",
    "Traject",
    "TrajectActie",
    "TrajectRegels",
    "TrajectStatus",
    "Uitvoer",
    "Verlenging",
    "Vraag",
    "VraagAntwoord",
    "evaluatiedata",
    "goedgekeurd_totaal",
    "kandidaat_signalen",
    "laatste_evaluatiedatum",
    "maanden_tussen",
    "plus_maanden",
    "thema_voorstellen",
    "toegestane_acties",
    "valideer_antwoorden",
]
