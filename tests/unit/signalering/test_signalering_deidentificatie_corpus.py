"""The de-identification gate on a corpus written for this project (``corpus/``): at least 150 identifying
Dutch/Flemish sentences covering every kind the gate must find, and at least 100 clean policy sentences.
The gate must refuse ≥ 97 % of the identifying ones and let ≥ 95 % of the clean ones through; the figures
(and every miss, by kind and line number, never by content) are printed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from signalering.domain.persoonsgegevens import detecteer

CORPUS = Path(__file__).resolve().parent / "corpus"
SOORTEN = {
    "NAAM", "NICKNAME", "INITIALEN", "LEEFTIJD", "LOCATIE", "ADRES", "INSTELLING", "DATUM", "TELEFOON", "EMAIL",
    "SOCIALE_MEDIA", "RIJKSREGISTERNUMMER", "IBAN", "NORMALISATIE",
}  # fmt: skip


def _regels(naam: str) -> list[tuple[int, str]]:
    uit = []
    for nr, regel in enumerate((CORPUS / naam).read_text(encoding="utf-8").splitlines(), 1):
        if regel.strip() and not regel.startswith("#"):
            uit.append((nr, regel))
    return uit


def test_corpus_identificerend_geweigerd_schoon_vrijgeefbaar(capsys) -> None:
    identificerend = [(nr, *regel.split(" | ", 1)) for nr, regel in _regels("identificerend.txt")]
    schoon = _regels("schoon.txt")
    assert len(identificerend) >= 150 and len(schoon) >= 100
    assert {soort for _, soort, _ in identificerend} == SOORTEN, "every kind is covered"

    gemist = [(nr, soort) for nr, soort, zin in identificerend if not detecteer(zin)]
    vals = [nr for nr, zin in schoon if detecteer(zin)]
    geweigerd = 1 - len(gemist) / len(identificerend)
    vrijgeefbaar = 1 - len(vals) / len(schoon)
    per_soort = Counter(soort for _, soort, _ in identificerend)
    with capsys.disabled():  # the figures are printed by every `make test` / `make unit`, not only with -s
        _druk(identificerend, schoon, gemist, vals, geweigerd, vrijgeefbaar, per_soort)
    assert geweigerd >= 0.97, gemist
    assert vrijgeefbaar >= 0.95, vals


def _druk(identificerend, schoon, gemist, vals, geweigerd, vrijgeefbaar, per_soort) -> None:
    print(
        f"\nde-identification corpus: {len(identificerend) - len(gemist)}/{len(identificerend)} identifying refused "
        f"({geweigerd:.1%}), {len(schoon) - len(vals)}/{len(schoon)} clean releasable ({vrijgeefbaar:.1%})"
    )
    print("  identifying sentences per kind:", dict(sorted(per_soort.items())))
    print("  missed (line, kind):", gemist, "| clean refused (line):", vals)
