"""Stored documents: rows written by the traject service's earlier, own serialiser (before the shared codec) load
with the one codec (jeugdhulp_common.codec) and are written back byte for byte the same, so no data migration is
needed. The documents below are literal copies of what that serialiser wrote."""

from __future__ import annotations

import copy
import datetime as dt
import uuid

from jeugdhulp_common.codec import laad, naar_json
from jeugdhulp_common.contracts.vocabulary import AfrondingsReden, BlokkadeStatus, DIWAanvraagStatus, Rol
from traject.domain import DIWFondsAanvraag, Traject, TrajectStatus

TRAJECT_DOC = {
    "traject_id": "177617be-f5ec-4022-a8c3-c883ba0100d3", "aanmelding_id": "e58929e3-8512-4ce7-914a-41cfffce1d87",
    "status": "AFGEROND", "startdatum": "2024-01-15", "evaluatie_datum": "2024-07-15",
    "verlengingen": [{"op": "2024-04-16", "besluit_overleg_id": "6d0291fe-058f-45e6-b01c-30305dc6ca45", "maanden": 3,
                      "nieuwe_evaluatie_datum": "2024-07-15"}],
    "blokkade_status": "GEBLOKKEERD", "acute_crisis": False, "regie_bij": "Co-ncept",
    "rollen": [{"rol": "AANMELDER", "organisatie": "SDJ Brugge", "persoon": "Karel Vandenbroucke", "mandaat_van": []},
               {"rol": "TRAJECTCOORDINATOR", "organisatie": "Co-ncept", "persoon": None, "mandaat_van": ["SDJ Brugge"]}],
    "partners": ["Co-ncept", "SDJ Brugge"],
    "gepland_startgesprek": {"overleg_id": "6d0291fe-058f-45e6-b01c-30305dc6ca44", "datum": "2024-01-15",
                             "genodigden": [{"functie": "planmaker", "organisatie": "Co-ncept"}]},
    "startgesprek": {"overleg_id": "6d0291fe-058f-45e6-b01c-30305dc6ca44", "datum": "2024-01-15",
                     "deelnemers": [{"functie": "planmaker", "organisatie": "Co-ncept"}],
                     "afspraken": {"overzicht_bewaarder": {"functie": "planmaker", "organisatie": "Co-ncept"},
                                   "ronde_tafels_organisator": None, "overige": ["wekelijks bellen"]},
                     "antwoorden": [{"vraag_id": "S1", "tekst": "thuis", "blokkade_status": None, "soort": None}]},
    "ronde_tafels": [{"overleg_id": "6d0291fe-058f-45e6-b01c-30305dc6ca46", "datum": "2024-02-01", "plan_aangepast": True,
                      "afspraken": ["school"]}],
    "gepland_samenwerkingsoverleg_einde": {"overleg_id": "00000000-0000-0000-0000-00000000e1de", "datum": "2024-05-02", "genodigden": []},
    "samenwerkingsoverleg_einde": {"overleg_id": "00000000-0000-0000-0000-00000000e1de", "datum": "2024-05-02",
                                   "antwoorden": [{"vraag_id": "E3", "tekst": None, "blokkade_status": "GEBLOKKEERD", "soort": None},
                                                  {"vraag_id": "E5a", "tekst": "wachtlijst", "blokkade_status": None, "soort": "DREMPEL"}]},
    "afrondings_redenen": ["ADEMRUIMTE_GECREEERD"], "afgerond_op": "2024-05-02",
    "afronding_besluit_overleg_id": "00000000-0000-0000-0000-00000000e1de", "afronding_override_reden": None,
    "gegevensdeling_ingetrokken_op": "2024-05-01", "opstart_instemming_ingetrokken_op": None,
}  # fmt: skip

DIW_DOC = {
    "aanvraag_id": "0b8c3d4e-0000-4000-8000-000000000001", "traject_id": "177617be-f5ec-4022-a8c3-c883ba0100d3",
    "status": "IN_GEBRUIK",
    "gegevens": {"aanvrager": "Piet Planmaker", "aanvrager_organisatie": "Co-ncept", "bestemming": "contextbegeleider",
                 "bedrag_eurocent": 300000, "gewenst_effect": "gedeelde zorg",
                 "partners": [{"organisatie": "VZW De Patio", "taak": "opvolging"}], "geschatte_duur_maanden": 6,
                 "engagement_driemaandelijkse_evaluatie": True, "zonder_extra_middelen": "x", "afbouwplan": "y",
                 "casemanager": "Bart Casemanager", "casemanager_engagement": "z", "act_bevraagd_op": "2024-01-20"},
    "ingediend_op": "2024-02-01", "team_overleg_id": "0b8c3d4e-0000-4000-8000-000000000002", "besproken_op": "2024-02-08",
    "besluit_overleg_id": "0b8c3d4e-0000-4000-8000-000000000003", "beslist_op": "2024-02-15", "afwijzingsreden": None,
    "gebruik_tot": "2024-08-15", "gebruik_vanaf": "2024-03-01", "afgesloten_op": None,
    "evaluaties": [{"overleg_id": "0b8c3d4e-0000-4000-8000-000000000004", "datum": "2024-06-03"}],
    "laatste_evaluatie_gemeld": "2024-06-01",
}  # fmt: skip


def test_a_stored_traject_loads_with_the_shared_codec_and_is_written_back_unchanged() -> None:
    t = laad(Traject, copy.deepcopy(TRAJECT_DOC))
    assert t.status is TrajectStatus.AFGEROND and t.blokkade_status is BlokkadeStatus.GEBLOKKEERD
    assert t.traject_id == uuid.UUID(TRAJECT_DOC["traject_id"]) and t.afgerond_op == dt.date(2024, 5, 2)
    assert t.rollen[1].rol is Rol.TRAJECTCOORDINATOR and t.rollen[1].mandaat_van == ("SDJ Brugge",)
    assert t.afrondings_redenen == [AfrondingsReden.ADEMRUIMTE_GECREEERD]
    assert [k.soort.value for k in t.samenwerkingsoverleg_einde.kandidaat_signalen] == ["DREMPEL"]
    assert t.events == []
    assert naar_json(t) == TRAJECT_DOC


def test_a_stored_diw_aanvraag_loads_with_the_shared_codec_and_is_written_back_unchanged() -> None:
    a = laad(DIWFondsAanvraag, copy.deepcopy(DIW_DOC))
    assert a.status is DIWAanvraagStatus.IN_GEBRUIK and a.bedrag_eurocent == 300_000
    assert a.gegevens.partners[0].taak == "opvolging" and a.evaluaties[0].datum == dt.date(2024, 6, 3)
    assert a.volgende_evaluatiedatum() == dt.date(2024, 9, 1)
    assert naar_json(a) == DIW_DOC
