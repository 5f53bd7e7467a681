"""The subscription use cases on the in-memory unit of work (tests/in_memory.py): what they store, audit and refuse.
Routes, lists and the delivery log (SQL) are covered by the middle tier (tests/middle/test_webhooks_api.py)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from in_memory import Opslag, in_memory

from jeugdhulp_common.auth import Principal, Toegangsrol
from jeugdhulp_common.contracts.aanmelding import AanmeldingGescreend, AanmeldingOntvangen
from jeugdhulp_common.domain import GelijktijdigGewijzigd, NietGevonden, OngeldigeInvoer, OngeldigeOvergang, Verboden
from jeugdhulp_common.unit_of_work import VasteKlok
from webhooks.domain.abonnement import Actie, Status
from webhooks.domain.policy import Profiel
from webhooks.service_layer import abonnementen as uc
from webhooks.service_layer.unit_of_work import WebhooksUnitOfWork

NU = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
URL = "https://93.184.216.34/hook"  # a public address literal: the SSRF guard passes without a DNS lookup
PARTNER = Principal(uuid.uuid4(), "ORG-W", frozenset({Toegangsrol.PARTNER}))
ANDERE = Principal(uuid.uuid4(), "ORG-X", frozenset({Toegangsrol.PARTNER}))
COORD = Principal(uuid.uuid4(), "ORG-REGIE", frozenset({Toegangsrol.COORDINATOR}))


def uow(opslag: Opslag, p: Principal = PARTNER, nu: dt.datetime = NU) -> WebhooksUnitOfWork:
    return in_memory(WebhooksUnitOfWork, opslag, principal=p, klok=VasteKlok(nu))  # type: ignore[return-value]


async def nieuw(opslag: Opslag, p: Principal = PARTNER, **extra) -> uuid.UUID:
    ab, _ = await uc.maak(uow(opslag, p), **{"url": URL, "event_types": [], "description": "", "organisatie": None, "profiel": None, "allowed": (), **extra})
    return ab.id


async def test_create_stores_the_subscription_with_its_secret_and_audits_it() -> None:
    opslag = Opslag()
    w = uow(opslag)
    ab, secret = await uc.maak(
        w, url=URL, event_types=[AanmeldingGescreend.event_type] * 2, description="d", organisatie=None, profiel=None, allowed=()
    )
    assert secret.startswith("whsec_") and w.gecommit == 1
    assert (ab.organisatie, ab.profiel, ab.status, ab.event_types) == ("ORG-W", Profiel.PARTNER, Status.ACTIVE, [AanmeldingGescreend.event_type])
    assert ab.created_at == ab.updated_at == NU
    [rij] = opslag.tabel("subscription").values()
    assert rij["version"] == 1 and rij["status"] == "ACTIVE" and rij["organisatie"] == "ORG-W" and rij["url"] == URL
    assert rij["document"]["geheimen"] == [{"secret": secret, "aangemaakt_op": NU.isoformat(), "verloopt_op": None}]
    assert [(a.actie, a.ids) for a in w.geaudit] == [(uc.AANMAKEN, (ab.id,))] and w.gepubliceerd == []
    again = await uc.lees(uow(opslag), ab.id)
    assert again.geldige_geheimen(NU) == [secret] and again.abonnee.event_types == {AanmeldingGescreend.event_type}


@pytest.mark.parametrize(
    ("extra", "veld"),
    [({"profiel": Profiel.ACT}, "profiel"), ({"organisatie": "Iemand anders"}, "organisatie")],
)
async def test_a_partner_subscribes_for_itself_with_the_partner_profile_only(extra: dict, veld: str) -> None:
    with pytest.raises(Verboden) as e:
        await nieuw(Opslag(), **extra)
    assert e.value.veld == veld


async def test_the_coordinator_creates_an_act_subscription_for_another_organisation() -> None:
    opslag = Opslag()
    sid = await nieuw(opslag, COORD, profiel=Profiel.ACT, organisatie="Regie", event_types=[AanmeldingOntvangen.event_type])
    ab = await uc.lees(uow(opslag, COORD), sid)
    assert (ab.organisatie, ab.profiel) == ("Regie", Profiel.ACT)


@pytest.mark.parametrize(
    ("extra", "veld"),
    [
        ({"event_types": [AanmeldingOntvangen.event_type]}, "eventTypes"),  # P-class: never to a partner
        ({"event_types": ["be.jeugdhulp.traject.SamenwerkingsoverlegGehouden"]}, "eventTypes"),
        ({"url": "https://10.0.0.1/hook"}, "url"),
        ({"url": "https://169.254.169.254/latest"}, "url"),
        ({"url": "ftp://93.184.216.34/x"}, "url"),
        ({"url": "http://93.184.216.34/x"}, "url"),  # plain http only to an allowed network
    ],
)
async def test_invalid_fields_are_refused_naming_the_field_and_nothing_is_stored(extra: dict, veld: str) -> None:
    opslag = Opslag()
    with pytest.raises(OngeldigeInvoer) as e:
        await nieuw(opslag, **extra)
    assert e.value.veld == veld and opslag.tabel("subscription") == {}


async def test_another_organisation_does_not_see_it_the_coordinator_does() -> None:
    opslag = Opslag()
    sid = await nieuw(opslag)
    with pytest.raises(NietGevonden):
        await uc.lees(uow(opslag, ANDERE), sid)
    for actie in Actie:
        with pytest.raises(NietGevonden):
            await uc.wissel(uow(opslag, ANDERE), sid, actie)
    with pytest.raises(NietGevonden):
        await uc.lees(uow(opslag), uuid.uuid4())
    assert (await uc.wissel(uow(opslag, COORD), sid, Actie.PAUZEER)).status is Status.PAUSED


async def test_pause_resume_and_a_disabled_subscription_cannot_be_paused() -> None:
    opslag = Opslag()
    sid = await nieuw(opslag)
    later = NU + dt.timedelta(hours=1)
    w = uow(opslag, nu=later)
    ab = await uc.wissel(w, sid, Actie.PAUZEER)
    assert ab.status is Status.PAUSED and ab.updated_at == later and [a.actie for a in w.geaudit] == ["PAUZEER"]
    assert (await uc.wissel(uow(opslag), sid, Actie.PAUZEER)).status is Status.PAUSED  # again: stays paused

    # The delivery worker disables it on a 410 (through the same unit of work).
    w = uow(opslag)
    async with w:
        (await w.abonnementen.get(sid)).schakel_uit("410 Gone from the receiver", later)
    with pytest.raises(OngeldigeOvergang) as e:
        await uc.wissel(uow(opslag), sid, Actie.PAUZEER)
    assert (e.value.toestand, e.value.actie) == ("DISABLED", "pause")
    ab = await uc.wissel(uow(opslag), sid, Actie.HERVAT)
    assert ab.status is Status.ACTIVE and ab.disabled_reason is None
    assert opslag.tabel("subscription")[sid]["status"] == "ACTIVE" and opslag.tabel("subscription")[sid]["version"] == 5


async def test_update_checks_types_and_url_and_keeps_what_is_not_given() -> None:
    opslag = Opslag()
    sid = await nieuw(opslag, description="oud")
    ab = await uc.wijzig(uow(opslag), sid, url=None, event_types=[AanmeldingGescreend.event_type], description=None, allowed=())
    assert ab.event_types == [AanmeldingGescreend.event_type] and ab.description == "oud" and ab.url == URL
    with pytest.raises(OngeldigeInvoer) as e:
        await uc.wijzig(uow(opslag), sid, url=None, event_types=[AanmeldingOntvangen.event_type], description="x", allowed=())
    assert e.value.veld == "eventTypes"
    assert (await uc.lees(uow(opslag), sid)).description == "oud"  # refused: nothing changed


async def test_rotation_keeps_the_old_secret_for_the_overlap_only() -> None:
    opslag = Opslag()
    ab, eerste = await uc.maak(uow(opslag), url=URL, event_types=[], description="", organisatie=None, profiel=None, allowed=())
    tweede, tot = await uc.roteer(uow(opslag), ab.id, dt.timedelta(hours=1))
    assert tot == NU + dt.timedelta(hours=1)
    ab = await uc.lees(uow(opslag), ab.id)
    assert ab.geldige_geheimen(NU) == [tweede, eerste]
    assert ab.geldige_geheimen(tot) == [tweede]
    # Without overlap the previous secrets stop signing at once; an expired one is forgotten.
    derde, _ = await uc.roteer(uow(opslag, nu=tot), ab.id, dt.timedelta(0))
    ab = await uc.lees(uow(opslag), ab.id)
    assert ab.geldige_geheimen(tot) == [derde] and [g.secret for g in ab.geheimen] == [tweede, derde]


async def test_a_concurrent_change_is_refused_by_the_version_check() -> None:
    opslag = Opslag()
    sid = await nieuw(opslag)
    eerste, tweede = uow(opslag), uow(opslag)
    with pytest.raises(GelijktijdigGewijzigd):
        async with eerste:
            a = await eerste.abonnementen.get(sid)
            async with tweede:
                (await tweede.abonnementen.get(sid)).pauzeer(NU)
            a.wijzig(url=None, event_types=None, description="x", nu=NU)
    assert eerste.gecommit == 0 and (await uc.lees(uow(opslag), sid)).description == ""


async def test_replay_window_must_not_be_empty() -> None:
    with pytest.raises(OngeldigeInvoer) as e:
        await uc.herhaal(uow(Opslag()), uuid.uuid4(), NU, NU)
    assert e.value.veld == "until"
