"""Pure domain code of the aanmelding (intake) service (domain guide §4.1, §5.1, §9, §10).

No I/O, no clock: time (``nu``) and configuration (:class:`ScreeningRegels`) come in as arguments.
Errors are those of :mod:`jeugdhulp_common.domain`: ``OngeldigeOvergang`` (action not allowed in the state),
``RegelGeschonden`` (a guard; ``veld`` = the camelCase request field, if any), ``NietGevonden``,
``OngeldigeInvoer`` (a new aanmelding's invalid field) and the refusals of :mod:`aanmelding.domain.fouten`.
Stored by the one codec of every service (``jeugdhulp_common.codec``).
"""

from aanmelding.domain.model import Aanmelding
from aanmelding.domain.fouten import AndereOrganisatie, IntakeGesloten
from aanmelding.domain.dubbels import AanmeldingSamenvatting, is_mogelijk_dubbel, open_aanmeldingen_voor
from aanmelding.domain.intake import INTAKE_KEY, Intake
from aanmelding.domain.screening import AANZET_REGIOS, ScreeningRegels, ScreeningResultaat, beoordeel
from aanmelding.domain.toestanden import (
    EINDTOESTANDEN,
    OVERGANGEN,
    REDENEN_PER_TOESTAND,
    AanmeldingActie,
    AanmeldingStatus,
    toegestane_acties,
)
from aanmelding.domain.waarden import (
    Aanmelder,
    AanmeldingGegevens,
    AlternatiefAdvies,
    Brus,
    Gezinssamenstelling,
    Instemming,
    InstemmingDoor,
    InstemmingScope,
    Label,
    OudersSituatie,
    Verblijfssituatie,
)

__all__ = [
    "AANZET_REGIOS",
    "EINDTOESTANDEN",
    "INTAKE_KEY",
    "OVERGANGEN",
    "REDENEN_PER_TOESTAND",
    "Aanmelder",
    "AndereOrganisatie",
    "Aanmelding",
    "AanmeldingActie",
    "AanmeldingGegevens",
    "AanmeldingSamenvatting",
    "AanmeldingStatus",
    "AlternatiefAdvies",
    "Brus",
    "Gezinssamenstelling",
    "Instemming",
    "InstemmingDoor",
    "InstemmingScope",
    "Intake",
    "IntakeGesloten",
    "Label",
    "OudersSituatie",
    "ScreeningRegels",
    "ScreeningResultaat",
    "Verblijfssituatie",
    "beoordeel",
    "is_mogelijk_dubbel",
    "open_aanmeldingen_voor",
    "toegestane_acties",
]
