"""Building blocks of the pure domain code of every service. No I/O here.

* The domain errors. The HTTP layer maps them ONCE, for every service, to problem+json
  (``jeugdhulp_common.problems.SOORTEN``): :class:`OngeldigeInvoer` -> 422, :class:`Verboden` -> 403,
  :class:`NietGevonden` -> 404, :class:`OngeldigeOvergang`, :class:`RegelGeschonden` and
  :class:`GelijktijdigGewijzigd` -> 409; ``veld`` is named in ``errors[].field``, ``extra`` adds members to the
  problem, a subclass may set its own ``slug`` (the problem ``type``) and ``titel`` (its ``title``). Request shape errors are 422, raised by
  pydantic before the domain is reached. Messages must never contain personal data: name the rule, the state and
  the field, not the values.
* :class:`Overgangen` — an aggregate's explicit, read-only transition table ``(toestand, actie) -> nieuwe toestand``.
* :class:`Aggregaat` — base of every aggregate: its pending contract events (``events``) for the outbox,
  drained with :meth:`Aggregaat.neem_events`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Generic, TypeVar

from jeugdhulp_common.events import Event


class DomeinFout(Exception):
    """Base of all domain errors."""

    slug: str | None = None  # the problem type of this refusal; None: its kind's (see jeugdhulp_common.problems)
    titel: str | None = None  # the problem title of this refusal; None: its kind's

    def __init__(self, message: str, *, veld: str | None = None, extra: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.veld = veld  # the request field the rule is about, if any
        self.extra = dict(extra or {})  # further problem members (no personal data)


class OngeldigeOvergang(DomeinFout):
    """The action is not allowed in the aggregate's current state."""

    def __init__(self, aggregate: str, toestand: str, actie: str) -> None:
        super().__init__(f"{aggregate}: '{actie}' is not allowed in state {toestand}")
        self.aggregate = aggregate
        self.toestand = toestand
        self.actie = actie


class RegelGeschonden(DomeinFout):
    """A guard of the domain rules refuses the action (e.g. afronding before the minimum looptijd)."""


class NietGevonden(DomeinFout):
    """The aggregate does not exist, or the caller may not know that it does."""


class OngeldigeInvoer(RegelGeschonden):
    """A field of the request breaks a rule of the domain whatever the aggregate's state (a 422 on that field, not a
    state conflict). A kind of :class:`RegelGeschonden`, so code that catches rule violations catches it too."""

    def __init__(self, veld: str, message: str, *, extra: Mapping[str, object] | None = None) -> None:
        super().__init__(message, veld=veld, extra=extra)


class Verboden(DomeinFout):
    """The caller may not do this (e.g. act in another organisation's name), whatever the state."""


class GelijktijdigGewijzigd(DomeinFout):
    """The aggregate was changed by another transaction meanwhile (its row lock could not be had in time, or its
    version moved). Nothing was stored; the client may reload and retry."""

    def __init__(self, aggregaat: str) -> None:
        super().__init__(f"{aggregaat} was changed by someone else meanwhile; reload it and try again")
        self.aggregaat = aggregaat


S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


class Overgangen(Generic[S, A]):
    """An explicit, read-only transition table of one aggregate: ``(toestand, actie) -> nieuwe toestand``.

    Anything not in it raises ``OngeldigeOvergang(aggregaat, toestand, actie)``. Actions that leave the state
    unchanged are self-loops. Build it from pairs (``Overgangen(naam, {(van, actie): naar})``) or, when a table
    reads better per action, with :meth:`per_actie` (``{actie: {van: naar}}``); both give the same object.
    """

    def __init__(self, aggregaat: str, tabel: Mapping[tuple[S, A], S]) -> None:
        self.aggregaat = aggregaat
        self.tabel: Mapping[tuple[S, A], S] = MappingProxyType(dict(tabel))
        rijen: dict[A, dict[S, S]] = {}
        for (van, actie), naar in self.tabel.items():
            rijen.setdefault(actie, {})[van] = naar
        self._rijen: Mapping[A, Mapping[S, S]] = MappingProxyType(
            {actie: MappingProxyType(rij) for actie, rij in rijen.items()}
        )

    @classmethod
    def per_actie(cls, aggregaat: str, rijen: Mapping[A, Mapping[S, S]]) -> Overgangen[S, A]:
        """The table written per action: ``{actie: {state it may run in: state it leads to}}``."""
        return cls(aggregaat, {(van, actie): naar for actie, rij in rijen.items() for van, naar in rij.items()})

    @property
    def rijen(self) -> Mapping[A, Mapping[S, S]]:
        """The same table per action, read-only: ``{actie: {van: naar}}`` (an action without any row is absent)."""
        return self._rijen

    def volgende(self, toestand: S, actie: A) -> S:
        """The state after ``actie`` in ``toestand``, or :class:`OngeldigeOvergang` if the table does not allow it."""
        try:
            return self.tabel[(toestand, actie)]
        except KeyError:
            raise OngeldigeOvergang(self.aggregaat, toestand.value, actie.value) from None

    def mag(self, toestand: S, actie: A) -> bool:
        """Whether the table allows ``actie`` in ``toestand`` (guards not evaluated)."""
        return (toestand, actie) in self.tabel

    def acties(self, toestand: S) -> list[A]:
        """The actions allowed in ``toestand``, in table order (guards not evaluated; e.g. for an API to show the
        available buttons)."""
        return [a for (s, a) in self.tabel if s == toestand]


@dataclass(eq=False)
class Aggregaat:
    """Base of the aggregates: the contract events emitted and not yet handed to the outbox.

    ``events`` is not a constructor argument: the dataclass constructor of an aggregate *restores* it from stored
    fields and never emits; its factories and actions emit with :meth:`_emit`. Storage adapters skip the field
    (it is ``init=False``); the service layer drains it with :meth:`neem_events` into the transactional outbox.
    """

    events: list[Event] = field(default_factory=list, init=False, repr=False)

    def _emit(self, ev: Event) -> None:
        self.events.append(ev)

    def neem_events(self) -> list[Event]:
        """Return the pending events and forget them (the caller writes them to the outbox)."""
        out, self.events = self.events, []
        return out


def eis_minstens(regels: object, minimum: int, *velden: str) -> None:
    """A service's configured rules (its ``*Regels`` dataclass, in ``__post_init__``): each named field at least
    ``minimum``, else a ``ValueError`` naming the field (the process refuses to start)."""
    for veld in velden:
        if getattr(regels, veld) < minimum:
            raise ValueError(f"{veld} must be at least {minimum}")
