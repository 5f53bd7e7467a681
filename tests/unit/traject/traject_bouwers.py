"""Builders for the traject domain tests: aggregates in a given state, with consistent stored fields.

Person names used here are deliberately realistic, so the privacy tests can look for them in events.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from jeugdhulp_common.contracts.vocabulary import AfrondingsReden, DIWAanvraagStatus, Rol
from traject.domain import (
    Deelnemer,
    DIWAanvraagGegevens,
    DIWFondsAanvraag,
    DIWPartner,
    GeplandOverleg,
    RolInTraject,
    SamenwerkingsoverlegEinde,
    StartAfspraken,
    Startgesprek,
    Traject,
    TrajectStatus,
    Verlenging,
)

D = dt.date
START = D(2024, 1, 15)
EVAL = D(2024, 4, 15)  # START + 3 months
SWO_ID = uuid.UUID("00000000-0000-0000-0000-00000000e1de")
SWO_DATUM = D(2024, 5, 2)

AANMELDER_ORG = "SDJ Brugge"
AANMELDER_PERSOON = "Karel Vandenbroucke"
PLANMAKER_ORG = "Co-ncept"
PLANMAKER_PERSOON = "Piet Planmaker"
COORDINATOR_PERSOON = "Annelies Coördinatrix"
CASEMANAGER_PERSOON = "Bart Casemanager"

PLANMAKER = Deelnemer(functie="planmaker", organisatie=PLANMAKER_ORG)
CONSULENT = Deelnemer(functie="consulent", organisatie=AANMELDER_ORG)
CONTEXTBEGELEIDER = Deelnemer(functie="contextbegeleider", organisatie="VZW De Patio")

AFSPRAKEN = StartAfspraken(overzicht_bewaarder=CONTEXTBEGELEIDER, ronde_tafels_organisator=PLANMAKER)


def startgesprek(datum: dt.date = START, **kw: Any) -> Startgesprek:
    velden: dict[str, Any] = {
        "overleg_id": uuid.uuid4(),
        "datum": datum,
        "deelnemers": (PLANMAKER, CONSULENT, CONTEXTBEGELEIDER),
        "afspraken": AFSPRAKEN,
    }
    velden.update(kw)
    return Startgesprek(**velden)


def nieuw_traject(**kw: Any) -> Traject:
    velden: dict[str, Any] = {
        "traject_id": uuid.uuid4(),
        "aanmelding_id": uuid.uuid4(),
        "aanmelder_organisatie": AANMELDER_ORG,
        "aanmelder_contactpersoon": AANMELDER_PERSOON,
    }
    velden.update(kw)
    return Traject.uit_opgestarte_aanmelding(**velden)


def traject_in(status: TrajectStatus, *, swo_gehouden: bool = False, **overrides: Any) -> Traject:
    """A stored traject in ``status`` whose fields are what the normal path would have left there."""
    velden: dict[str, Any] = {
        "traject_id": uuid.uuid4(),
        "aanmelding_id": uuid.uuid4(),
        "status": status,
        "rollen": [RolInTraject(rol=Rol.AANMELDER, organisatie=AANMELDER_ORG, persoon=AANMELDER_PERSOON)],
    }
    if status is not TrajectStatus.IN_OPSTART:
        velden |= {
            "startdatum": START,
            "evaluatie_datum": EVAL,
            "startgesprek": startgesprek(),
            "partners": [PLANMAKER_ORG, AANMELDER_ORG, "VZW De Patio"],
            "rollen": [
                *velden["rollen"],
                RolInTraject(rol=Rol.PLANMAKER, organisatie=PLANMAKER_ORG, persoon=PLANMAKER_PERSOON),
            ],
        }
    if status is TrajectStatus.VERLENGD:
        velden |= {
            "evaluatie_datum": D(2024, 7, 15),
            "verlengingen": [Verlenging(op=EVAL, besluit_overleg_id=uuid.uuid4(), maanden=3, nieuwe_evaluatie_datum=D(2024, 7, 15))],
        }
    if status in (TrajectStatus.IN_AFRONDING, TrajectStatus.AFGEROND):
        velden["gepland_samenwerkingsoverleg_einde"] = GeplandOverleg(overleg_id=SWO_ID, datum=SWO_DATUM)
    if status is TrajectStatus.AFGEROND or swo_gehouden:
        velden["samenwerkingsoverleg_einde"] = SamenwerkingsoverlegEinde(overleg_id=SWO_ID, datum=SWO_DATUM)
    if status is TrajectStatus.AFGEROND:
        velden |= {
            "afgerond_op": SWO_DATUM,
            "afrondings_redenen": [AfrondingsReden.ADEMRUIMTE_GECREEERD],
            "afronding_besluit_overleg_id": SWO_ID,
        }
    velden.update(overrides)
    return Traject.herstel(**velden)


# --------------------------------------------------------------------------- DIW

CASEMANAGER_DIW = "Bart Casemanager"
AANVRAGER_DIW = "Piet Planmaker"


def volledige_gegevens(**kw: Any) -> DIWAanvraagGegevens:
    velden: dict[str, Any] = {
        "aanvrager": AANVRAGER_DIW,
        "aanvrager_organisatie": PLANMAKER_ORG,
        "bestemming": "neutrale externe contextbegeleider",
        "bedrag_eurocent": 300_000,
        "gewenst_effect": "gedeelde zorg installeren",
        "partners": (DIWPartner(organisatie="VZW De Patio", taak="verblijf en opvolging"),),
        "geschatte_duur_maanden": 6,
        "engagement_driemaandelijkse_evaluatie": True,
        "zonder_extra_middelen": "contextbegeleiding naast verblijf evident maken",
        "afbouwplan": "afbouw na zes maanden, overdracht aan de voorziening",
        "casemanager": CASEMANAGER_DIW,
        "casemanager_engagement": "houdt het overzicht en plant de evaluaties",
        "act_bevraagd_op": D(2024, 1, 20),
    }
    velden.update(kw)
    return DIWAanvraagGegevens(**velden)


DIW_INGEDIEND = D(2024, 2, 1)
DIW_BESPROKEN = D(2024, 2, 8)
DIW_BESLIST = D(2024, 2, 15)
DIW_GEBRUIK_TOT = D(2024, 8, 15)
DIW_GEBRUIK_VANAF = D(2024, 3, 1)

_DIW_VOLGORDE = [
    DIWAanvraagStatus.CONCEPT,
    DIWAanvraagStatus.INGEDIEND,
    DIWAanvraagStatus.BESPROKEN_OP_TEAM,
    DIWAanvraagStatus.GOEDGEKEURD,
    DIWAanvraagStatus.IN_GEBRUIK,
    DIWAanvraagStatus.AFGESLOTEN,
]


def diw_in(status: DIWAanvraagStatus, **overrides: Any) -> DIWFondsAanvraag:
    """A stored aanvraag in ``status`` with complete gegevens and the dates the normal path would have set."""
    S = DIWAanvraagStatus
    velden: dict[str, Any] = {
        "aanvraag_id": uuid.uuid4(),
        "traject_id": uuid.uuid4(),
        "status": status,
        "gegevens": volledige_gegevens(),
    }
    stap = _DIW_VOLGORDE.index(S.GOEDGEKEURD) if status is S.AFGEWEZEN else _DIW_VOLGORDE.index(status)
    if stap >= 1:
        velden["ingediend_op"] = DIW_INGEDIEND
    if stap >= 2:
        velden |= {"team_overleg_id": uuid.uuid4(), "besproken_op": DIW_BESPROKEN}
    if stap >= 3:
        velden |= {"besluit_overleg_id": uuid.uuid4(), "beslist_op": DIW_BESLIST}
        if status is S.AFGEWEZEN:
            velden["afwijzingsreden"] = "past binnen de module"
        else:
            velden["gebruik_tot"] = DIW_GEBRUIK_TOT
    if stap >= 4:
        velden["gebruik_vanaf"] = DIW_GEBRUIK_VANAF
    if stap >= 5:
        velden["afgesloten_op"] = DIW_GEBRUIK_TOT
    velden.update(overrides)
    return DIWFondsAanvraag.herstel(**velden)


def event_types(events: list[Any]) -> list[type]:
    return [type(e) for e in events]
