"""Value objects and local vocabularies of an aanmelding (domain guide §4.1), with their domain validation.

Enums that are not (yet) in ``jeugdhulp_common.contracts.vocabulary`` are defined here; all of them are
INFERRED where the spec gives only the field, not its values.

Validation raises :class:`OngeldigeInvoer` (a 422; a kind of ``RegelGeschonden``) with ``veld`` = the request field in camelCase, dotted for
nested fields (``aanmelder.organisatie``), so the API can map it to a 422 on that field. Messages name
the rule, never the value (§9 rule 6).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TypeVar

from jeugdhulp_common.contracts.vocabulary import (
    AanmelderCategorie,
    BlokkadeStatus,
    Onderwerp,
    Ondersteuningsvorm,
    RedenVanAanmelding,
    RegioELZ,
)
from jeugdhulp_common.domain import OngeldigeInvoer

from aanmelding.domain.screening import MAX_LEEFTIJD_1G1P, MIN_LEEFTIJD_1G1P

# --------------------------------------------------------------------------- local vocabularies


class InstemmingDoor(StrEnum):
    """Who gave the consent (§4.1 instemming.door; §9 rule 5 "young person and parents"). VOOGD is INFERRED."""

    JONGERE = "JONGERE"
    OUDER = "OUDER"
    VOOGD = "VOOGD"


class InstemmingScope(StrEnum):
    """What the consent covers (§4.1 instemming.scope). INFERRED values, from §9:

    * TRAJECT_OPSTART: starting a traject with a planmaker [001: "Bij instemming van de jongere kon het traject
      opgestart worden."] — the scope :meth:`Aanmelding.opstarten` requires;
    * GEGEVENSDELING_PARTNERS: exchanging personal data with the partners of the traject
      [004: "in welke mate het uitwisselen van persoonsgegevens wenselijk of noodzakelijk is"];
    * CONTACTGEGEVENS_DOORGEVEN: passing on contact details [004: "enkel als gezin toestemming heeft gegeven
      om hun contactgegevens door te geven"].
    """

    TRAJECT_OPSTART = "TRAJECT_OPSTART"
    GEGEVENSDELING_PARTNERS = "GEGEVENSDELING_PARTNERS"
    CONTACTGEGEVENS_DOORGEVEN = "CONTACTGEGEVENS_DOORGEVEN"


class Label(StrEnum):
    """Care labels (§2.3, §4.1). GES+ implies a secure setting."""

    GES = "GES"
    GES_PLUS = "GES+"


class Verblijfssituatie(StrEnum):
    """Where the young person stays (§4.1). ANDERE is INFERRED."""

    VOORZIENING_LEEFGROEP = "VOORZIENING_LEEFGROEP"
    PLEEGZORG = "PLEEGZORG"
    INTERNAAT = "INTERNAAT"
    THUIS = "THUIS"
    ANDERE = "ANDERE"


class OudersSituatie(StrEnum):
    """The parents' situation (§4.1 gezinssamenstelling.ouders, "e.g. separated"). Values INFERRED."""

    SAMENWONEND = "SAMENWONEND"
    GESCHEIDEN = "GESCHEIDEN"
    EENOUDERGEZIN = "EENOUDERGEZIN"
    ANDERE = "ANDERE"


# --------------------------------------------------------------------------- validation helpers

_E = TypeVar("_E", bound=StrEnum)


def enum_waarde(cls: type[_E], waarde: object, veld: str) -> _E:
    """``waarde`` as a member of ``cls`` (accepts the member or its code), else :class:`OngeldigeInvoer`."""
    if isinstance(waarde, cls):
        return waarde
    try:
        if isinstance(waarde, str):
            return cls(waarde)
    except ValueError:
        pass
    raise OngeldigeInvoer(veld, f"{veld}: not a valid {cls.__name__} code")


def tekst(waarde: object, veld: str, *, verplicht: bool = False) -> str | None:
    """Stripped text; blank counts as absent."""
    if waarde is None:
        schoon = None
    elif isinstance(waarde, str):
        schoon = waarde.strip() or None
    else:
        raise OngeldigeInvoer(veld, f"{veld}: must be text")
    if verplicht and schoon is None:
        raise OngeldigeInvoer(veld, f"{veld}: is required")
    return schoon


def verplichte_tekst(waarde: object, veld: str) -> str:
    """Stripped, non-blank text."""
    schoon = tekst(waarde, veld, verplicht=True)
    assert schoon is not None
    return schoon


def geheel_getal(waarde: object, veld: str, *, van: int, tot_en_met: int) -> int:
    """An int (not a bool) within ``van..tot_en_met`` inclusive."""
    if isinstance(waarde, bool) or not isinstance(waarde, int):
        raise OngeldigeInvoer(veld, f"{veld}: must be a whole number")
    if not van <= waarde <= tot_en_met:
        raise OngeldigeInvoer(veld, f"{veld}: must be between {van} and {tot_en_met}")
    return waarde


def vereis_tijdzone(moment: dt.datetime, veld: str | None) -> dt.datetime:
    """Moments are timezone-aware; a naive one is refused (``veld`` None: a programming error of the caller)."""
    if not isinstance(moment, dt.datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        if veld is None:
            raise ValueError("a timezone-aware datetime is required")
        raise OngeldigeInvoer(veld, f"{veld}: must be a timezone-aware date-time")
    return moment


# --------------------------------------------------------------------------- value objects


@dataclass(frozen=True, kw_only=True)
class Aanmelder:
    """The referring organisation (§4.1 aanmelder: organisation + category (§4.9) + contactpersoon)."""

    organisatie: str
    categorie: AanmelderCategorie
    contactpersoon: str | None = None  # a professional; stays in this service (not in events)

    def gevalideerd(self) -> Aanmelder:
        return Aanmelder(
            organisatie=verplichte_tekst(self.organisatie, "aanmelder.organisatie"),
            categorie=enum_waarde(AanmelderCategorie, self.categorie, "aanmelder.categorie"),
            contactpersoon=tekst(self.contactpersoon, "aanmelder.contactpersoon"),
        )


@dataclass(frozen=True, kw_only=True)
class Brus:
    """A sibling (§2.1 "brussen are in the family plan"): a pseudonymous ref (§9) and/or an age."""

    ref: str | None = None
    leeftijd: int | None = None


@dataclass(frozen=True, kw_only=True)
class Gezinssamenstelling:
    """Family composition (§4.1): the parents' situation and the siblings."""

    ouders: OudersSituatie | None = None
    brussen: tuple[Brus, ...] = ()

    def gevalideerd(self) -> Gezinssamenstelling:
        ouders = None if self.ouders is None else enum_waarde(OudersSituatie, self.ouders, "gezinssamenstelling.ouders")
        brussen = tuple(
            Brus(
                ref=tekst(b.ref, "gezinssamenstelling.brussen.ref"),
                leeftijd=None
                if b.leeftijd is None
                else geheel_getal(b.leeftijd, "gezinssamenstelling.brussen.leeftijd", van=0, tot_en_met=120),
            )
            for b in self.brussen
        )
        return Gezinssamenstelling(ouders=ouders, brussen=brussen)


@dataclass(frozen=True, kw_only=True)
class AlternatiefAdvies:
    """Advice given when a traject does not start (§4.1, required then; §4.10 for the codes).

    At least one of ``vorm`` (one of the 24 Ondersteuningsvormen) or ``tekst``. Only the code goes into the
    AanmeldingNietOpgestart event; the text stays in this service (§10).
    """

    vorm: Ondersteuningsvorm | None = None
    tekst: str | None = None

    def gevalideerd(self) -> AlternatiefAdvies:
        vorm = None if self.vorm is None else enum_waarde(Ondersteuningsvorm, self.vorm, "alternatiefAdvies.vorm")
        advies = AlternatiefAdvies(vorm=vorm, tekst=tekst(self.tekst, "alternatiefAdvies.tekst"))
        if advies.vorm is None and advies.tekst is None:
            raise OngeldigeInvoer("alternatiefAdvies", "alternatiefAdvies: an Ondersteuningsvorm code and/or a text is required")
        return advies


@dataclass(frozen=True, kw_only=True)
class Instemming:
    """A consent record (§4.1 instemming {door, op, scope}; §9 rule 5, including withdrawal)."""

    instemming_id: uuid.UUID
    door: InstemmingDoor
    op: dt.datetime
    scope: frozenset[InstemmingScope]
    ingetrokken_op: dt.datetime | None = None

    @property
    def actief(self) -> bool:
        return self.ingetrokken_op is None

    def dekt(self, scope: InstemmingScope) -> bool:
        """True if this consent is still in force and covers ``scope``."""
        return self.actief and scope in self.scope

    def ingetrokken(self, op: dt.datetime) -> Instemming:
        return replace(self, ingetrokken_op=op)


@dataclass(frozen=True, kw_only=True)
class AanmeldingGegevens:
    """The data of an aanmelding as received (§4.1): a snapshot that does not change afterwards.

    ``jongere_ref`` is the pseudonymous person reference (§9), never a name. ``redenen_toelichting`` is the
    free text that goes with the reasons; it stays in this service.
    """

    aanmelder: Aanmelder
    onderwerp: Onderwerp
    jongere_ref: str
    leeftijd_bij_aanmelding: int
    regio_jongere: RegioELZ
    redenen: tuple[RedenVanAanmelding, ...]
    redenen_toelichting: str | None = None
    blokkade_status_bij_aanmelding: BlokkadeStatus | None = None
    gezinssamenstelling: Gezinssamenstelling = field(default_factory=Gezinssamenstelling)
    verblijfssituatie: Verblijfssituatie | None = None
    labels: frozenset[Label] = frozenset()
    betrokken_partners: tuple[str, ...] = ()
    jeugdhulpregisseur: str | None = None  # ref of the ACT jeugdhulpregisseur (§3)

    def gevalideerd(self) -> AanmeldingGegevens:
        """The domain checks of a new aanmelding, returning a normalised copy (codes as enums, text stripped,
        repeated reasons/partners removed) or raising :class:`OngeldigeInvoer` on the first violation.
        """
        redenen = tuple(dict.fromkeys(enum_waarde(RedenVanAanmelding, r, "redenen") for r in self.redenen))
        if not redenen:
            # §4.1 redenenVanAanmelding* is required
            raise OngeldigeInvoer("redenen", "redenen: at least one reden van aanmelding is required")
        partners = tuple(dict.fromkeys(verplichte_tekst(p, "betrokkenPartners") for p in self.betrokken_partners))
        return AanmeldingGegevens(
            aanmelder=self.aanmelder.gevalideerd(),
            onderwerp=enum_waarde(Onderwerp, self.onderwerp, "onderwerp"),
            jongere_ref=verplichte_tekst(self.jongere_ref, "jongereRef"),
            # 1G1P is for ages 0–25 (§2.3); the narrower exclusion bounds are the screening's business (§5.1)
            leeftijd_bij_aanmelding=geheel_getal(
                self.leeftijd_bij_aanmelding, "leeftijdBijAanmelding", van=MIN_LEEFTIJD_1G1P, tot_en_met=MAX_LEEFTIJD_1G1P
            ),
            regio_jongere=enum_waarde(RegioELZ, self.regio_jongere, "regioJongere"),
            redenen=redenen,
            redenen_toelichting=tekst(self.redenen_toelichting, "redenenToelichting"),
            blokkade_status_bij_aanmelding=None
            if self.blokkade_status_bij_aanmelding is None
            else enum_waarde(BlokkadeStatus, self.blokkade_status_bij_aanmelding, "blokkadeStatusBijAanmelding"),
            gezinssamenstelling=self.gezinssamenstelling.gevalideerd(),
            verblijfssituatie=None
            if self.verblijfssituatie is None
            else enum_waarde(Verblijfssituatie, self.verblijfssituatie, "verblijfssituatie"),
            labels=frozenset(enum_waarde(Label, label, "labels") for label in self.labels),
            betrokken_partners=partners,
            jeugdhulpregisseur=tekst(self.jeugdhulpregisseur, "jeugdhulpregisseur"),
        )


def scope_van(scope: Iterable[InstemmingScope | str]) -> frozenset[InstemmingScope]:
    """A consent scope from codes; at least one is required."""
    codes = frozenset(enum_waarde(InstemmingScope, s, "scope") for s in scope)
    if not codes:
        raise OngeldigeInvoer("scope", "scope: a consent must cover at least one scope")
    return codes
