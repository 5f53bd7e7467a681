"""The theme catalogue (§6.1) and the 2024 forum fixture (§6.1, §8) validate through the domain model."""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid

import pytest
from jeugdhulp_common.contracts.signalering import (
    ActiepuntAangemaakt,
    DiscussietafelAfgerond,
    PrioriteringVastgesteld,
    ThemaStatusGewijzigd,
)
from jeugdhulp_common.contracts.vocabulary import ActiepuntAdresNiveau, Sector, ThemaStatus
from jeugdhulp_common.domain import RegelGeschonden
from jeugdhulp_common.events import PrivacyClass

from signalering.domain import TafelStatus, controleer_anoniem, scan_privacy, seed_themas
from signalering.domain.catalogus import (
    BACKLOG_THEMAS,
    CATALOGUS,
    CONTEXTBEGELEIDING,
    THEMAS_MET_LN_2024,
    TRAUMASENSITIEF_HANDELEN,
    VOORGESTELDE_THEMAS,
    catalogus_thema_id,
)
from signalering.domain.forum_2024 import FORUM_2024, ForumRij, voer_forum_2024_in, voer_forum_in

# --------------------------------------------------------------------------- catalogue


def test_catalogus_rijen() -> None:
    assert [r.naam for r in THEMAS_MET_LN_2024] == ["Contextbegeleiding / werken met-in de context", "Traumasensitief handelen"]
    assert CONTEXTBEGELEIDING.subthemas == (
        "Contextbegeleiding in gedeelde zorg",
        "De ideale contextbegeleider",
        "Op maat van jongere en gezin",
        "Nood aan gezinsaanpak",
        "Drempels",
    )
    assert TRAUMASENSITIEF_HANDELEN.subthemas == (
        "Begrip en nuance",
        "Impact plaatsing / psychische veiligheid",
        "Ruimte voor traumasensitief handelen",
        "Belang van vorming en preventie",
        "Intersectoraal samenwerken",
    )
    assert [r.naam for r in BACKLOG_THEMAS] == [
        "Coördinatie en continuïteit van zorg",
        "Daginvulling en impact van school",
        "Beeldvorming: diagnostiek, label",
        "Zorg op maat en op tijd",
    ]
    assert len(VOORGESTELDE_THEMAS) == 5
    assert {r.status for r in THEMAS_MET_LN_2024} == {ThemaStatus.LN_GEHOUDEN}
    assert {r.status for r in BACKLOG_THEMAS} == {ThemaStatus.BACKLOG}
    assert {r.status for r in VOORGESTELDE_THEMAS} == {ThemaStatus.GESIGNALEERD}


def test_catalogus_ids_stabiel_en_uniek() -> None:
    assert CONTEXTBEGELEIDING.thema_id == catalogus_thema_id("Contextbegeleiding / werken met-in de context")
    assert CONTEXTBEGELEIDING.thema_id == uuid.uuid5(uuid.UUID("0b6f8a3e-5d2c-4f7a-8e19-3c4d5e6f7a81"), CONTEXTBEGELEIDING.naam)
    assert len({r.thema_id for r in CATALOGUS}) == len(CATALOGUS) == 11


def test_seed_themas_zijn_herstelde_aggregaten_zonder_events() -> None:
    themas = seed_themas()
    assert [(t.thema_id, t.naam, t.status) for t in themas] == [(r.thema_id, r.naam, r.status) for r in CATALOGUS]
    assert all(t.events == [] and t.aantal_trajecten == 0 for t in themas)
    themas[0].subthemas.append("gewijzigd")
    assert "gewijzigd" not in CONTEXTBEGELEIDING.subthemas  # the catalogue row is not shared


# --------------------------------------------------------------------------- the 2024 forum, as data


def test_forumdata_is_json_en_volgens_de_seed() -> None:
    json.dumps(FORUM_2024)  # plain data
    assert FORUM_2024["datum"] == "2024-11-22"
    deelnemers = FORUM_2024["deelnemers"]
    assert len(deelnemers) == 33
    assert sum(d["aantal"] for d in deelnemers) == 57
    per_sector: dict[str, int] = {}
    for d in deelnemers:
        per_sector[d["sector"]] = per_sector.get(d["sector"], 0) + d["aantal"]
    assert per_sector == {"BJB": 16, "VAPH": 10, "RTH": 12, "NRTH": 1, "GGZ": 3, "ELZ": 5, "GEEN": 10}
    assert [(t["thema"], t["aantal_tafels"]) for t in FORUM_2024["themas"]] == [
        (CONTEXTBEGELEIDING.naam, 2),  # §8 forum_2024_11_22_discussietafels
        (TRAUMASENSITIEF_HANDELEN.naam, 3),
    ]


def test_elke_prioritering_telt_op_tot_100_over_de_subthemas_van_de_catalogus() -> None:
    verwacht = {
        CONTEXTBEGELEIDING.naam: [8, 8, 28, 25, 31],
        TRAUMASENSITIEF_HANDELEN.naam: [3, 23, 27, 19, 28],
    }
    catalogus = {r.naam: r for r in THEMAS_MET_LN_2024}
    for rij in FORUM_2024["themas"]:
        assert sum(rij["prioritering"].values()) == 100
        assert tuple(rij["prioritering"]) == catalogus[rij["thema"]].subthemas
        assert list(rij["prioritering"].values()) == verwacht[rij["thema"]]


def test_voorbeeld_actiepunten_van_paragraaf_6_1_zitten_erin() -> None:
    teksten = {a["tekst"] for t in FORUM_2024["themas"] for a in t["actiepunten"]}
    assert {
        "Weg van “ticket-denken”",
        "Eén structuur die VAPH en opgroeien onderbrengt.",
        "Contextbegeleider naast verblijf evident maken",
        "Trauma-scan?",
        "Moeten we naar een coachende overheid?",
    } <= teksten
    niveaus = {a["adres_niveau"] for t in FORUM_2024["themas"] for a in t["actiepunten"]}
    assert niveaus == {n.value for n in ActiepuntAdresNiveau}


def test_forumdata_bevat_geen_persoonsgegevens() -> None:
    assert scan_privacy(FORUM_2024) == []


# --------------------------------------------------------------------------- the 2024 forum, entered


NU = dt.datetime(2024, 11, 22, 17, 0, tzinfo=dt.UTC)


def test_forum_2024_invoeren() -> None:
    ingevoerd = voer_forum_2024_in(nu=NU)
    forum = ingevoerd.forum
    assert (forum.datum, forum.aantal_organisaties, forum.aantal_personen) == (dt.date(2024, 11, 22), 33, 57)
    assert forum.personen_per_sector()[Sector.BJB] == 16
    assert len(ingevoerd.tafels) == 5 and forum.tafel_ids == [t.tafel_id for t in ingevoerd.tafels]
    assert {t.naam: t.status for t in ingevoerd.themas.values()} == {
        CONTEXTBEGELEIDING.naam: ThemaStatus.OP_FORUM,
        TRAUMASENSITIEF_HANDELEN.naam: ThemaStatus.OP_FORUM,
    }
    per_thema: dict[uuid.UUID, int] = {}
    for tafel in ingevoerd.tafels:
        per_thema[tafel.thema_id] = per_thema.get(tafel.thema_id, 0) + 1
        assert tafel.status == TafelStatus.AFGEROND
        assert len(tafel.bevindingen) == 5  # one per subtheme
    assert per_thema == {CONTEXTBEGELEIDING.thema_id: 2, TRAUMASENSITIEF_HANDELEN.thema_id: 3}

    prioriteringen = [t.prioritering for t in ingevoerd.tafels if t.prioritering is not None]
    assert len(prioriteringen) == 2
    assert all(sum(p.values()) == 100 for p in prioriteringen)
    assert [t.doelstelling is not None for t in ingevoerd.tafels] == [False, False, True, False, False]
    assert len(ingevoerd.actiepunten) == 9
    assert all(ap.aangemaakt_op == dt.date(2024, 11, 22) for ap in ingevoerd.actiepunten)


def test_forum_2024_events() -> None:
    events = voer_forum_2024_in(nu=NU).events()
    soorten = [type(e) for e in events]
    assert soorten.count(ThemaStatusGewijzigd) == 2
    assert soorten.count(PrioriteringVastgesteld) == 2
    assert soorten.count(DiscussietafelAfgerond) == 5
    assert soorten.count(ActiepuntAangemaakt) == 9
    assert len(events) == 18
    for ev in events:
        assert ev.privacy == PrivacyClass.A
        controleer_anoniem(ev)
    afgerond = [e for e in events if isinstance(e, DiscussietafelAfgerond)]
    assert sum(len(e.actiepunt_ids) for e in afgerond) == 9


def test_forum_2024_invoeren_is_deterministisch() -> None:
    a, b = voer_forum_2024_in(nu=NU), voer_forum_2024_in(nu=NU)
    assert a.forum.forum_id == b.forum.forum_id
    assert [t.tafel_id for t in a.tafels] == [t.tafel_id for t in b.tafels]
    assert [ap.actiepunt_id for ap in a.actiepunten] == [ap.actiepunt_id for ap in b.actiepunten]


@pytest.mark.parametrize("totaal", [99, 101])
def test_gewijzigde_fixture_met_prioritering_van_99_of_101_wordt_geweigerd(totaal: int) -> None:
    data: ForumRij = copy.deepcopy(FORUM_2024)
    data["themas"][1]["prioritering"]["Begrip en nuance"] += totaal - 100
    with pytest.raises(RegelGeschonden) as fout:
        voer_forum_in(data, nu=NU)
    assert fout.value.veld == "prioritering"


def test_gewijzigde_fixture_met_vreemd_subthema_wordt_geweigerd() -> None:
    data: ForumRij = copy.deepcopy(FORUM_2024)
    data["themas"][0]["actiepunten"][0]["bevinding"] = "Bestaat niet"
    with pytest.raises(RegelGeschonden) as fout:
        voer_forum_in(data, nu=NU)
    assert fout.value.veld == "bevinding"
