"""Events published by the signalering service (domain guide §10). All anonymous (class A): no traject id,
no personal data. A traject appears only as ``traject_ref``, a salted hash whose salt stays in signalering."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import ConfigDict

from jeugdhulp_common import topics
from jeugdhulp_common.events import Event, GatedText, OrganisatieNaam, PrivacyClass, SuppressedCount, Verwijzing, event
from jeugdhulp_common.contracts.vocabulary import (
    AanbevelingNiveau,
    ActiepuntAdresNiveau,
    ActiepuntStatus,
    Niveau,
    OverlegSoort,
    Sector,
    SignaalSoort,
    ThemaStatus,
)

P = "signalering"
A = PrivacyClass.A


@event(topic=topics.SIGNALERING_MESO, producer=P, privacy=A, key="signaal_id")
class SignaalVrijgegeven(Event):
    signaal_id: uuid.UUID
    soort: SignaalSoort
    tekst: GatedText  # de-identified by a person before release
    bron_overleg_soort: OverlegSoort
    traject_ref: Verwijzing
    thema_ids: list[uuid.UUID] = []
    levensdomeinen: list[GatedText] = []
    sectoren: list[Sector] = []


class _ThemaEvent(Event):
    thema_id: uuid.UUID
    naam: GatedText
    # distinct trajecten, suppressed outside the team: 1 .. SIGNALERING_MINIMUM_CELGROOTTE - 1 is null, 0 stays 0
    aantal_trajecten: SuppressedCount
    status: ThemaStatus


@event(topic=topics.SIGNALERING_MESO, producer=P, privacy=A, key="thema_id", version=2)
class ThemaAangemaakt(_ThemaEvent):
    pass


@event(topic=topics.SIGNALERING_MESO, producer=P, privacy=A, key="thema_id", version=2)
class ThemaTerugkerend(_ThemaEvent):
    pass


@event(topic=topics.SIGNALERING_MESO, producer=P, privacy=A, key="thema_id", version=2)
class ThemaStatusGewijzigd(_ThemaEvent):
    van: ThemaStatus


# Version 1 of the theme events, kept registered to read old records: their exact ``aantal_trajecten`` showed
# counts of 1 and 2 on the meso topic; version 2 suppresses small counts. Same schema titles as before.


class _ThemaEventV1(Event):
    thema_id: uuid.UUID
    naam: GatedText
    aantal_trajecten: int
    status: ThemaStatus


@event(topic=topics.SIGNALERING_MESO, producer=P, privacy=A, key="thema_id", version=1, name="ThemaAangemaakt")
class ThemaAangemaaktV1(_ThemaEventV1):
    model_config = ConfigDict(title="ThemaAangemaakt")


@event(topic=topics.SIGNALERING_MESO, producer=P, privacy=A, key="thema_id", version=1, name="ThemaTerugkerend")
class ThemaTerugkerendV1(_ThemaEventV1):
    model_config = ConfigDict(title="ThemaTerugkerend")


@event(topic=topics.SIGNALERING_MESO, producer=P, privacy=A, key="thema_id", version=1, name="ThemaStatusGewijzigd")
class ThemaStatusGewijzigdV1(_ThemaEventV1):
    model_config = ConfigDict(title="ThemaStatusGewijzigd")

    van: ThemaStatus


@event(topic=topics.SIGNALERING_MESO, producer=P, privacy=A, key="thema_id")
class LerendNetwerkSessieGehouden(Event):
    sessie_id: uuid.UUID
    thema_id: uuid.UUID
    datum: dt.date
    subthemas: list[GatedText]
    volgende_themas: list[GatedText] = []
    ontbrekende_partners: list[OrganisatieNaam] = []


@event(topic=topics.SIGNALERING_MESO, producer=P, privacy=A, key="terugkoppeling_id")
class TerugkoppelingVerstuurd(Event):
    terugkoppeling_id: uuid.UUID
    van_niveau: Niveau
    naar_organisaties: list[OrganisatieNaam]
    inhoud_ref: Verwijzing


@event(topic=topics.SIGNALERING_MACRO, producer=P, privacy=A, key="forum_id")
class DiscussietafelAfgerond(Event):
    forum_id: uuid.UUID
    tafel_id: uuid.UUID
    thema_id: uuid.UUID
    bevindingen: list[GatedText]
    actiepunt_ids: list[uuid.UUID] = []


@event(topic=topics.SIGNALERING_MACRO, producer=P, privacy=A, key="forum_id")
class PrioriteringVastgesteld(Event):
    forum_id: uuid.UUID
    tafel_id: uuid.UUID
    prioritering: dict[GatedText, int]  # {subthema: %}, the subthemes gated as bevindingen


class _ActiepuntEvent(Event):
    actiepunt_id: uuid.UUID
    tekst: GatedText
    adres_niveau: ActiepuntAdresNiveau
    eigenaar: OrganisatieNaam
    status: ActiepuntStatus


@event(topic=topics.SIGNALERING_MACRO, producer=P, privacy=A, key="actiepunt_id")
class ActiepuntAangemaakt(_ActiepuntEvent):
    pass


@event(topic=topics.SIGNALERING_MACRO, producer=P, privacy=A, key="actiepunt_id")
class ActiepuntStatusGewijzigd(_ActiepuntEvent):
    opnieuw_gesignaleerd: bool = False


@event(topic=topics.SIGNALERING_MACRO, producer=P, privacy=A, key="aanbeveling_id")
class BeleidsaanbevelingGeformuleerd(Event):
    aanbeveling_id: uuid.UUID
    niveau: AanbevelingNiveau
    thema_ids: list[uuid.UUID]
    tekst: GatedText
    randvoorwaarden: list[GatedText]
    drempels: list[GatedText]
    jaar: int
