"""Value objects of a traject (domain guide §4.2, §4.3). Plain frozen dataclasses, validated by the aggregate.

Validation raises :class:`OngeldigeInvoer` (a 422: the request itself lacks what the rule requires) with ``veld`` =
the request field in camelCase, dotted for nested fields (``afspraken.overzichtBewaarder``), indexed for lists
(``rollen[1].organisatie``). Messages name the rule, never the value (§9 rule 6).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from jeugdhulp_common.contracts.traject import Deelnemer as DeelnemerContract
from jeugdhulp_common.contracts.traject import RolToewijzing
from jeugdhulp_common.contracts.vocabulary import Rol
from jeugdhulp_common.domain import OngeldigeInvoer

from traject.domain.samenwerkingsoverleg import VraagAntwoord


def vereis_tekst(waarde: str | None, veld: str) -> str:
    """``waarde`` if it is a non-blank string, else :class:`OngeldigeInvoer` on ``veld``."""
    if waarde is None or not isinstance(waarde, str) or not waarde.strip():
        raise OngeldigeInvoer(veld, "required field is missing or blank")
    return waarde


@dataclass(frozen=True)
class Deelnemer:
    """A meeting participant by function and organisation, never by person (§4.3 "function + organisation")."""

    functie: str
    organisatie: str

    def valideer(self, veld: str) -> None:
        vereis_tekst(self.functie, f"{veld}.functie")
        vereis_tekst(self.organisatie, f"{veld}.organisatie")

    def als_contract(self) -> DeelnemerContract:
        return DeelnemerContract(functie=self.functie, organisatie=self.organisatie)


def valideer_deelnemers(deelnemers: Sequence[Deelnemer], veld: str) -> None:
    """At least one participant, each with functie and organisatie."""
    if not deelnemers:
        raise OngeldigeInvoer(veld, "at least one participant is required")
    for i, d in enumerate(deelnemers):
        d.valideer(f"{veld}[{i}]")


@dataclass(frozen=True)
class RolInTraject:
    """A role in the traject (§4.2 rollen[] {rol, persoon, organisatie, mandaatVan[]}).

    ``persoon`` is a reference to the professional; it stays in the traject service and never goes into an
    event (§9, §10 Ps). ``mandaat_van`` lists the organisations that gave this person a mandate
    [001: "De casuscoördinator moet van alle betrokken hulpverleners het mandaat krijgen"].
    """

    rol: Rol
    organisatie: str
    persoon: str | None = None
    mandaat_van: tuple[str, ...] = ()

    def valideer(self, veld: str) -> None:
        if not isinstance(self.rol, Rol):
            raise OngeldigeInvoer(f"{veld}.rol", "unknown role")
        vereis_tekst(self.organisatie, f"{veld}.organisatie")
        if self.persoon is not None:
            vereis_tekst(self.persoon, f"{veld}.persoon")
        for i, org in enumerate(self.mandaat_van):
            vereis_tekst(org, f"{veld}.mandaatVan[{i}]")

    def vervangt(self, ander: RolInTraject) -> bool:
        """Whether assigning ``self`` replaces the existing ``ander``.

        INFERRED: there is one trajectcoördinator (§4.2 "INFERRED single role"), so a new one replaces the old;
        other roles may be held by several people and are replaced only for the same person and organisation
        (e.g. to update the mandate).
        """
        if self.rol is Rol.TRAJECTCOORDINATOR:
            return ander.rol is Rol.TRAJECTCOORDINATOR
        return (ander.rol, ander.organisatie, ander.persoon) == (self.rol, self.organisatie, self.persoon)

    def als_contract(self) -> RolToewijzing:
        return RolToewijzing(rol=self.rol, organisatie=self.organisatie, mandaat_van=list(self.mandaat_van))


@dataclass(frozen=True)
class StartAfspraken:
    """The agreements of the startgesprek (§5.2 "→ LOPEND").

    Both ``overzicht_bewaarder`` and ``ronde_tafels_organisator`` are required
    [001: "Er werd afgesproken wie het overzicht bewaarde en de ronde tafels zou organiseren."].
    ``overige``: the other agreements of the opstartfase (Bijlage 4 S5).
    """

    overzicht_bewaarder: Deelnemer | None
    ronde_tafels_organisator: Deelnemer | None
    overige: tuple[str, ...] = ()

    def valideer(self, veld: str) -> None:
        for naam, wie in (
            ("overzichtBewaarder", self.overzicht_bewaarder),
            ("rondeTafelsOrganisator", self.ronde_tafels_organisator),
        ):
            if wie is None:
                raise OngeldigeInvoer(f"{veld}.{naam}", "the startgesprek must name who does this")
            wie.valideer(f"{veld}.{naam}")
        for i, a in enumerate(self.overige):
            vereis_tekst(a, f"{veld}.overige[{i}]")


@dataclass(frozen=True)
class Startgesprek:
    """The kick-off meeting (§4.3 STARTGESPREK): its date becomes the startdatum (§4.2).

    ``antwoorden``: optional answers to the start questions S1–S5 of Bijlage 4 (§7).
    """

    overleg_id: uuid.UUID
    datum: dt.date
    deelnemers: tuple[Deelnemer, ...]
    afspraken: StartAfspraken
    antwoorden: tuple[VraagAntwoord, ...] = ()


@dataclass(frozen=True)
class GeplandOverleg:
    """A planned meeting (startgesprek or samenwerkingsoverleg einde)."""

    overleg_id: uuid.UUID
    datum: dt.date
    genodigden: tuple[Deelnemer, ...] = ()


@dataclass(frozen=True)
class RondeTafel:
    """A ronde tafel (§4.3 RONDE_TAFEL): evaluates and adjusts the plan, led by the trajectcoördinator.

    ``afspraken`` are free text (P): they stay in the traject service.
    """

    overleg_id: uuid.UUID
    datum: dt.date
    plan_aangepast: bool
    afspraken: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verlenging:
    """One extension (§4.2 verlengingen[] {op, besluitOverlegId}; ``maanden`` and the resulting
    ``nieuwe_evaluatie_datum`` are kept too, as the configured length may change, INFERRED)."""

    op: dt.date
    besluit_overleg_id: uuid.UUID
    maanden: int
    nieuwe_evaluatie_datum: dt.date
