"""Events published by the traject service (domain guide §10)."""

from __future__ import annotations

from typing import ClassVar

import datetime as dt
import uuid

from pydantic import ConfigDict

from jeugdhulp_common import topics
from jeugdhulp_common.events import Contract, Event, PrivacyClass, event
from jeugdhulp_common.contracts.vocabulary import (
    AfrondingsReden,
    BlokkadeStatus,
    DIWAanvraagStatus,
    OverlegSoort,
    RegioELZ,
    Rol,
    SignaalSoort,
)

P = "traject"


class Deelnemer(Contract):
    """A participant named by function and organisation, never by person."""

    functie: str
    organisatie: str


class RolToewijzing(Contract):
    rol: Rol
    organisatie: str
    mandaat_van: list[str] = []


@event(topic=topics.TRAJECT_MICRO, producer=P, privacy=PrivacyClass.P, key="traject_id")
class StartgesprekGepland(Event):
    traject_id: uuid.UUID
    datum: dt.date
    genodigden: list[Deelnemer]


@event(topic=topics.TRAJECT_MICRO, producer=P, privacy=PrivacyClass.PS, key="traject_id")
class TrajectGestart(Event):
    traject_id: uuid.UUID
    aanmelding_id: uuid.UUID
    startdatum: dt.date
    evaluatie_datum: dt.date
    rollen: list[RolToewijzing]
    trajectcoordinator_gemandateerd: bool


@event(topic=topics.TRAJECT_MICRO, producer=P, privacy=PrivacyClass.PS, key="traject_id")
class TrajectRolToegewezen(Event):
    traject_id: uuid.UUID
    rol: Rol
    organisatie: str
    mandaat_van: list[str] = []


@event(topic=topics.TRAJECT_MICRO, producer=P, privacy=PrivacyClass.PS, key="traject_id")
class RondeTafelGehouden(Event):
    traject_id: uuid.UUID
    overleg_id: uuid.UUID
    datum: dt.date
    plan_aangepast: bool


@event(topic=topics.TRAJECT_MICRO, producer=P, privacy=PrivacyClass.PS, key="traject_id")
class TrajectEvaluatieVerschuldigd(Event):
    traject_id: uuid.UUID
    evaluatie_datum: dt.date


@event(topic=topics.TRAJECT_MICRO, producer=P, privacy=PrivacyClass.PS, key="traject_id")
class TrajectVerlengd(Event):
    traject_id: uuid.UUID
    besluit_overleg_id: uuid.UUID
    nieuwe_evaluatie_datum: dt.date


@event(topic=topics.TRAJECT_MICRO, producer=P, privacy=PrivacyClass.PS, key="traject_id")
class TrajectBlokkadeGewijzigd(Event):
    traject_id: uuid.UUID
    van: BlokkadeStatus | None
    naar: BlokkadeStatus
    acute_crisis: bool


@event(topic=topics.TRAJECT_MICRO, producer=P, privacy=PrivacyClass.PS, key="traject_id")
class TrajectRegieOvergedragen(Event):
    traject_id: uuid.UUID
    naar_organisatie: str


class Antwoord(Contract):
    """An answer to one question of Bijlage 4 (§7)."""

    vraag_id: str
    tekst: str | None = None
    blokkade_status: BlokkadeStatus | None = None


class KandidaatSignaal(Contract):
    """A candidate drempel/theme from answers 5a–5f, 7a, 7b. Not released: signalering de-identifies it first."""

    vraag_id: str
    soort: SignaalSoort
    tekst: str


class IdentificerendeKenmerken(Contract):
    """What the de-identification gate in signalering must not let through for this traject, names excepted: the
    names of the traject's persons never leave traject (it masks them as ``[NAAM]`` in the candidate texts)."""

    geboortedata: list[dt.date] = []
    leeftijd: int | None = None
    regio: RegioELZ | None = None


# The ``identificerend`` of SamenwerkingsoverlegGehouden versions 1 and 2 (names included), kept to read them;
# traject also takes it as the input of what to mask, signalering as the context of a concept's gate.
class IdentificerendeGegevens(Contract):
    """What the de-identification gate in signalering must not let through for this traject."""

    namen: list[str] = []
    geboortedata: list[dt.date] = []
    leeftijd: int | None = None
    regio: RegioELZ | None = None


@event(topic=topics.TRAJECT_MICRO_INTERN, producer=P, privacy=PrivacyClass.P, key="traject_id", version=1, name="SamenwerkingsoverlegGehouden")
class SamenwerkingsoverlegGehoudenV1(Event):
    # Version 1, kept registered to read old records: it carried every answer of the overleg.
    model_config = ConfigDict(title="SamenwerkingsoverlegGehouden")

    traject_id: uuid.UUID
    overleg_id: uuid.UUID
    soort: OverlegSoort
    datum: dt.date
    antwoorden: list[Antwoord]
    kandidaat_signalen: list[KandidaatSignaal]
    thema_voorstellen: list[str] = []
    identificerend: IdentificerendeGegevens = IdentificerendeGegevens()


@event(topic=topics.TRAJECT_MICRO_INTERN, producer=P, privacy=PrivacyClass.P, key="traject_id", version=2, name="SamenwerkingsoverlegGehouden")
class SamenwerkingsoverlegGehoudenV2(Event):
    """Data minimisation (§9): only what signalering needs, the candidate answers (5a–5f, 7b) and the theme
    proposals (7a), plus what its gate must recognise (``identificerend``); the other answers stay in traject."""

    # Version 2, kept registered to read old records: it carried the professionals' names (``identificerend.namen``)
    # for signalering's gate; version 3 has them masked in the candidate texts by traject instead.
    model_config = ConfigDict(title="SamenwerkingsoverlegGehouden")

    traject_id: uuid.UUID
    overleg_id: uuid.UUID
    soort: OverlegSoort
    datum: dt.date
    kandidaat_signalen: list[KandidaatSignaal]
    thema_voorstellen: list[str] = []
    identificerend: IdentificerendeGegevens = IdentificerendeGegevens()


@event(topic=topics.TRAJECT_MICRO_INTERN, producer=P, privacy=PrivacyClass.P, key="traject_id", version=3)
class SamenwerkingsoverlegGehouden(Event):
    """Data minimisation (§9): only what signalering needs, the candidate answers (5a–5f, 7b) and the theme
    proposals (7a), plus what its gate must recognise besides names (``identificerend``); the other answers stay
    in traject. No names: traject masks the names it knows (the role holders') as ``[NAAM]`` in the candidate
    texts and proposals before it stages the event; signalering's gate checks everything else."""

    request_fields: ClassVar[dict[str, str]] = {"kandidaatSignalen": "antwoorden"}

    traject_id: uuid.UUID
    overleg_id: uuid.UUID
    soort: OverlegSoort
    datum: dt.date
    kandidaat_signalen: list[KandidaatSignaal]
    thema_voorstellen: list[str] = []
    identificerend: IdentificerendeKenmerken = IdentificerendeKenmerken()


@event(topic=topics.TRAJECT_MICRO, producer=P, privacy=PrivacyClass.PS, key="traject_id")
class TrajectAfgerond(Event):
    traject_id: uuid.UUID
    afgerond_op: dt.date
    redenen: list[AfrondingsReden]
    blokkade_status_einde: BlokkadeStatus | None = None
    voor_minimale_looptijd: bool = False


class _DIWAanvraagEvent(Event):
    aanvraag_id: uuid.UUID
    traject_id: uuid.UUID
    bedrag_eurocent: int
    status: DIWAanvraagStatus


@event(topic=topics.TRAJECT_MICRO, producer=P, privacy=PrivacyClass.PS, key="traject_id")
class DIWAanvraagIngediend(_DIWAanvraagEvent):
    pass


@event(topic=topics.TRAJECT_MICRO, producer=P, privacy=PrivacyClass.PS, key="traject_id")
class DIWAanvraagBeslist(_DIWAanvraagEvent):
    pass


@event(topic=topics.TRAJECT_MICRO, producer=P, privacy=PrivacyClass.PS, key="traject_id")
class DIWAanvraagEvaluatieVerschuldigd(_DIWAanvraagEvent):
    evaluatie_datum: dt.date
