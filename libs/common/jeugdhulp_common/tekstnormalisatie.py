"""Normalise before detecting: the detector sees what a reader sees. Shared by signalering's de-identification gate
and by traject, which masks the names of a traject's role holders before they leave it (one normalisation, one
way of finding a known name).

* Unicode NFKC per character (full-width digits, ligatures, super-/subscript digits become plain);
* every format character (Unicode category ``Cf``: zero-width space/joiner/non-joiner, soft hyphen, BOM, the
  bidi embedding/override/isolate controls) is removed;
* look-alike letters of Cyrillic and Greek (``а`` U+0430 for ``a``, ``Ε`` U+0395 for ``E`` …) are folded to
  the Latin letter they imitate.

:func:`normaliseer` also returns, for every character of the normalised text, the position in the original
text it came from, so that a span found in the normalised text can be shown (masked) in the original.

Known names (:func:`naam_spans`, :func:`maskeer_namen`): every full name and every meaningful part of it (first
name alone, surname with its particles, each part of a double name; particles such as *van*, *de* alone are
ignored), matched case- and accent-insensitively as whole words (a possessive *'s* included), in the normalised
text: a name written with look-alike letters or zero-width characters is found as well.
Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# Cyrillic and Greek letters that look like Latin ones (the confusables a person can type or paste).
_HOMOGLIEFEN = str.maketrans(
    {
        # Cyrillic lower case
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
        "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l",
        "ԛ": "q", "ԝ": "w", "ь": "b",
        # Cyrillic upper case
        "А": "A", "В": "B", "Е": "E", "Ё": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
        "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ї": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "D", "Һ": "H", "Ӏ": "I",
        "Ԛ": "Q", "Ԝ": "W",
        # Greek
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
        "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ι": "i", "κ": "k", "ν": "v", "ρ": "p", "υ": "u",
        "α": "a", "ε": "e", "τ": "t", "χ": "x", "ϲ": "c", "ϳ": "j",
        # Latin look-alikes outside ASCII that NFKC keeps
        "ı": "i", "ℓ": "l", "ɡ": "g", "ɑ": "a",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Genormaliseerd:
    """The normalised text and, per character, its position in the original (plus one past the end)."""

    tekst: str
    posities: tuple[int, ...]

    def origineel(self, start: int, einde: int) -> tuple[int, int]:
        """The span of the original text that ``tekst[start:einde]`` came from."""
        if einde <= start:
            return self.posities[start], self.posities[start]
        return self.posities[start], self.posities[einde - 1] + 1


def normaliseer(tekst: str) -> Genormaliseerd:
    uit: list[str] = []
    posities: list[int] = []
    for i, ch in enumerate(tekst):
        if unicodedata.category(ch) == "Cf":
            continue
        for c in unicodedata.normalize("NFKC", ch).translate(_HOMOGLIEFEN):
            if unicodedata.category(c) == "Cf":
                continue
            uit.append(c)
            posities.append(i)
    posities.append(len(tekst))
    return Genormaliseerd("".join(uit), tuple(posities))


# --------------------------------------------------------------------------- known names

_TUSSENVOEGSELS = frozenset(
    {
        "van", "de", "der", "den", "het", "ten", "ter", "te", "t", "'t", "d", "la", "le", "les", "du", "di", "da",
        "del", "della", "des", "dos", "von", "zu", "vd", "v.d.", "el", "al", "op", "in", "uit", "aan", "y", "e",
    }
)  # fmt: skip
_APOSTROFS = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


def vouw(tekst: str) -> str:
    """Lower case without accents, one character per character (so positions stay valid)."""
    uit = []
    for ch in tekst.translate(_APOSTROFS):
        basis = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        uit.append((basis or ch).lower()[:1] or ch)
    return "".join(uit)


def naamvormen(namen: Iterable[str]) -> list[str]:
    """Folded forms to look for: each full name and each meaningful part of it (first name alone, …), longest first."""
    vormen: set[str] = set()
    for naam in namen:
        delen = vouw(normaliseer(naam).tekst).split()
        if not delen:
            continue
        if len(delen) > 1:
            vormen.add(" ".join(delen))
            vormen.add(" ".join(delen[1:]))  # the surname with its particles ("van den broeck")
        for deel in delen:
            for stuk in {deel, *deel.split("-")}:
                stuk = stuk.strip(".,;:()\"")
                if sum(c.isalpha() for c in stuk) >= 2 and stuk not in _TUSSENVOEGSELS:
                    vormen.add(stuk)
    vormen -= _TUSSENVOEGSELS
    return sorted(vormen, key=lambda v: (-len(v), v))


def naam_spans(genormaliseerd: str, namen: Iterable[str]) -> Iterator[tuple[int, int]]:
    """Spans of the known ``namen`` in a text that was normalised with :func:`normaliseer` (whole words, case- and
    accent-insensitive, a possessive *'s* included)."""
    vormen = naamvormen(namen)
    if not vormen:
        return
    alternatieven = "|".join(r"\s+".join(re.escape(d) for d in v.split(" ")) for v in vormen)
    rx = re.compile(rf"(?<!\w)(?:{alternatieven})(?:'?s)?(?!\w)")
    for m in rx.finditer(vouw(genormaliseerd)):
        yield m.span()


def maskeer_namen(tekst: str, namen: Iterable[str], *, masker: str = "[NAAM]") -> str:
    """``tekst`` with every known name in it (see :func:`naam_spans`, found in the normalised text) replaced by
    ``masker``. The rest of the text is left as written."""
    norm = normaliseer(tekst)
    spans = [norm.origineel(start, einde) for start, einde in naam_spans(norm.tekst, namen)]
    if not spans:
        return tekst
    uit, vorige = [], 0
    for start, einde in sorted(spans):
        if start < vorige:  # overlapping (cannot happen with one alternation, kept safe)
            continue
        uit += [tekst[vorige:start], masker]
        vorige = einde
    uit.append(tekst[vorige:])
    return "".join(uit)
