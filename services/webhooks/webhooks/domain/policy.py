"""Who may receive which event by webhook (domain guide §10), and about which aggregates.

Two subscriber profiles:

* ``PARTNER``: a partner organisation's system. It receives only pseudonymous (Ps) and anonymous (A) events that §10
  addresses to partners, and of the micro ones only those about an aanmelding its organisation sent or a traject in
  which its organisation holds a role (or which it referred). Never a P-class event.
* ``ACT``: the jeugdhulpregie. It receives what §10 marks for ACT, network-wide. The one P-class event among them
  (``AanmeldingOntvangen``) is delivered *thin*: its aggregate id only, so the detail is read through the API, where
  reads are authorised and audited.

Nothing of ``jeugdhulp.traject.micro-intern`` and nothing of a dead-letter topic is ever delivered: those topics are
not read at all (:func:`deliverable`), and a new event type is delivered to nobody until it is listed here.
Pure rules, no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from jeugdhulp_common import topics
from jeugdhulp_common.events import TYPE_PREFIX, Event, PrivacyClass


class Profiel(StrEnum):
    PARTNER = "PARTNER"
    ACT = "ACT"


def _t(producer: str, *names: str) -> frozenset[str]:
    return frozenset(f"{TYPE_PREFIX}.{producer}.{n}" for n in names)


# §10 "Consumers" column, per CloudEvents type (every version of the type).
PARTNER_TYPES = (
    _t("aanmelding", "AanmeldingGescreend", "AanmeldingNietOpgestart", "AanmeldingOpgestart", "IntakeStatusGewijzigd")
    | _t(
        "traject",
        "TrajectGestart",
        "TrajectRolToegewezen",
        "RondeTafelGehouden",
        "TrajectVerlengd",
        "TrajectBlokkadeGewijzigd",
        "TrajectRegieOvergedragen",
        "TrajectAfgerond",
    )
    | _t(
        "signalering",
        "LerendNetwerkSessieGehouden",
        "ActiepuntAangemaakt",
        "ActiepuntStatusGewijzigd",
        "BeleidsaanbevelingGeformuleerd",
        "TerugkoppelingVerstuurd",
    )
)

ACT_TYPES = _t("aanmelding", "AanmeldingOntvangen", "AanmeldingNietOpgestart", "AanmeldingOpgestart") | _t(
    "traject",
    "TrajectGestart",
    "TrajectRolToegewezen",
    "TrajectEvaluatieVerschuldigd",
    "TrajectVerlengd",
    "TrajectBlokkadeGewijzigd",
    "TrajectRegieOvergedragen",
    "TrajectAfgerond",
    "DIWAanvraagIngediend",
    "DIWAanvraagBeslist",
    "DIWAanvraagEvaluatieVerschuldigd",
)

NEVER_TOPICS = frozenset({topics.TRAJECT_MICRO_INTERN})

# The key fields that make an event "about" an aanmelding or a traject (scoped per organisation).
AANMELDING_KEY = "aanmelding_id"
TRAJECT_KEY = "traject_id"
# An anonymous event addressed to some organisations only names them in this field.
ADDRESSED_FIELD = "naar_organisaties"


def deliverable(cls: type[Event]) -> bool:
    """May this event type be delivered to anyone at all?"""
    if cls.topic in NEVER_TOPICS or cls.topic.endswith(".dlt"):
        return False
    return cls.event_type in PARTNER_TYPES or cls.event_type in ACT_TYPES


def allowed_types(profiel: Profiel) -> frozenset[str]:
    return PARTNER_TYPES if profiel is Profiel.PARTNER else ACT_TYPES


def may_receive_type(profiel: Profiel, cls: type[Event]) -> bool:
    if not deliverable(cls):
        return False
    if profiel is Profiel.PARTNER:
        return cls.event_type in PARTNER_TYPES and cls.privacy in (PrivacyClass.PS, PrivacyClass.A)
    return cls.event_type in ACT_TYPES


def is_thin(cls: type[Event]) -> bool:
    """A P-class event reaches ACT as its aggregate id only (partners never get one)."""
    return cls.privacy is PrivacyClass.P


@dataclass(frozen=True)
class Abonnee:
    """What the rules need to know of a subscription."""

    organisatie: str
    profiel: Profiel
    event_types: frozenset[str]  # empty: every type the profile may receive


def scoped(cls: type[Event]) -> bool:
    """Is this event about one aanmelding or traject (so only its organisations may see it)?"""
    return cls.key_field in (AANMELDING_KEY, TRAJECT_KEY)


def receives(abonnee: Abonnee, ev: Event, organisaties: Collection[str] | None) -> bool:
    """Does this subscriber get this event?

    ``organisaties``: for a scoped event (:func:`scoped`), the organisations of its aanmelding or traject as far as
    the dispatcher's projection knows them (``None`` or empty: nobody's, so no partner gets it).
    """
    cls = type(ev)
    if not may_receive_type(abonnee.profiel, cls):
        return False
    if abonnee.event_types and cls.event_type not in abonnee.event_types:
        return False
    if abonnee.profiel is Profiel.ACT:
        return True
    if scoped(cls):
        return bool(organisaties) and abonnee.organisatie in organisaties  # type: ignore[operator]
    addressed = getattr(ev, ADDRESSED_FIELD, None)
    if addressed is not None:
        return abonnee.organisatie in addressed
    return True


def unknown_types(profiel: Profiel, requested: Iterable[str]) -> list[str]:
    """The requested event types this profile may not subscribe to (for a 422 naming them)."""
    allowed = allowed_types(profiel)
    return [t for t in requested if t not in allowed]
