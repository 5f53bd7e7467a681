"""The de-identification gate of §9 rule 2: what personal data is still in a text.

"Micro → meso crossing requires de-identification and human release": a person edits the text, and release is
refused while :func:`detecteer` still finds personal data in it. Detection is done by
:mod:`signalering.deidentificatie` (the ``deduce`` library for Dutch text plus Flemish annotators, over text
normalised with NFKC, zero-width/bidi controls removed and homoglyphs folded); this module adds what only the
traject knows (:class:`DetectieContext`):

* ``NAAM`` also for every name of a person of the traject given in its context (case- and accent-insensitive,
  whole words: the full name and every part of it alone; particles such as *van*, *de* alone are ignored;
  :func:`jeugdhulp_common.tekstnormalisatie.naam_spans`, the same rule traject masks role holders' names with);
* ``DATUM`` also for a day/month without year (``12/3``) that is the birthday of a person of the traject.

Kinds: see :class:`PersoonsgegevenSoort`. Counts, years, amounts and group age ranges ("3 maanden", "2024",
"25 000 euro", "jongeren vanaf 16 jaar") are not personal data.

A :class:`Vondst` holds the kind and the position (in the text as given) only, never the text found: callers may
log it and must name only the *kind* in messages. The rules are heuristics; they do not replace the human
release. The detector is loaded once per process (:func:`signalering.deidentificatie.detector`); apart from that
this module is pure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from jeugdhulp_common.contracts.traject import IdentificerendeGegevens
from jeugdhulp_common.tekstnormalisatie import naam_spans

from signalering.deidentificatie import detector
from signalering.deidentificatie.vlaams import is_geldig_rijksregisternummer

__all__ = ["DetectieContext", "PersoonsgegevenSoort", "Vondst", "detecteer", "is_geldig_rijksregisternummer", "omschrijving", "soorten"]


class PersoonsgegevenSoort(StrEnum):
    """The kinds of personal data the detector finds (in reporting order)."""

    NAAM = "NAAM"
    INITIALEN = "INITIALEN"
    DATUM = "DATUM"
    LEEFTIJD = "LEEFTIJD"
    LOCATIE = "LOCATIE"
    ADRES = "ADRES"
    INSTELLING = "INSTELLING"
    TELEFOONNUMMER = "TELEFOONNUMMER"
    EMAILADRES = "EMAILADRES"
    URL = "URL"
    SOCIALE_MEDIA = "SOCIALE_MEDIA"
    RIJKSREGISTERNUMMER = "RIJKSREGISTERNUMMER"
    IBAN = "IBAN"
    IDENTIFICATIENUMMER = "IDENTIFICATIENUMMER"
    PERSOONSGEGEVEN = "PERSOONSGEGEVEN"


_OMSCHRIJVING = {
    PersoonsgegevenSoort.NAAM: "a person's name",
    PersoonsgegevenSoort.INITIALEN: "a person's initials",
    PersoonsgegevenSoort.DATUM: "an exact date",
    PersoonsgegevenSoort.LEEFTIJD: "a person's age",
    PersoonsgegevenSoort.LOCATIE: "a place (municipality, deelgemeente)",
    PersoonsgegevenSoort.ADRES: "an address",
    PersoonsgegevenSoort.INSTELLING: "a named school, class or organisation",
    PersoonsgegevenSoort.TELEFOONNUMMER: "a phone number",
    PersoonsgegevenSoort.EMAILADRES: "an e-mail address",
    PersoonsgegevenSoort.URL: "a web address",
    PersoonsgegevenSoort.SOCIALE_MEDIA: "a social-media handle or profile",
    PersoonsgegevenSoort.RIJKSREGISTERNUMMER: "a national register number (rijksregisternummer)",
    PersoonsgegevenSoort.IBAN: "a bank account number",
    PersoonsgegevenSoort.IDENTIFICATIENUMMER: "an identification number",
    PersoonsgegevenSoort.PERSOONSGEGEVEN: "personal data",
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
    """All personal data found in ``tekst``, ordered by position, as spans of ``tekst`` as given. Overlapping
    findings are reported once (the detector's own choice first, then the traject's names and birthdays)."""
    context = context or DetectieContext()
    norm, treffers = detector().vind(tekst)
    gevonden = [Vondst(PersoonsgegevenSoort(t.soort), t.start, t.einde) for t in treffers]
    for soort, spans in (
        (PersoonsgegevenSoort.NAAM, _namen(norm.tekst, context)),
        (PersoonsgegevenSoort.DATUM, _verjaardag(norm.tekst, context)),
    ):
        for start, einde in spans:
            overlap = [v for v in gevonden if start < v.einde and v.start < einde]
            if not overlap:
                gevonden.append(Vondst(soort, start, einde))
            for v in overlap:  # the traject's own rule may see further ("Lisa’s"): one finding, the union
                gevonden[gevonden.index(v)] = Vondst(v.soort, min(v.start, start), max(v.einde, einde))
    uit: list[Vondst] = []
    for v in sorted(gevonden, key=lambda v: (v.start, v.einde)):
        start, einde = norm.origineel(v.start, v.einde)
        vorige = uit[-1] if uit else None
        if vorige and vorige.soort == v.soort and not tekst[vorige.einde : start].strip():
            uit[-1] = Vondst(v.soort, vorige.start, max(vorige.einde, einde))  # "Mevrouw " + "Peeters": one name
        else:
            uit.append(Vondst(v.soort, start, einde))
    return uit


def soorten(vondsten: Iterable[Vondst]) -> tuple[PersoonsgegevenSoort, ...]:
    """The distinct kinds of some findings, in the fixed order of :class:`PersoonsgegevenSoort`."""
    aanwezig = {v.soort for v in vondsten}
    return tuple(s for s in PersoonsgegevenSoort if s in aanwezig)


# --------------------------------------------------------------------------- what only the traject knows

_DAG_MAAND = re.compile(r"(?<![\w/.-])(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})(?!\w|[./-]\d)")


def _verjaardag(tekst: str, context: DetectieContext) -> Iterator[tuple[int, int]]:
    """``12/3`` or ``12-03`` without a year: only when it is a birthday of a person of the traject."""
    dagen = {(d.day, d.month) for d in context.geboortedata}
    if not dagen:
        return
    for m in _DAG_MAAND.finditer(tekst):
        if (int(m["d"]), int(m["m"])) in dagen:
            yield m.span()


def _namen(tekst: str, context: DetectieContext) -> Iterator[tuple[int, int]]:
    return naam_spans(tekst, context.namen)
