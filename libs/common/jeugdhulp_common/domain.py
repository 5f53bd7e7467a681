"""Errors raised by the pure domain code of every service. No I/O here.

The HTTP layer (jeugdhulp_common.problems) maps them to problem+json: :class:`OngeldigeOvergang` -> 409,
:class:`RegelGeschonden` -> 409 naming ``veld`` in ``errors[].field``, :class:`NietGevonden` -> 404.
Request shape errors are 422, raised by pydantic before the domain is reached.
Messages must never contain personal data: name the rule, the state and the field, not the values.
"""

from __future__ import annotations


class DomeinFout(Exception):
    """Base of all domain errors."""

    def __init__(self, message: str, *, veld: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.veld = veld  # the request field the rule is about, if any


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
