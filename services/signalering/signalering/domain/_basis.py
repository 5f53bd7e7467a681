"""Small building blocks shared by the signalering aggregates. Pure: no I/O, no clock reads.

* :class:`Aggregaat` — base of every aggregate: a list of pending contract events (``events``) for the outbox.
  The dataclass constructor *restores* an aggregate from stored fields and never emits; the named factory
  classmethods (``nieuw``, ``plan``, ``open`` …) *create* one and may emit.
* :class:`Overgangen` — an explicit transition table ``(toestand, actie) -> nieuwe toestand``.
* guards for required text and for contact data in anonymous (class A) text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Generic, TypeVar

from jeugdhulp_common.domain import OngeldigeOvergang, RegelGeschonden
from jeugdhulp_common.events import Event

from signalering.domain.persoonsgegevens import PersoonsgegevenSoort, detecteer, omschrijving

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


@dataclass(eq=False)
class Aggregaat:
    """Base of the aggregates: pending contract events, drained by the outbox writer."""

    events: list[Event] = field(default_factory=list, repr=False, kw_only=True)

    def _emit(self, ev: Event) -> None:
        self.events.append(ev)

    def neem_events(self) -> list[Event]:
        """Return the pending events and forget them (the storage adapter writes them to the outbox)."""
        out, self.events = self.events, []
        return out


class Overgangen(Generic[S, A]):
    """An explicit, read-only transition table. Anything not in it raises :class:`OngeldigeOvergang`."""

    def __init__(self, aggregaat: str, tabel: Mapping[tuple[S, A], S]) -> None:
        self.aggregaat = aggregaat
        self.tabel: Mapping[tuple[S, A], S] = MappingProxyType(dict(tabel))

    def volgende(self, toestand: S, actie: A) -> S:
        try:
            return self.tabel[(toestand, actie)]
        except KeyError:
            raise OngeldigeOvergang(self.aggregaat, toestand.value, actie.value) from None

    def mag(self, toestand: S, actie: A) -> bool:
        return (toestand, actie) in self.tabel

    def acties(self, toestand: S) -> list[A]:
        """The actions allowed in ``toestand`` (e.g. for an API to show the available buttons)."""
        return [a for (s, a) in self.tabel if s == toestand]


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
