"""Round trip of an aanmelding through the one codec (jeugdhulp_common.codec), and the migration of the old stored
format (0005_i15a) into it."""

from __future__ import annotations

import importlib.util
import json
import uuid
from pathlib import Path

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
)
from jeugdhulp_common.codec import laad, naar_json
from jeugdhulp_common.contracts.vocabulary import AanmelderCategorie, BlokkadeStatus, Ondersteuningsvorm, RedenNietOpstart

S = AanmeldingStatus
D = InstemmingDoor


def _velden(a: Aanmelding) -> dict:
    return {k: v for k, v in vars(a).items() if k != "events"}


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
    doc = json.loads(json.dumps(naar_json(a)))  # really JSON-safe
    terug = laad(Aanmelding, doc)
    assert _velden(terug) == _velden(a)
    assert terug.events == []
    assert naar_json(terug) == doc


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
    doc = naar_json(a)
    assert doc["status"] == "NIET_OPGESTART"
    assert doc["reden_niet_opstart"] == "ANDER_AANBOD_PASSEND"
    assert doc["alternatief_advies"] == {"vorm": "DOP", "tekst": "passend voor DOP"}
    assert doc["mogelijk_dubbel_van"] == [str(eerste.aanmelding_id)]
    assert "events" not in doc and "version" not in doc
    assert _velden(laad(Aanmelding, doc)) == _velden(a)


def test_hersteld_aggregaat_werkt_verder(bouwer) -> None:
    a = bouwer.in_status(S.WACHT_OP_INSTEMMING, instemmingen=(D.JONGERE,))
    terug = laad(Aanmelding, naar_json(a))
    terug.opstarten(nu=bouwer.later(1))
    assert terug.status is S.OPGESTART
    assert [e.key for e in terug.events] == [str(a.aanmelding_id)]


# ---------------------------------------------------------------- migration 0005_i15a: the old stored format

MIGRATIE = Path(__file__).resolve().parents[3] / "services/aanmelding/migrations/versions/0005_i15a_codec_documents.py"
OUD_DOCUMENT = json.loads((Path(__file__).resolve().parents[2] / "fixtures/aanmelding_document_voor_i15.json").read_text())


def _migratie():
    spec = importlib.util.spec_from_file_location("migratie_0005_i15a", MIGRATIE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_een_document_in_het_oude_formaat_laadt_na_de_migratie() -> None:
    m = _migratie()
    nieuw = m._nieuw(OUD_DOCUMENT)
    a = laad(Aanmelding, nieuw)
    assert a.aanmelding_id == uuid.UUID(int=1) and a.status is S.OPGESTART and a.jongere_ref == "jref-1"
    assert a.gegevens.aanmelder == Aanmelder(organisatie="VOT", categorie=AanmelderCategorie.VOORZIENING, contactpersoon="Els")
    assert a.gegevens.gezinssamenstelling == Gezinssamenstelling(ouders=OudersSituatie.GESCHEIDEN, brussen=(Brus(ref="b1", leeftijd=9), Brus()))
    assert a.gegevens.labels == frozenset({Label.GES, Label.GES_PLUS}) and a.gegevens.verblijfssituatie is Verblijfssituatie.PLEEGZORG
    assert a.gegevens.blokkade_status_bij_aanmelding is BlokkadeStatus.GEBLOKKEERD
    assert a.screening is not None and a.screening.geslaagd and a.alternatief_advies == AlternatiefAdvies(vorm=Ondersteuningsvorm.DOP, tekst="t")
    assert [(i.instemming_id, i.door, i.actief) for i in a.instemmingen] == [(uuid.UUID(int=2), D.JONGERE, True)]
    assert a.heeft_instemming_jongere() and a.mogelijk_dubbel_van == (uuid.UUID(int=3),)
    # exactly what the codec writes, so a second run changes nothing; the downgrade gives the old document back
    assert naar_json(a) == nieuw and m._nieuw(nieuw) is nieuw
    assert m._oud(nieuw) == OUD_DOCUMENT
