"""The events an aanmelding emits: class, key, topic, privacy class, wire format, and no free text (§9, §10)."""

from __future__ import annotations

import uuid

import pytest

from aanmelding.domain import (
    Aanmelder,
    Aanmelding,
    AanmeldingStatus,
    AlternatiefAdvies,
    Brus,
    Gezinssamenstelling,
    InstemmingDoor,
    InstemmingScope,
    Intake,
)
from jeugdhulp_common import topics
from jeugdhulp_common.contracts.aanmelding import (
    AanmeldingGescreend,
    AanmeldingNietOpgestart,
    AanmeldingOntvangen,
    AanmeldingOpgestart,
    InstemmingVastgelegd,
)
from jeugdhulp_common.contracts.vocabulary import AanmelderCategorie, Ondersteuningsvorm, RedenNietOpstart
from jeugdhulp_common.events import REGISTRY, Event, PrivacyClass, ce_headers, decode, encode_body

S = AanmeldingStatus

# Free text and references that must never leave the aggregate in an event.
GEHEIM = {
    "jongere_ref": "JREF-geheim-7781",
    "toelichting": "Toelichting-geheim: conflict thuis",
    "contactpersoon": "Contactpersoon-geheim Jan",
    "brus": "BRUS-geheim-1",
    "partner": "Partner-geheim vzw",
    "regisseur": "Regisseur-geheim-ACT",
    "advies": "Advies-geheim: passend voor DOP",
}


def _met_geheimen(bouwer, **velden) -> Aanmelding:
    gegevens = bouwer.gegevens(
        aanmelder=Aanmelder(
            organisatie="SDJ Brugge", categorie=AanmelderCategorie.SDJ, contactpersoon=GEHEIM["contactpersoon"]
        ),
        jongere_ref=GEHEIM["jongere_ref"],
        redenen_toelichting=GEHEIM["toelichting"],
        gezinssamenstelling=Gezinssamenstelling(brussen=(Brus(ref=GEHEIM["brus"]),)),
        betrokken_partners=(GEHEIM["partner"],),
        jeugdhulpregisseur=GEHEIM["regisseur"],
        **velden,
    )
    return Aanmelding.ontvangen(gegevens, intake=Intake(open=True), nu=bouwer.nu)


def _levensloop_opgestart(bouwer) -> tuple[Aanmelding, list[Event]]:
    a = _met_geheimen(bouwer)
    a.screenen(bouwer.regels, nu=bouwer.later(1))
    a.in_bespreking_nemen(nu=bouwer.later(2))
    a.opstart_beslissen(nu=bouwer.later(3))
    ouder = a.instemming_vastleggen(door=InstemmingDoor.OUDER, op=bouwer.later(4), scope={InstemmingScope.TRAJECT_OPSTART}, nu=bouwer.later(4))
    a.instemming_vastleggen(door=InstemmingDoor.JONGERE, op=bouwer.later(4), scope={InstemmingScope.TRAJECT_OPSTART}, nu=bouwer.later(4))
    a.opstarten(nu=bouwer.later(5))
    a.instemming_intrekken(ouder.instemming_id, op=bouwer.later(6), nu=bouwer.later(6))
    return a, a.neem_events()


def _levensloop_niet_opgestart(bouwer) -> tuple[Aanmelding, list[Event]]:
    a = _met_geheimen(bouwer)
    a.screenen(bouwer.regels, nu=bouwer.later(1))
    a.in_bespreking_nemen(nu=bouwer.later(2))
    a.niet_opstarten(
        reden=RedenNietOpstart.ANDER_AANBOD_PASSEND,
        alternatief_advies=AlternatiefAdvies(vorm=Ondersteuningsvorm.DOP, tekst=GEHEIM["advies"]),
        nu=bouwer.later(3),
    )
    return a, a.neem_events()


def test_opgestart_levensloop_events(bouwer) -> None:
    a, events = _levensloop_opgestart(bouwer)
    assert [type(e) for e in events] == [
        AanmeldingOntvangen,
        AanmeldingGescreend,
        InstemmingVastgelegd,
        InstemmingVastgelegd,
        AanmeldingOpgestart,
        InstemmingVastgelegd,
    ]
    assert [e.occurred_at for e in events] == [bouwer.nu, *(bouwer.later(m) for m in (1, 4, 4, 5, 6))]
    assert [e.ingetrokken for e in events if isinstance(e, InstemmingVastgelegd)] == [False, False, True]
    assert a.events == []  # drained


def test_niet_opgestart_levensloop_events(bouwer) -> None:
    a, events = _levensloop_niet_opgestart(bouwer)
    assert [type(e) for e in events] == [AanmeldingOntvangen, AanmeldingGescreend, AanmeldingNietOpgestart]
    niet_opgestart = events[-1]
    assert isinstance(niet_opgestart, AanmeldingNietOpgestart)
    assert niet_opgestart.alternatief_advies is Ondersteuningsvorm.DOP
    assert a.alternatief_advies is not None and a.alternatief_advies.tekst == GEHEIM["advies"]


@pytest.mark.parametrize("levensloop", [_levensloop_opgestart, _levensloop_niet_opgestart])
def test_key_is_aanmelding_id_en_topic_micro(levensloop, bouwer) -> None:
    a, events = levensloop(bouwer)
    for ev in events:
        assert ev.key == str(a.aanmelding_id)
        assert ev.topic == topics.AANMELDING_MICRO
        assert ce_headers(ev)["ce_subject"] == str(a.aanmelding_id)


@pytest.mark.parametrize("levensloop", [_levensloop_opgestart, _levensloop_niet_opgestart])
def test_geen_vrije_tekst_in_events(levensloop, bouwer) -> None:
    _, events = levensloop(bouwer)
    for ev in events:
        wire = encode_body(ev).decode() + repr(ce_headers(ev))
        for naam, geheim in GEHEIM.items():
            assert geheim not in wire, f"{naam} leaked into {type(ev).__name__}"


@pytest.mark.parametrize("levensloop", [_levensloop_opgestart, _levensloop_niet_opgestart])
def test_events_overleven_de_draad(levensloop, bouwer) -> None:
    _, events = levensloop(bouwer)
    for ev in events:
        assert decode(encode_body(ev), ce_headers(ev)) == ev


@pytest.mark.parametrize(
    ("cls", "privacy"),
    [
        (AanmeldingOntvangen, PrivacyClass.P),
        (AanmeldingGescreend, PrivacyClass.PS),
        (AanmeldingNietOpgestart, PrivacyClass.PS),
        (InstemmingVastgelegd, PrivacyClass.PS),
        (AanmeldingOpgestart, PrivacyClass.PS),
    ],
)
def test_privacyklasse_volgens_par_10(cls: type[Event], privacy: PrivacyClass) -> None:
    assert cls.privacy is privacy
    assert cls.key_field == "aanmelding_id"
    assert REGISTRY.get(cls.event_type, cls.schema_version) is cls


def test_herstellen_maakt_geen_events(bouwer) -> None:
    a = Aanmelding(
        aanmelding_id=uuid.uuid4(),
        ontvangen_op=bouwer.nu,
        gegevens=bouwer.gegevens(),
        status=S.IN_BESPREKING,
    )
    assert a.events == []


def test_neem_events_leegt_de_lijst(bouwer) -> None:
    a = bouwer.nieuw()
    eerste = a.neem_events()
    assert [type(e) for e in eerste] == [AanmeldingOntvangen]
    assert a.neem_events() == []
