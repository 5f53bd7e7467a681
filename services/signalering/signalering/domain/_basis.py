"""Small building blocks shared by the signalering aggregates. Pure: no I/O, no clock reads.

The aggregate base (pending ``events``, ``neem_events``) and the transition table are those of every service:
:class:`jeugdhulp_common.domain.Aggregaat` and :class:`jeugdhulp_common.domain.Overgangen`. The dataclass
constructor of an aggregate *restores* it from stored fields and never emits; the named factory classmethods
(``nieuw``, ``plan``, ``open`` …) *create* one and may emit. What is here: the caller's clock reading, and
guards for required text, for personal data in anonymous (class A) free text (the de-identification gate),
for contact data in organisation names, and for references (``kind:<uuid>``), which are structure, not text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from jeugdhulp_common.domain import RegelGeschonden

from signalering.domain.persoonsgegevens import PersoonsgegevenSoort, detecteer, omschrijving


def tijdstip(nu: dt.datetime) -> dt.datetime:
    """The caller's clock reading, used as ``occurred_at``. Must be timezone-aware."""
    if nu.tzinfo is None or nu.utcoffset() is None:
        raise ValueError("nu must be a timezone-aware datetime")
    return nu


def verplichte_tekst(waarde: str | None, veld: str) -> str:
    """A required, non-blank text, stripped."""
    if waarde is None or not waarde.strip():
        raise RegelGeschonden(f"'{veld}' is required and must not be blank", veld=veld)
    return waarde.strip()


def verplichte_lijst(waarden: Iterable[str] | None, veld: str) -> list[str]:
    """A required, non-empty list of non-blank, distinct texts (stripped, order kept)."""
    lijst = [verplichte_tekst(w, veld) for w in (waarden or [])]
    if not lijst:
        raise RegelGeschonden(f"'{veld}' must contain at least one item", veld=veld)
    return uniek(lijst, veld)


def uniek(waarden: Iterable[str], veld: str) -> list[str]:
    lijst = list(waarden)
    if len({w.casefold() for w in lijst}) != len(lijst):
        raise RegelGeschonden(f"'{veld}' contains duplicates", veld=veld)
    return lijst


VERWIJZING = re.compile(r"[a-z][a-z-]*:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""A reference to a record: a lower-case kind, a colon and a UUID (``actiepunt:<actiepunt_id>``)."""


def verwijzing(waarde: str | None, veld: str) -> str:
    """A required reference of the form ``kind:<uuid>`` (:data:`VERWIJZING`). A reference is structure, never
    free text, so it is checked by its form and not by the de-identification detector, which finds phone numbers,
    identification numbers and IBANs in the hex digits of random UUIDs (about one UUID in five)."""
    tekst = verplichte_tekst(waarde, veld)
    if not VERWIJZING.fullmatch(tekst):
        raise RegelGeschonden(f"'{veld}' must be a reference of the form 'kind:<uuid>'", veld=veld)
    return tekst


CONTACTGEGEVENS = frozenset(
    {PersoonsgegevenSoort.EMAILADRES, PersoonsgegevenSoort.TELEFOONNUMMER, PersoonsgegevenSoort.RIJKSREGISTERNUMMER}
)


def geen_contactgegevens(veld: str, *teksten: str) -> None:
    """Refuse e-mail addresses, phone numbers and national register numbers in text that goes into an
    anonymous (class A) event. INFERRED from §9 rule 2/3: such data never belongs at meso or macro level.
    (Dates and ages are not refused here: at meso/macro they are about meetings, not persons.)"""
    gevonden = sorted(
        {v.soort for t in teksten for v in detecteer(t) if v.soort in CONTACTGEGEVENS},
        key=list(PersoonsgegevenSoort).index,
    )
    if gevonden:
        raise RegelGeschonden(
            f"'{veld}' contains personal data ({', '.join(omschrijving(s) for s in gevonden)}); "
            "anonymous (meso/macro) data may not contain it",
            veld=veld,
        )


def geen_persoonsgegevens(veld: str, *teksten: str) -> None:
    """The de-identification gate for free text that goes into an anonymous (class A) event or an anonymous
    read (themes, lerend-netwerk content, bevindingen, actiepunten, beleidsaanbevelingen): refused, naming the
    field and the kinds (never the data), while the detector finds any personal data (§9 rule 2)."""
    gevonden = sorted({v.soort for t in teksten for v in detecteer(t)}, key=list(PersoonsgegevenSoort).index)
    if gevonden:
        raise RegelGeschonden(
            f"'{veld}' contains personal data ({', '.join(omschrijving(s) for s in gevonden)}); "
            "anonymous (meso/macro) data may not contain it",
            veld=veld,
        )
