"""Events published by the aanmelding service (domain guide §10). They carry ids and codes, never names or free text."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import ConfigDict

from jeugdhulp_common import topics
from jeugdhulp_common.events import Event, PrivacyClass, Verwijzing, event
from jeugdhulp_common.contracts.vocabulary import (
    AanmelderCategorie,
    BlokkadeStatus,
    IntakePauzeReden,
    Onderwerp,
    Ondersteuningsvorm,
    RedenNietOpstart,
    RedenVanAanmelding,
    RegioELZ,
)

P = "aanmelding"


@event(topic=topics.AANMELDING_MICRO, producer=P, privacy=PrivacyClass.P, key="aanmelding_id")
class AanmeldingOntvangen(Event):
    aanmelding_id: uuid.UUID
    aanmelder_organisatie: str
    aanmelder_categorie: AanmelderCategorie
    onderwerp: Onderwerp
    regio_jongere: RegioELZ
    leeftijd_bij_aanmelding: int
    redenen: list[RedenVanAanmelding]
    blokkade_status_bij_aanmelding: BlokkadeStatus | None = None


@event(topic=topics.AANMELDING_MICRO, producer=P, privacy=PrivacyClass.PS, key="aanmelding_id")
class AanmeldingGescreend(Event):
    aanmelding_id: uuid.UUID
    aanmelder_organisatie: str
    regio_ok: bool
    leeftijd_ok: bool


@event(topic=topics.AANMELDING_MICRO, producer=P, privacy=PrivacyClass.PS, key="aanmelding_id")
class AanmeldingNietOpgestart(Event):
    aanmelding_id: uuid.UUID
    aanmelder_organisatie: str
    reden: RedenNietOpstart
    # Code of one of the 24 forms (§4.10); a free-text advice stays inside the aanmelding service.
    alternatief_advies: Ondersteuningsvorm | None = None


@event(topic=topics.AANMELDING_MICRO, producer=P, privacy=PrivacyClass.PS, key="aanmelding_id")
class InstemmingVastgelegd(Event):
    """A consent, or (``ingetrokken=True``) its withdrawal; ``op`` is when it was given, resp. withdrawn (§9 rule 5)."""

    aanmelding_id: uuid.UUID
    door: str  # who consented, as a code: JONGERE, OUDER, VOOGD
    scope: list[str]  # codes: TRAJECT_OPSTART, GEGEVENSDELING_PARTNERS, CONTACTGEGEVENS_DOORGEVEN
    op: dt.datetime
    ingetrokken: bool = False
    # Which consent record this is about, so a withdrawal names the consent it ends (two OUDER consents with the
    # same scope are otherwise indistinguishable). Always set by the aanmelding service; optional for compatibility.
    instemming_id: uuid.UUID | None = None


@event(topic=topics.AANMELDING_MICRO, producer=P, privacy=PrivacyClass.PS, key="aanmelding_id")
class AanmeldingOpgestart(Event):
    aanmelding_id: uuid.UUID
    aanmelder_organisatie: str
    aanmelder_categorie: AanmelderCategorie
    blokkade_status_bij_aanmelding: BlokkadeStatus | None = None


INTAKE_KEY = "intake"


@event(topic=topics.AANMELDING_MESO, producer=P, privacy=PrivacyClass.A, key="intake", version=1, name="IntakeStatusGewijzigd")
class IntakeStatusGewijzigdV1(Event):
    # Version 1, kept registered to read old records: its free-text ``reden`` crossed to meso ungated, so
    # version 2 carries a reason code instead. Same schema title as before.
    model_config = ConfigDict(title="IntakeStatusGewijzigd")

    intake: str = INTAKE_KEY
    open: bool
    reden: str | None = None


@event(topic=topics.AANMELDING_MESO, producer=P, privacy=PrivacyClass.A, key="intake", version=2)
class IntakeStatusGewijzigd(Event):
    intake: Verwijzing = INTAKE_KEY
    open: bool
    reden_code: IntakePauzeReden | None = None  # why intake is paused (None while open); the team's words stay in aanmelding
