"""Normalise before detecting: the detector sees what a reader sees.

* Unicode NFKC per character (full-width digits, ligatures, super-/subscript digits become plain);
* every format character (Unicode category ``Cf``: zero-width space/joiner/non-joiner, soft hyphen, BOM, the
  bidi embedding/override/isolate controls) is removed;
* look-alike letters of Cyrillic and Greek (``а`` U+0430 for ``a``, ``Ε`` U+0395 for ``E`` …) are folded to
  the Latin letter they imitate.

:func:`normaliseer` also returns, for every character of the normalised text, the position in the original
text it came from, so that a span found in the normalised text can be shown (masked) in the original.
Pure: no I/O.
"""

from __future__ import annotations

import unicodedata
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
