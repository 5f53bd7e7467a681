"""Detector of personal data in free text: the de-identification gate of §9 rule 2.

"Micro → meso crossing requires de-identification and human release": a person edits the text, and this
detector refuses the release while it can still find, in the text,

* ``NAAM`` — a name of a person of the traject (case- and accent-insensitive, whole words; the full name and
  every part of it alone, e.g. the first name; name particles such as *van*, *de*, *der* alone are ignored);
* ``DATUM`` — any exact date: ``12/03/2010``, ``1-2-10``, ``12.03.2010``, ``2010-03-12``, ``12 maart 2010``,
  ``12 mrt.``, ``3de juni`` (a day and a month name identify a birthday even without a year), and a day/month
  without year (``12/3``) when it is the birthday of a person of the traject;
* ``TELEFOONNUMMER`` — Belgian numbers: ``+32 470 12 34 56``, ``0032 50 12 34 56``, ``+32 (0)470…``,
  ``0470 12 34 56``, ``0470/12.34.56``, ``050 12 34 56``, ``02/123 45 67``, ``(050) 12 34 56``;
* ``EMAILADRES``;
* ``RIJKSREGISTERNUMMER`` — ``YY.MM.DD-XXX.CC`` (always flagged: the format alone is an identifier), and 11 digits
  with or without other separators when the mod-97 check digits hold (born before or after 2000);
* ``LEEFTIJD_MET_REGIO`` — an exact age (``14 jaar``, ``14-jarige``, ``14j``, ``veertienjarige``) in a text that also
  names an eerstelijnszone of the region (§4.9, e.g. *Westhoek*, *Houtland & Polder*, *RITS*): with 18 trajecten
  age × region can identify a child (§9 rule 4). A duration ("sinds 3 jaar", "2 jaar lang") is not an age.

Counts, years and amounts ("3 maanden", "2024", "25 000 euro", "10 jongeren") are not personal data.

A :class:`Vondst` holds the kind and the position only, never the text found: callers may log it and must name
only the *kind* in messages. The rules are heuristics (INFERRED); they do not replace the human release.
Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from jeugdhulp_common.contracts.traject import IdentificerendeGegevens


class PersoonsgegevenSoort(StrEnum):
    """The kinds of personal data the detector finds (in reporting order)."""

    NAAM = "NAAM"
    DATUM = "DATUM"
    TELEFOONNUMMER = "TELEFOONNUMMER"
    EMAILADRES = "EMAILADRES"
    RIJKSREGISTERNUMMER = "RIJKSREGISTERNUMMER"
    LEEFTIJD_MET_REGIO = "LEEFTIJD_MET_REGIO"


_OMSCHRIJVING = {
    PersoonsgegevenSoort.NAAM: "a name of a person of the traject",
    PersoonsgegevenSoort.DATUM: "an exact date",
    PersoonsgegevenSoort.TELEFOONNUMMER: "a phone number",
    PersoonsgegevenSoort.EMAILADRES: "an e-mail address",
    PersoonsgegevenSoort.RIJKSREGISTERNUMMER: "a national register number (rijksregisternummer)",
    PersoonsgegevenSoort.LEEFTIJD_MET_REGIO: "an exact age together with a region",
}


def omschrijving(soort: PersoonsgegevenSoort) -> str:
    """A human description of a kind, safe for error messages (it never contains the data)."""
    return _OMSCHRIJVING[soort]


@dataclass(frozen=True)
class Vondst:
    """One finding: its kind and its position ``tekst[start:einde]``. Deliberately holds no text."""

    soort: PersoonsgegevenSoort
    start: int
    einde: int


@dataclass(frozen=True)
class DetectieContext:
    """What the detector knows about the persons of one traject (from ``IdentificerendeGegevens``)."""

    namen: tuple[str, ...] = ()
    geboortedata: tuple[dt.date, ...] = ()

    @classmethod
    def uit_identificerend(cls, gegevens: IdentificerendeGegevens | None) -> DetectieContext:
        if gegevens is None:
            return cls()
        return cls(namen=tuple(gegevens.namen), geboortedata=tuple(gegevens.geboortedata))


def detecteer(tekst: str, context: DetectieContext | None = None) -> list[Vondst]:
    """All personal data found in ``tekst``, ordered by position. Overlapping findings are reported once,
    by the most specific detector (e-mail, rijksregisternummer, date, phone, name, age)."""
    context = context or DetectieContext()
    gevonden: list[Vondst] = []
    for soort, zoek in _DETECTOREN:
        for start, einde in zoek(tekst, context):
            if not any(start < v.einde and v.start < einde for v in gevonden):
                gevonden.append(Vondst(soort, start, einde))
    return sorted(gevonden, key=lambda v: (v.start, v.einde))


def soorten(vondsten: Iterable[Vondst]) -> tuple[PersoonsgegevenSoort, ...]:
    """The distinct kinds of some findings, in the fixed order of :class:`PersoonsgegevenSoort`."""
    aanwezig = {v.soort for v in vondsten}
    return tuple(s for s in PersoonsgegevenSoort if s in aanwezig)


def is_geldig_rijksregisternummer(nummer: str) -> bool:
    """Check the mod-97 check digits of a Belgian national register number (separators ignored).

    Check = 97 − (first 9 digits mod 97); for persons born from 2000 on the number is prefixed with a 2 first.
    """
    cijfers = re.sub(r"\D", "", nummer)
    if len(cijfers) != 11:
        return False
    basis, controle = int(cijfers[:9]), int(cijfers[9:])
    return controle in (97 - basis % 97, 97 - (2_000_000_000 + basis) % 97)


# --------------------------------------------------------------------------- building blocks

_S = r"[ \t\u00a0]"  # one horizontal space
_SEP = rf"(?:{_S}?[./-]{_S}?|{_S})?"  # an optional separator between digits
_NA_GETAL = r"(?!\w|[./-]\d)"  # not followed by a word character or by a separator and a digit

Zoeker = Callable[[str, DetectieContext], Iterator[tuple[int, int]]]


def _regex(patroon: str, flags: int = 0, geldig: Callable[[re.Match[str]], bool] | None = None) -> Zoeker:
    rx = re.compile(patroon, flags)

    def zoek(tekst: str, _context: DetectieContext) -> Iterator[tuple[int, int]]:
        for m in rx.finditer(tekst):
            if geldig is None or geldig(m):
                yield m.span()

    return zoek


def _alle(*zoekers: Zoeker) -> Zoeker:
    def zoek(tekst: str, context: DetectieContext) -> Iterator[tuple[int, int]]:
        for z in zoekers:
            yield from z(tekst, context)

    return zoek


# --------------------------------------------------------------------------- e-mail

_EMAIL = _regex(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")

# --------------------------------------------------------------------------- rijksregisternummer

_RRN = _alle(
    _regex(r"(?<![\w.])\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}" + _NA_GETAL),
    _regex(
        rf"(?<![\w.])\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{2}}" + _NA_GETAL,
        geldig=lambda m: is_geldig_rijksregisternummer(m.group()),
    ),
)

# --------------------------------------------------------------------------- dates

_MAANDEN = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "febr": 2, "maart": 3, "mrt": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_MAAND_ALT = "|".join(sorted(_MAANDEN, key=len, reverse=True))


def _bestaat(jaar: int, maand: int, dag: int) -> bool:
    try:
        dt.date(jaar, maand, dag)
    except ValueError:
        return False
    return True


def _jaren(jaar: str) -> tuple[int, ...]:
    return (int(jaar),) if len(jaar) == 4 else (1900 + int(jaar), 2000 + int(jaar))


def _dmj_geldig(m: re.Match[str]) -> bool:
    return any(_bestaat(j, int(m["m"]), int(m["d"])) for j in _jaren(m["j"]))


def _jmd_geldig(m: re.Match[str]) -> bool:
    return _bestaat(int(m["j"]), int(m["m"]), int(m["d"]))


def _tekstdatum_geldig(m: re.Match[str]) -> bool:
    maand = _MAANDEN[m["maand"].lower()]
    return _bestaat(int(m["j"]) if m["j"] else 2000, maand, int(m["d"]))  # 2000: leap year, 29 feb exists


def _verjaardag(tekst: str, context: DetectieContext) -> Iterator[tuple[int, int]]:
    """``12/3`` or ``12-03`` without a year: only when it is a birthday of a person of the traject."""
    dagen = {(d.day, d.month) for d in context.geboortedata}
    if not dagen:
        return
    for m in _DAG_MAAND.finditer(tekst):
        if (int(m["d"]), int(m["m"])) in dagen:
            yield m.span()


_DAG_MAAND = re.compile(r"(?<![\w/.-])(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})" + _NA_GETAL)

_DATUM = _alle(
    _regex(r"(?<![\w/.-])(?P<d>\d{1,2})(?P<s>[/.-])(?P<m>\d{1,2})(?P=s)(?P<j>\d{4}|\d{2})" + _NA_GETAL, geldig=_dmj_geldig),
    _regex(r"(?<![\w/.-])(?P<j>\d{4})(?P<s>[/.-])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})" + _NA_GETAL, geldig=_jmd_geldig),
    _regex(
        rf"(?<![\w.,])(?P<d>\d{{1,2}})(?:ste|de|e)?{_S}+(?P<maand>{_MAAND_ALT})\.?(?:{_S}+(?P<j>\d{{4}}))?(?!\w)",
        re.IGNORECASE,
        geldig=_tekstdatum_geldig,
    ),
    _verjaardag,
)

# --------------------------------------------------------------------------- phone numbers

_VOOR_TEL = r"(?<![\w+(])"
_INTL = rf"(?:\+|00){_S}?32{_SEP}(?:\(0\){_SEP})?"
_TELEFOON = _alle(
    # mobile: 04xx + 6 digits = 10 digits nationally; +32 4xx … internationally
    _regex(rf"{_VOOR_TEL}(?:{_INTL}|0{_SEP})4(?:{_SEP}\d){{8}}" + _NA_GETAL),
    # fixed line: 0 + zone + subscriber = 9 digits nationally; +32 + 8 digits internationally
    _regex(rf"{_VOOR_TEL}(?:{_INTL}|0{_SEP})[1-9](?:{_SEP}\d){{7}}" + _NA_GETAL),
    # zone in brackets: (050) 12 34 56, (0470) 12 34 56
    _regex(
        rf"(?<![\w(])\(0\d{{1,3}}\){_SEP}\d(?:{_SEP}\d){{4,7}}" + _NA_GETAL,
        geldig=lambda m: _is_nationaal_nummer(re.sub(r"\D", "", m.group())),
    ),
)


def _is_nationaal_nummer(cijfers: str) -> bool:
    """0 + 8 digits (fixed line) or 04 + 8 digits (mobile)."""
    return (len(cijfers) == 9 and cijfers[1] != "0") or (len(cijfers) == 10 and cijfers[1] == "4")


# --------------------------------------------------------------------------- names

_TUSSENVOEGSELS = frozenset(
    {
        "van", "de", "der", "den", "het", "ten", "ter", "te", "t", "'t", "d", "la", "le", "les", "du", "di", "da",
        "del", "della", "des", "dos", "von", "zu", "vd", "v.d.", "el", "al", "op", "in", "uit", "aan", "y", "e",
    }
)  # fmt: skip
_APOSTROFS = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


def _vouw(tekst: str) -> str:
    """Lower case without accents, one character per character (so positions stay valid)."""
    uit = []
    for ch in tekst.translate(_APOSTROFS):
        basis = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        uit.append((basis or ch).lower()[:1] or ch)
    return "".join(uit)


def _naamvormen(namen: Sequence[str]) -> list[str]:
    """Folded forms to look for: each full name and each meaningful part of it (first name alone, …)."""
    vormen: set[str] = set()
    for naam in namen:
        delen = _vouw(naam).split()
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
    return sorted(vormen, key=len, reverse=True)


def _namen(tekst: str, context: DetectieContext) -> Iterator[tuple[int, int]]:
    vormen = _naamvormen(context.namen)
    if not vormen:
        return
    alternatieven = "|".join(r"\s+".join(re.escape(d) for d in v.split(" ")) for v in vormen)
    rx = re.compile(rf"(?<!\w)(?:{alternatieven})(?:'?s)?(?!\w)")
    for m in rx.finditer(_vouw(tekst)):
        yield m.span()


# --------------------------------------------------------------------------- age × region

_GETALWOORDEN = (
    "twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien zestien zeventien achttien "
    "negentien twintig eenentwintig tweeentwintig drieentwintig vierentwintig vijfentwintig"
).split()
_WOORD_ALT = "|".join(sorted(_GETALWOORDEN, key=len, reverse=True))

_LEEFTIJD_CIJFER = re.compile(rf"(?<![\w.,])(?P<n>\d{{1,2}}){_S}*(?:-{_S}*)?(?P<eenheid>jarige|jarig|jaar|j)(?!\w)")
_LEEFTIJD_WOORD = re.compile(rf"(?<!\w)(?:{_WOORD_ALT})(?:-|{_S}*)(?:jarige|jarig)(?!\w)|(?<!\w)(?:{_WOORD_ALT}){_S}+jaar{_S}+oud(?!\w)")
_DUUR_ERVOOR = re.compile(
    r"(?:sinds|gedurende|binnen|na|al|reeds|per|elke|iedere|om\s+de|over|voor|tot|(?:meer|minder|langer|korter)\s+dan"
    r"|max(?:imum|imaal)?|min(?:imum|imaal)?)\s+$"
)
_DUUR_ERNA = re.compile(r"^\s+(?:lang|geleden|later|eerder|nadien|terug|durend|durende|wachttijd)(?!\w)")

_REGIO = _alle(
    _regex(
        r"(?<!\w)(?:houtland(?:\s*(?:en|&)\s*polder)?|westhoek|mid(?:den)?[\s-]*west[\s-]*vlaanderen|midden[\s-]*wvl"
        r"|westkust(?:\s*(?:en|&)\s*polder)?)(?!\w)",
        re.IGNORECASE,
    ),
    _regex(r"(?<!\w)RITS(?!\w)"),  # upper case only: "rits" is also a common Dutch word (zip)
)


def noemt_regio(tekst: str) -> bool:
    """Does the text name an eerstelijnszone of the region (§4.9)?"""
    return next(iter(_REGIO(tekst, DetectieContext())), None) is not None


def _leeftijden(tekst: str) -> Iterator[tuple[int, int]]:
    gevouwen = _vouw(tekst)
    for m in _LEEFTIJD_CIJFER.finditer(gevouwen):
        if m["eenheid"] in ("jaar", "j") and (
            _DUUR_ERVOOR.search(gevouwen[max(0, m.start() - 30) : m.start()]) or _DUUR_ERNA.match(gevouwen[m.end() :])
        ):
            continue  # a duration, not an age
        yield m.span()
    for m in _LEEFTIJD_WOORD.finditer(gevouwen):
        yield m.span()


def _leeftijd_met_regio(tekst: str, _context: DetectieContext) -> Iterator[tuple[int, int]]:
    if noemt_regio(tekst):
        yield from _leeftijden(tekst)


# --------------------------------------------------------------------------- the detector list (order matters)

_DETECTOREN: tuple[tuple[PersoonsgegevenSoort, Zoeker], ...] = (
    (PersoonsgegevenSoort.EMAILADRES, _EMAIL),
    (PersoonsgegevenSoort.RIJKSREGISTERNUMMER, _RRN),
    (PersoonsgegevenSoort.DATUM, _DATUM),
    (PersoonsgegevenSoort.TELEFOONNUMMER, _TELEFOON),
    (PersoonsgegevenSoort.NAAM, _namen),
    (PersoonsgegevenSoort.LEEFTIJD_MET_REGIO, _leeftijd_met_regio),
)
