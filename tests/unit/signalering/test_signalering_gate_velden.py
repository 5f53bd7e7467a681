"""The same de-identification gate on every free text that crosses to meso or macro, field by field: thema
names, actiepunten, beleidsaanbevelingen (and, in the lerend-netwerk and forum tests, session content and
bevindingen). Refused naming the field, never echoing the data; clean policy text passes."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from jeugdhulp_common.contracts.vocabulary import ActiepuntAdresNiveau, AanbevelingNiveau
from jeugdhulp_common.domain import RegelGeschonden

from signalering.domain import Actiepunt, Beleidsaanbeveling, Thema
from signalering.domain._basis import geen_persoonsgegevens

NU = dt.datetime(2024, 11, 22, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "tekst",
    ["Wachtlijst Lotte Vermeulen", "Jongeren uit Poperinge", "Bel 0470 12 34 56", "Casus J.D. (15)", "insta: lotje_2009"],
)
def test_themanaam_met_persoonsgegevens_geweigerd(tekst: str) -> None:
    with pytest.raises(RegelGeschonden) as fout:
        Thema.nieuw(uuid.uuid4(), tekst, nu=NU)
    assert fout.value.veld == "naam" and tekst not in fout.value.message


def test_subthema_met_naam_geweigerd_schone_naam_aanvaard() -> None:
    with pytest.raises(RegelGeschonden) as fout:
        Thema.nieuw(uuid.uuid4(), "Wachtlijsten", nu=NU, subthemas=["Crisisopvang", "Het geval van Emma Maes"])
    assert fout.value.veld == "naam"
    assert Thema.nieuw(uuid.uuid4(), "Wachtlijsten residentiële zorg", nu=NU, subthemas=["Crisisopvang"]).naam


def test_actiepunt_tekst_gegateerd_eigenaar_organisatie() -> None:
    def maak(tekst: str, eigenaar: str = "Stuurgroep") -> Actiepunt:
        return Actiepunt.nieuw(
            uuid.uuid4(), tafel_id=uuid.uuid4(), bevinding_id=uuid.uuid4(), tekst=tekst,
            adres_niveau=ActiepuntAdresNiveau.NETWERKEN, eigenaar=eigenaar, aangemaakt_op=NU.date(), nu=NU,
        )  # fmt: skip

    with pytest.raises(RegelGeschonden) as fout:
        maak("Zoek een plaats voor Jens Declercq uit Veurne")
    assert fout.value.veld == "tekst"
    assert maak("De CLB's informeren de scholen over de aanmeldingsprocedure.", eigenaar="Pleegzorg West-Vlaanderen")
    with pytest.raises(RegelGeschonden) as fout:
        maak("Een vast aanspreekpunt", eigenaar="mail jan@x.be")
    assert fout.value.veld == "eigenaar"


@pytest.mark.parametrize("veld", ["tekst", "randvoorwaarden", "drempels"])
def test_beleidsaanbeveling_elk_veld_gegateerd(veld: str) -> None:
    velden = {"tekst": "Voorzie een flexibel budget.", "randvoorwaarden": ["Middelen"], "drempels": ["Regelgeving"]}
    velden[veld] = "Zoals bij de 14-jarige uit Diksmuide" if veld == "tekst" else ["Zoals bij Wout Pattyn"]
    with pytest.raises(RegelGeschonden) as fout:
        Beleidsaanbeveling.formuleer(uuid.uuid4(), niveau=AanbevelingNiveau.BELEIDSMAKERS, themas=[], jaar=2024, nu=NU, **velden)
    assert fout.value.veld == veld


def test_gate_noemt_soorten_nooit_de_data() -> None:
    with pytest.raises(RegelGeschonden) as fout:
        geen_persoonsgegevens("stellingen", "Lotte Vermeulen (14) woont in de Kerkstraat 12.")
    assert "Lotte" not in fout.value.message and "Kerkstraat" not in fout.value.message
    assert "name" in fout.value.message and "address" in fout.value.message
    geen_persoonsgegevens("stellingen", "Het landschap is helder.", "Wachttijden zijn te lang.")
