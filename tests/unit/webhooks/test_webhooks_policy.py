"""Who receives which event by webhook (domain guide §10): every registered event type × both profiles."""

from __future__ import annotations

import uuid

import pytest

import jeugdhulp_common.contracts  # noqa: F401 - registers every event type
from jeugdhulp_common import topics
from jeugdhulp_common.contracts.aanmelding import AanmeldingGescreend, AanmeldingOntvangen, IntakeStatusGewijzigd
from jeugdhulp_common.contracts.signalering import TerugkoppelingVerstuurd
from jeugdhulp_common.contracts.traject import RolToewijzing, TrajectBlokkadeGewijzigd, TrajectGestart, TrajectRegieOvergedragen, TrajectRolToegewezen
from jeugdhulp_common.contracts.vocabulary import BlokkadeStatus, Niveau, Rol
from jeugdhulp_common.events import REGISTRY, PrivacyClass
from webhooks.domain.policy import ACT_TYPES, PARTNER_TYPES, Abonnee, Profiel, deliverable, is_thin, may_receive_type, receives, unknown_types
from webhooks.domain.projection import Feiten, feiten
from webhooks.service_layer.fanout import handlers

ALL = REGISTRY.all()


def test_every_listed_type_exists() -> None:
    known = {c.event_type for c in ALL}
    assert PARTNER_TYPES <= known and ACT_TYPES <= known


@pytest.mark.parametrize("cls", ALL, ids=lambda c: f"{c.__name__}v{c.schema_version}")
def test_partner_never_gets_p_nor_micro_intern(cls) -> None:
    if may_receive_type(Profiel.PARTNER, cls):
        assert cls.privacy in (PrivacyClass.PS, PrivacyClass.A)
        assert cls.topic != topics.TRAJECT_MICRO_INTERN
    if cls.topic == topics.TRAJECT_MICRO_INTERN:
        assert not deliverable(cls) and not may_receive_type(Profiel.ACT, cls)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: f"{c.__name__}v{c.schema_version}")
def test_p_class_reaches_only_act_and_thin(cls) -> None:
    if cls.privacy is PrivacyClass.P and deliverable(cls):
        assert not may_receive_type(Profiel.PARTNER, cls)
        assert is_thin(cls)


def test_the_dispatcher_reads_no_intern_nor_dead_letter_topic() -> None:
    read = {c.topic for c in handlers()}
    assert topics.TRAJECT_MICRO_INTERN not in read
    assert not any(t.endswith(".dlt") for t in read)
    assert read == {topics.AANMELDING_MICRO, topics.AANMELDING_MESO, topics.TRAJECT_MICRO, topics.SIGNALERING_MESO, topics.SIGNALERING_MACRO}


def _gescreend(org: str = "VOT") -> AanmeldingGescreend:
    return AanmeldingGescreend(aanmelding_id=uuid.uuid4(), aanmelder_organisatie=org, regio_ok=True, leeftijd_ok=True)


def test_partner_scoped_to_own_aanmelding() -> None:
    vot = Abonnee("VOT", Profiel.PARTNER, frozenset())
    ev = _gescreend()
    assert receives(vot, ev, {"VOT"})
    assert not receives(vot, ev, {"Andere"})
    assert not receives(vot, ev, set())
    assert not receives(vot, ev, None)


def test_event_type_filter() -> None:
    ev = _gescreend()
    assert not receives(Abonnee("VOT", Profiel.PARTNER, frozenset({IntakeStatusGewijzigd.event_type})), ev, {"VOT"})
    assert receives(Abonnee("VOT", Profiel.PARTNER, frozenset({AanmeldingGescreend.event_type})), ev, {"VOT"})


def test_act_network_wide_and_ontvangen_thin() -> None:
    act = Abonnee("Jeugdhulpregie", Profiel.ACT, frozenset())
    ontvangen = AanmeldingOntvangen(
        aanmelding_id=uuid.uuid4(), aanmelder_organisatie="VOT", aanmelder_categorie="VOORZIENING", onderwerp="JONGERE",
        regio_jongere="WESTHOEK", leeftijd_bij_aanmelding=14, redenen=["REFLECTIE"],
    )
    assert receives(act, ontvangen, {"VOT"}) and is_thin(AanmeldingOntvangen)
    assert not receives(Abonnee("VOT", Profiel.PARTNER, frozenset()), ontvangen, {"VOT"})
    blokkade = TrajectBlokkadeGewijzigd(traject_id=uuid.uuid4(), van=None, naar=BlokkadeStatus.GEBLOKKEERD, acute_crisis=False)
    assert receives(act, blokkade, set())
    assert not receives(act, _gescreend(), {"VOT"})  # §10: AanmeldingGescreend is for partners


def test_anonymous_network_events_and_addressed_feedback() -> None:
    vot = Abonnee("VOT", Profiel.PARTNER, frozenset())
    assert receives(vot, IntakeStatusGewijzigd(open=False), None)
    fb = TerugkoppelingVerstuurd(terugkoppeling_id=uuid.uuid4(), van_niveau=Niveau.MESO, naar_organisaties=["Andere"], inhoud_ref="x")
    assert not receives(vot, fb, None)
    assert receives(Abonnee("Andere", Profiel.PARTNER, frozenset()), fb, None)


def test_unknown_types_for_profile() -> None:
    assert unknown_types(Profiel.PARTNER, [AanmeldingOntvangen.event_type, AanmeldingGescreend.event_type]) == [AanmeldingOntvangen.event_type]
    assert unknown_types(Profiel.ACT, ["nope"]) == ["nope"]


def test_projection_facts() -> None:
    g = _gescreend("VOT")
    assert feiten(g) == Feiten(aanmelding=(g.aanmelding_id, "VOT"))
    tid, aid = uuid.uuid4(), uuid.uuid4()
    gestart = TrajectGestart(
        traject_id=tid, aanmelding_id=aid, startdatum="2026-01-01", evaluatie_datum="2026-04-01",
        rollen=[RolToewijzing(rol=Rol.TRAJECTCOORDINATOR, organisatie="A"), RolToewijzing(rol=Rol.CASEMANAGER, organisatie="B")],
        trajectcoordinator_gemandateerd=True,
    )
    assert feiten(gestart) == Feiten(traject_aanmelding=(tid, aid), traject_organisaties=(tid, frozenset({"A", "B"})))
    assert feiten(TrajectRolToegewezen(traject_id=tid, rol=Rol.CASEMANAGER, organisatie="C")).traject_organisaties == (tid, frozenset({"C"}))
    assert feiten(TrajectRegieOvergedragen(traject_id=tid, naar_organisatie="D")).traject_organisaties == (tid, frozenset({"D"}))
    assert feiten(IntakeStatusGewijzigd(open=True)) == Feiten()
