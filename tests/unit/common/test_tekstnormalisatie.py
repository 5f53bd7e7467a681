"""The shared normalisation and known-name masking (jeugdhulp_common.tekstnormalisatie): what traject masks before
the samenwerkingsoverleg event leaves it, with the rule signalering's gate uses for known names."""

from __future__ import annotations

import pytest

from jeugdhulp_common.tekstnormalisatie import maskeer_namen, naam_spans, normaliseer

NAMEN = ["Piet Van den Broeck", "Éva Janssens-Maes"]


@pytest.mark.parametrize(
    ("tekst", "verwacht"),
    [
        ("Piet Van den Broeck belde.", "[NAAM] belde."),
        ("PIET belde, van den broeck niet.", "[NAAM] belde, [NAAM] niet."),  # a part alone, any case
        ("Volgens Eva en Maes.", "Volgens [NAAM] en [NAAM]."),  # accent-insensitive, each part of a double name
        ("Janssens-Maes' verslag en Piet's agenda.", "[NAAM]' verslag en [NAAM] agenda."),  # possessive 's included
        ("P\u0456\u200bet bleef; Pietje en Pieter niet.", "[NAAM] bleef; Pietje en Pieter niet."),  # look-alike, zero-width; whole words only
        ("Van de gemeente kwam niets.", "Van de gemeente kwam niets."),  # particles alone are no name
        ("Geen namen hier.", "Geen namen hier."),
    ],
)
def test_maskeer_namen(tekst: str, verwacht: str) -> None:
    assert maskeer_namen(tekst, NAMEN) == verwacht


def test_geen_namen_laat_de_tekst_zoals_hij_is() -> None:
    tekst = "Pi\u200bet"
    assert maskeer_namen(tekst, []) == tekst and list(naam_spans(normaliseer(tekst).tekst, [])) == []
