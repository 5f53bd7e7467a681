"""A whole traject from opstart to afronding: events carry no person names (domain guide §9, §10), and every
emitted event survives the wire codec of ``jeugdhulp_common.events``."""

from __future__ import annotations

import datetime as dt
import uuid

from jeugdhulp_common import topics
from jeugdhulp_common.contracts.traject import IdentificerendeGegevens, SamenwerkingsoverlegGehouden, StartgesprekGepland
from jeugdhulp_common.contracts.vocabulary import AfrondingsReden, BlokkadeStatus, Rol
from jeugdhulp_common.events import PrivacyClass, ce_headers, decode, encode_body
from traject.domain import RolInTraject, RondeTafel, TrajectStatus, VraagAntwoord

from traject_bouwers import (
    AANMELDER_ORG,
    AANMELDER_PERSOON,
    CASEMANAGER_PERSOON,
    COORDINATOR_PERSOON,
    PLANMAKER_ORG,
    PLANMAKER_PERSOON,
    nieuw_traject,
    startgesprek,
)

D = dt.date
JONGERE = "Jonas Jongere"
PERSONEN = [AANMELDER_PERSOON, PLANMAKER_PERSOON, COORDINATOR_PERSOON, CASEMANAGER_PERSOON, JONGERE]


def _heel_traject() -> list:
    t = nieuw_traject(blokkade_status_bij_aanmelding=BlokkadeStatus.GEBLOKKEERD)
    t.plan_startgesprek(overleg_id=uuid.uuid4(), datum=D(2023, 11, 30), genodigden=startgesprek().deelnemers)
    t.houd_startgesprek(
        startgesprek(D(2023, 11, 30)),
        rollen=[
            RolInTraject(rol=Rol.PLANMAKER, organisatie=PLANMAKER_ORG, persoon=PLANMAKER_PERSOON),
            RolInTraject(
                rol=Rol.TRAJECTCOORDINATOR,
                organisatie="VZW De Patio",
                persoon=COORDINATOR_PERSOON,
                mandaat_van=(AANMELDER_ORG,),
            ),
        ],
    )
    t.wijs_rol_toe(RolInTraject(rol=Rol.CASEMANAGER, organisatie="CAW Centraal W-VL", persoon=CASEMANAGER_PERSOON))
    t.houd_ronde_tafel(RondeTafel(overleg_id=uuid.uuid4(), datum=D(2024, 1, 10), plan_aangepast=True))
    t.wijzig_blokkade(acute_crisis=True)
    t.wijzig_blokkade(acute_crisis=False)
    t.controleer_evaluatie(D(2024, 3, 1))
    t.verleng(besluit_overleg_id=uuid.uuid4(), op=D(2024, 3, 4))
    t.draag_regie_over("Veilige Trajecten")
    swo = uuid.uuid4()
    t.plan_samenwerkingsoverleg_einde(overleg_id=swo, datum=D(2024, 6, 3))
    t.houd_samenwerkingsoverleg_einde(
        overleg_id=swo,
        datum=D(2024, 6, 3),
        antwoorden=[
            VraagAntwoord("E4", blokkade_status=BlokkadeStatus.NIET_GEBLOKKEERD),
            VraagAntwoord("E5c", "wachtlijst"),
        ],
        identificerend=IdentificerendeGegevens(namen=[JONGERE]),
    )
    t.rond_af(besluit_overleg_id=swo, op=D(2024, 6, 3), redenen=[AfrondingsReden.REGIE_OVERGEDRAGEN])
    assert t.status is TrajectStatus.AFGEROND
    return t.neem_events()


def test_the_whole_path_emits_the_expected_events() -> None:
    assert [type(e).__name__ for e in _heel_traject()] == [
        "StartgesprekGepland",
        "TrajectRolToegewezen",
        "TrajectRolToegewezen",
        "TrajectGestart",
        "TrajectRolToegewezen",
        "RondeTafelGehouden",
        "TrajectBlokkadeGewijzigd",
        "TrajectBlokkadeGewijzigd",
        "TrajectEvaluatieVerschuldigd",
        "TrajectVerlengd",
        "TrajectRegieOvergedragen",
        "SamenwerkingsoverlegGehouden",
        "TrajectBlokkadeGewijzigd",
        "TrajectAfgerond",
    ]


def test_pseudonymous_events_carry_no_person_names() -> None:
    events = _heel_traject()
    ps = [e for e in events if e.privacy is PrivacyClass.PS]
    assert len(ps) == 12
    for ev in ps:
        body = ev.model_dump_json()
        for naam in PERSONEN:
            assert naam not in body, (type(ev).__name__, naam)


def test_only_the_invitation_and_the_swo_are_class_p() -> None:
    p = [e for e in _heel_traject() if e.privacy is PrivacyClass.P]
    assert [type(e) for e in p] == [StartgesprekGepland, SamenwerkingsoverlegGehouden]
    # the invitation names functions and organisations only
    body = p[0].model_dump_json()
    assert all(naam not in body for naam in PERSONEN)
    # the SWO (internal topic) carries no names at all: traject masks the ones it knows (v3)
    swo = p[1]
    assert swo.topic == topics.TRAJECT_MICRO_INTERN
    assert all(naam not in swo.model_dump_json() for naam in PERSONEN)
    assert "namen" not in swo.model_dump_json()


def test_every_event_round_trips_through_the_wire_codec() -> None:
    for ev in _heel_traject():
        terug = decode(encode_body(ev), ce_headers(ev))
        assert terug == ev
        assert ev.key == str(ev.traject_id)
