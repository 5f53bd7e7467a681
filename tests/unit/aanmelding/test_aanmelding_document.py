"""Round trip of an aanmelding through its stored JSON document (for the storage adapter)."""

from __future__ import annotations

import json

import pytest

from aanmelding.domain import (
    Aanmelder,
    Aanmelding,
    AanmeldingStatus,
    AlternatiefAdvies,
    Brus,
    Gezinssamenstelling,
    InstemmingDoor,
    Intake,
    Label,
    OudersSituatie,
    Verblijfssituatie,
    naar_document,
    uit_document,
)
from jeugdhulp_common.contracts.vocabulary import AanmelderCategorie, BlokkadeStatus, Ondersteuningsvorm, RedenNietOpstart

S = AanmeldingStatus
D = InstemmingDoor


def _velden(a: Aanmelding) -> dict:
    return {k: v for k, v in vars(a).items() if k not in ("events", "version")}


VOLLEDIG = dict(
    aanmelder=Aanmelder(organisatie="VOT", categorie=AanmelderCategorie.VOORZIENING, contactpersoon="Els"),
    redenen_toelichting="toelichting",
    blokkade_status_bij_aanmelding=BlokkadeStatus.GEBLOKKEERD,
    gezinssamenstelling=Gezinssamenstelling(ouders=OudersSituatie.GESCHEIDEN, brussen=(Brus(ref="b1", leeftijd=9), Brus())),
    verblijfssituatie=Verblijfssituatie.PLEEGZORG,
    labels=frozenset({Label.GES, Label.GES_PLUS}),
    betrokken_partners=("CLB Trikant", "OOOC De Luwte"),
    jeugdhulpregisseur="act-1",
)


@pytest.mark.parametrize(
    "opbouw",
    [
        {"status": S.ONTVANGEN},
        {"status": S.GESCREEND, "screening_ok": False},
        {"status": S.WACHT_OP_INSTEMMING, "instemmingen": (D.JONGERE, D.OUDER)},
        {"status": S.OPGESTART, "instemmingen": (D.JONGERE,), **VOLLEDIG},
        {"status": S.NIET_OPGESTART, **VOLLEDIG},
    ],
    ids=lambda o: o["status"].value,
)
def test_heen_en_terug(opbouw: dict, bouwer) -> None:
    a = bouwer.in_status(**opbouw)
    if a.instemmingen:
        a.instemming_intrekken(a.instemmingen[-1].instemming_id, op=bouwer.nu, nu=bouwer.nu)
        a.neem_events()
    doc = json.loads(json.dumps(naar_document(a)))  # really JSON-safe
    terug = uit_document(doc, version=3)
    assert _velden(terug) == _velden(a)
    assert terug.version == 3
    assert terug.events == []
    assert naar_document(terug) == doc


def test_document_met_advies_en_dubbel(bouwer) -> None:
    eerste = bouwer.nieuw()
    a = Aanmelding.ontvangen(bouwer.gegevens(), intake=Intake(open=True), nu=bouwer.nu, bestaande=[eerste])
    a.screenen(bouwer.regels, nu=bouwer.nu)
    a.in_bespreking_nemen(nu=bouwer.nu)
    a.niet_opstarten(
        reden=RedenNietOpstart.ANDER_AANBOD_PASSEND,
        alternatief_advies=AlternatiefAdvies(vorm=Ondersteuningsvorm.DOP, tekst="passend voor DOP"),
        nu=bouwer.nu,
    )
    doc = naar_document(a)
    assert doc["status"] == "NIET_OPGESTART"
    assert doc["redenNietOpstart"] == "ANDER_AANBOD_PASSEND"
    assert doc["alternatiefAdvies"] == {"vorm": "DOP", "tekst": "passend voor DOP"}
    assert doc["mogelijkDubbelVan"] == [str(eerste.aanmelding_id)]
    assert _velden(uit_document(doc, version=1)) == _velden(a)


def test_hersteld_aggregaat_werkt_verder(bouwer) -> None:
    a = bouwer.in_status(S.WACHT_OP_INSTEMMING, instemmingen=(D.JONGERE,))
    terug = uit_document(naar_document(a), version=2)
    terug.opstarten(nu=bouwer.later(1))
    assert terug.status is S.OPGESTART
    assert [e.key for e in terug.events] == [str(a.aanmelding_id)]
