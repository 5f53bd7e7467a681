"""The subscription (pure): who may create and see one, its states, its signing secrets and their rotation.

States (``Status``): ACTIVE (delivering), PAUSED (deliveries are queued and wait), DISABLED (the receiver answered
``410 Gone``; only ``resume`` re-enables it, a disabled subscription cannot be paused). A PARTNER creates and sees
its own organisation's PARTNER subscriptions; the coördinator creates any (also the ACT profile) and sees all.
During a secret rotation's overlap several secrets are valid: every message is signed with each of them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from jeugdhulp_common.domain import Aggregaat, NietGevonden, OngeldigeInvoer, Overgangen, Verboden

from webhooks.domain.adressen import url_fout
from webhooks.domain.policy import Abonnee, Profiel, unknown_types

NAAM = "Abonnement"


class Status(StrEnum):
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    DISABLED = "DISABLED"


class Actie(StrEnum):
    PAUZEER = "pause"
    HERVAT = "resume"
    SCHAKEL_UIT = "disable"


OVERGANGEN: Overgangen[Status, Actie] = Overgangen.per_actie(
    NAAM,
    {
        Actie.PAUZEER: {Status.ACTIVE: Status.PAUSED, Status.PAUSED: Status.PAUSED},
        Actie.HERVAT: {Status.ACTIVE: Status.ACTIVE, Status.PAUSED: Status.ACTIVE, Status.DISABLED: Status.ACTIVE},
        Actie.SCHAKEL_UIT: {Status.ACTIVE: Status.DISABLED, Status.PAUSED: Status.DISABLED, Status.DISABLED: Status.DISABLED},
    },
)


@dataclass(frozen=True)
class Geheim:
    """A signing secret; ``verloopt_op`` None: the current one."""

    secret: str
    aangemaakt_op: dt.datetime
    verloopt_op: dt.datetime | None = None

    def geldig(self, nu: dt.datetime) -> bool:
        return self.verloopt_op is None or self.verloopt_op > nu


def controleer_aanvrager(*, coordinator: bool, eigen_organisatie: str, organisatie: str | None, profiel: Profiel | None) -> None:
    """A partner subscribes for its own organisation, with the PARTNER profile only (403 naming the field)."""
    if coordinator:
        return
    if organisatie not in (None, eigen_organisatie):
        raise Verboden("a partner subscribes for its own organisation only", veld="organisatie")
    if profiel not in (None, Profiel.PARTNER):
        raise Verboden("only the coördinator creates an ACT subscription", veld="profiel")


def controleer_url(url: str, reden_na_opzoeken: str | None = None) -> None:
    """422 on ``url`` when its shape is wrong, or when resolving it gave a reason it may not be used."""
    fout = url_fout(url) or reden_na_opzoeken
    if fout is not None:
        raise OngeldigeInvoer("url", fout)


def controleer_types(profiel: Profiel, event_types: Sequence[str]) -> None:
    onbekend = unknown_types(profiel, event_types)
    if onbekend:
        raise OngeldigeInvoer("eventTypes", f"not deliverable to a {profiel.value} subscription: {', '.join(sorted(onbekend)[:10])}")


def controleer_venster(van: dt.datetime, tot: dt.datetime) -> None:
    """A replay window is [from, until), not empty."""
    if tot <= van:
        raise OngeldigeInvoer("until", "must be after 'from'")


@dataclass(eq=False)
class Abonnement(Aggregaat):
    id: uuid.UUID
    organisatie: str
    profiel: Profiel
    url: str
    event_types: list[str]  # empty: all the profile may receive
    description: str
    status: Status
    disabled_reason: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    geheimen: tuple[Geheim, ...] = ()  # oldest first

    @classmethod
    def nieuw(
        cls, *, id: uuid.UUID, organisatie: str, profiel: Profiel, url: str, event_types: Sequence[str], description: str, secret: str, nu: dt.datetime
    ) -> Abonnement:
        controleer_url(url)
        controleer_types(profiel, event_types)
        return cls(id, organisatie, profiel, url, sorted(set(event_types)), description, Status.ACTIVE, None, nu, nu, (Geheim(secret, nu),))

    @property
    def abonnee(self) -> Abonnee:
        return Abonnee(self.organisatie, self.profiel, frozenset(self.event_types))

    def zichtbaar_voor(self, organisatie: str, *, alles: bool) -> None:
        """NietGevonden (as if it did not exist) for another organisation's caller, unless it sees ``alles``."""
        if not alles and self.organisatie != organisatie:
            raise NietGevonden(f"{NAAM} not found")

    def wijzig(self, *, url: str | None, event_types: Sequence[str] | None, description: str | None, nu: dt.datetime) -> None:
        if url is not None:
            controleer_url(url)
        if event_types is not None:
            controleer_types(self.profiel, event_types)
        if url is not None:
            self.url = url
        if event_types is not None:
            self.event_types = sorted(set(event_types))
        if description is not None:
            self.description = description
        self.updated_at = nu

    def wissel(self, actie: Actie, nu: dt.datetime, reden: str | None = None) -> None:
        """Pause (stop sending; deliveries keep being queued; not for a disabled subscription: resume it), resume
        (send again; also re-enables a disabled one) or disable (with ``reden``), as the transition table allows."""
        self.status = OVERGANGEN.volgende(self.status, actie)
        self.disabled_reason = reden
        self.updated_at = nu

    def pauzeer(self, nu: dt.datetime) -> None:
        self.wissel(Actie.PAUZEER, nu)

    def schakel_uit(self, reden: str, nu: dt.datetime) -> None:
        """The receiver answered 410 Gone: no more deliveries are queued for it."""
        self.wissel(Actie.SCHAKEL_UIT, nu, reden)

    def roteer(self, secret: str, oude_verlopen_op: dt.datetime, nu: dt.datetime) -> None:
        """``secret`` becomes the current one; those still valid keep signing until ``oude_verlopen_op`` (the
        overlap; an earlier end stays); expired ones are forgotten."""
        blijven = tuple(
            g if g.verloopt_op is not None and g.verloopt_op <= oude_verlopen_op else replace(g, verloopt_op=oude_verlopen_op)
            for g in self.geheimen
            if g.geldig(nu)
        )
        self.geheimen = (*blijven, Geheim(secret, nu))
        self.updated_at = nu

    def geldige_geheimen(self, nu: dt.datetime) -> list[str]:
        """The secrets that sign a message now, newest first."""
        return [g.secret for g in reversed(self.geheimen) if g.geldig(nu)]
