"""Bijlage 4 as data and the validation/derivation of answers (domain guide §7)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jeugdhulp_common.contracts.traject import KandidaatSignaal
from jeugdhulp_common.contracts.vocabulary import BlokkadeStatus, SignaalSoort
from jeugdhulp_common.domain import OngeldigeInvoer
from traject.domain import (
    BIJLAGE_4,
    VRAGEN,
    AntwoordType,
    Beweging,
    Sectie,
    TrajectStatus,
    Uitvoer,
    VraagAntwoord,
    kandidaat_signalen,
    thema_voorstellen,
    valideer_antwoorden,
)

SO = SignaalSoort
EINDE = VRAGEN[Sectie.EINDE]
GIDS = Path(__file__).resolve().parents[3] / "docs" / "domain.md"


def test_question_ids_in_form_order() -> None:
    assert [v.id for top in BIJLAGE_4[Sectie.START] for v in top.doorloop()] == ["S1", "S2", "S3", "S4", "S5"]
    assert [v.id for top in BIJLAGE_4[Sectie.EINDE] for v in top.doorloop()] == [
        "E1", "E2", "E3", "E4",
        "E5", "E5a", "E5b", "E5b1", "E5b2", "E5b3", "E5b4", "E5c", "E5d", "E5e", "E5f",
        "E6", "E6a", "E6b", "E6c", "E6d", "E6d1", "E6d2", "E6d3",
        "E7", "E7a", "E7b",
    ]  # fmt: skip


def test_mappings_of_section_7() -> None:
    assert EINDE["E5a"].signaal == (SO.GOEDE_PRAKTIJK, SO.DREMPEL)
    assert EINDE["E5c"].signaal == (SO.KNELPUNT,)
    assert EINDE["E5d"].signaal == (SO.GROEIMOGELIJKHEID,)
    assert EINDE["E5e"].signaal == (SO.GOEDE_PRAKTIJK,)
    assert EINDE["E5f"].feedback is Beweging.UIT
    assert EINDE["E6d3"].feeds is TrajectStatus.AFGEROND
    assert EINDE["E7a"].output is Uitvoer.THEMA_IDS
    assert EINDE["E7b"].output is Uitvoer.SIGNAAL_BRIEF_NAAR_BRUSSEL
    assert {i for i, v in EINDE.items() if v.type is AntwoordType.BLOKKADE_STATUS} == {"E3", "E4"}
    assert VRAGEN[Sectie.START]["S1"].type is AntwoordType.ROLLEN
    assert VRAGEN[Sectie.START]["S5"].type is AntwoordType.AFSPRAKEN


def test_default_and_allowed_signal_soorten() -> None:
    standaard = {i: v.standaard_soort for i, v in EINDE.items() if v.standaard_soort}
    assert standaard == {
        "E5a": SO.DREMPEL,
        "E5c": SO.KNELPUNT,
        "E5d": SO.GROEIMOGELIJKHEID,
        "E5e": SO.GOEDE_PRAKTIJK,
        "E7b": SO.BRIEF_NAAR_BRUSSEL,
    }


def test_verbatim_texts() -> None:
    assert EINDE["E7b"].nl == "Wat als we een brief naar Brussel zouden schrijven, wat zou hierin staan?"
    assert EINDE["E5b2"].nl == "Relationele continuïteit?"
    assert EINDE["E7a"].nl == "Welke thema’s nemen wij zeker mee naar ons lerend netwerk?"


def test_texts_match_the_domain_guide() -> None:
    """docs/domain.md §7 lists the questions verbatim (with the seed's curly apostrophes): the same as here."""
    tekst = GIDS.read_text(encoding="utf-8")
    blok = tekst[tekst.index('<a id="s7"></a>') : tekst.index('<a id="s8"></a>')]
    uit_gids = dict(re.findall(r"^\| ([SE]\d\w*) \| (.+?) \| ", blok, re.M))
    ons = {i: v.nl for s in Sectie for i, v in VRAGEN[s].items()}
    assert uit_gids == ons


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("antwoorden", "veld"),
    [
        ([VraagAntwoord("E9", "?")], "antwoorden[0].vraagId"),
        ([VraagAntwoord("S1", "start")], "antwoorden[0].vraagId"),
        ([VraagAntwoord("E1", "ok"), VraagAntwoord("E3", "geblokkeerd")], "antwoorden[1].blokkadeStatus"),
        ([VraagAntwoord("E4", blokkade_status="GEBLOKKEERD")], "antwoorden[0].blokkadeStatus"),  # type: ignore[arg-type]
        ([VraagAntwoord("E2", "x", blokkade_status=BlokkadeStatus.GEBLOKKEERD)], "antwoorden[0].blokkadeStatus"),
        ([VraagAntwoord("E5c")], "antwoorden[0].tekst"),
        ([VraagAntwoord("E5c", "  ")], "antwoorden[0].tekst"),
        ([VraagAntwoord("E5c", "x", soort=SO.GOEDE_PRAKTIJK)], "antwoorden[0].soort"),
        ([VraagAntwoord("E5a", "x", soort=SO.KNELPUNT)], "antwoorden[0].soort"),
        ([VraagAntwoord("E1", "x", soort=SO.DREMPEL)], "antwoorden[0].soort"),
        (
            [
                VraagAntwoord("E4", blokkade_status=BlokkadeStatus.GEBLOKKEERD),
                VraagAntwoord("E4", blokkade_status=BlokkadeStatus.NIET_GEBLOKKEERD),
            ],
            "antwoorden[1].vraagId",
        ),
    ],
)
def test_invalid_einde_answers(antwoorden: list[VraagAntwoord], veld: str) -> None:
    with pytest.raises(OngeldigeInvoer) as e:
        valideer_antwoorden(Sectie.EINDE, antwoorden)
    assert e.value.veld == veld


def test_valid_einde_answers() -> None:
    valideer_antwoorden(
        Sectie.EINDE,
        [
            VraagAntwoord("E3", blokkade_status=BlokkadeStatus.GEBLOKKEERD),
            VraagAntwoord("E4", "nog fragiel", blokkade_status=BlokkadeStatus.DREIGEND_TE_BLOKKEREN),
            VraagAntwoord("E5a", "wachtlijst", soort=SO.DREMPEL),
            VraagAntwoord("E5a", "wekelijkse ronde tafel", soort=SO.GOEDE_PRAKTIJK),
            VraagAntwoord("E5a", "nog een drempel"),
            VraagAntwoord("E5", "vertrouwen"),
        ],
    )


# --------------------------------------------------------------------------- derivation


ALLE = [
    VraagAntwoord("E1", "kennismaking"),
    VraagAntwoord("E3", blokkade_status=BlokkadeStatus.GEBLOKKEERD),
    VraagAntwoord("E5a", "niemand wou de zorg opnemen"),
    VraagAntwoord("E5a", "duo contextbegeleiding werkte", soort=SO.GOEDE_PRAKTIJK),
    VraagAntwoord("E5b1", "samenwerking over sectoren"),
    VraagAntwoord("E5c", "GES+ label sloot leefgroepen af"),
    VraagAntwoord("E5d", "een neutrale contextbegeleider"),
    VraagAntwoord("E5e", "jeugdhulpregisseur van bij de start"),
    VraagAntwoord("E5f", "terug naar eigen team"),
    VraagAntwoord("E6d3", "planmaker belt na een maand"),
    VraagAntwoord("E7a", "Traumasensitief handelen"),
    VraagAntwoord("E7a", "Daginvulling en impact van school"),
    VraagAntwoord("E7b", "Weg van ticket-denken"),
]


def test_kandidaat_signalen_per_question() -> None:
    assert kandidaat_signalen(ALLE) == [
        KandidaatSignaal(vraag_id="E5a", soort=SO.DREMPEL, tekst="niemand wou de zorg opnemen"),
        KandidaatSignaal(vraag_id="E5a", soort=SO.GOEDE_PRAKTIJK, tekst="duo contextbegeleiding werkte"),
        KandidaatSignaal(vraag_id="E5c", soort=SO.KNELPUNT, tekst="GES+ label sloot leefgroepen af"),
        KandidaatSignaal(vraag_id="E5d", soort=SO.GROEIMOGELIJKHEID, tekst="een neutrale contextbegeleider"),
        KandidaatSignaal(vraag_id="E5e", soort=SO.GOEDE_PRAKTIJK, tekst="jeugdhulpregisseur van bij de start"),
        KandidaatSignaal(vraag_id="E7b", soort=SO.BRIEF_NAAR_BRUSSEL, tekst="Weg van ticket-denken"),
    ]


def test_e7a_gives_thema_voorstellen() -> None:
    assert thema_voorstellen(ALLE) == ["Traumasensitief handelen", "Daginvulling en impact van school"]
