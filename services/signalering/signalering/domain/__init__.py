"""Pure domain model of the signalering service (domain guide §4.4–§4.7, §5.4, §6, §9).

No I/O: no asyncio, no database, no HTTP, no clock reads — dates (``nu``, ``vandaag``), the rules
(:class:`SignaleringRegels`) and the salt come in as arguments. Aggregates are dataclasses: the constructor
restores stored fields without emitting; factories and actions append contract events to ``.events``
(drain with ``neem_events()``) for the outbox. Rule violations raise the shared domain errors
(``OngeldigeOvergang``, ``RegelGeschonden``).

Modules: ``signaal``, ``thema``, ``lerend_netwerk``, ``forum``, ``beleid`` (aggregates); ``persoonsgegevens``
(the de-identification detector); ``pseudoniem`` (salted traject refs); ``privacy`` (scan of JSON-like values);
``catalogus`` and ``forum_2024`` (seed data and fixture); ``regels``; ``vocabulaire`` (new enums).
"""

from signalering.domain.beleid import (
    AANBEVELING_OVERGANGEN,
    ACTIEPUNT_OPDRACHTEN,
    AanbevelingActie,
    ActiepuntOpdracht,
    Beleidsaanbeveling,
    Terugkoppeling,
    behandel_actiepunt,
    koppel_actiepunt_terug,
    terugkoppeling_na_lerend_netwerk,
)
from signalering.domain.catalogus import CATALOGUS, CatalogusThema, catalogus_thema_id, seed_themas
from signalering.domain.forum import (
    ACTIEPUNT_OVERGANGEN,
    TAFEL_OVERGANGEN,
    Actiepunt,
    ActiepuntActie,
    Discussietafel,
    Doelstelling,
    Forum,
    ForumDeelnemer,
    TafelActie,
    forum_backlog,
    herinner_openstaande_actiepunten,
    kies_bevindingen,
    valideer_prioritering,
)
from signalering.domain.lerend_netwerk import (
    SESSIE_OVERGANGEN,
    Bevinding,
    Deelnemer,
    LerendNetwerkSessie,
    PostIt,
    SessieActie,
    Stelling,
)
from signalering.domain.persoonsgegevens import (
    DetectieContext,
    PersoonsgegevenSoort,
    Vondst,
    detecteer,
    is_geldig_rijksregisternummer,
)
from signalering.domain.privacy import PrivacyMelding, controleer_anoniem, scan_privacy
from signalering.domain.pseudoniem import signaal_ref, thema_traject_ref, traject_ref
from signalering.domain.regels import SignaleringRegels
from signalering.domain.signaal import (
    SIGNAAL_OVERGANGEN,
    PersoonsgegevensGevonden,
    Signaal,
    SignaalActie,
    signalen_uit_overleg,
)
from signalering.domain.thema import (
    THEMA_OVERGANGEN,
    Thema,
    ThemaActie,
    controleer_unieke_naam,
    koppel_signaal,
    lerend_netwerk_backlog,
)
from signalering.domain.vocabulaire import (
    AanbevelingStatus,
    ForumVorm,
    PostItVraag,
    SessieStatus,
    SignaalStatus,
    TafelStatus,
    niveau_van_overleg,
)

__all__ = [
    "valideer_prioritering",
    "AANBEVELING_OVERGANGEN",
    "ACTIEPUNT_OPDRACHTEN",
    "ACTIEPUNT_OVERGANGEN",
    "CATALOGUS",
    "SESSIE_OVERGANGEN",
    "SIGNAAL_OVERGANGEN",
    "TAFEL_OVERGANGEN",
    "THEMA_OVERGANGEN",
    "AanbevelingActie",
    "AanbevelingStatus",
    "Actiepunt",
    "ActiepuntActie",
    "ActiepuntOpdracht",
    "Beleidsaanbeveling",
    "Bevinding",
    "CatalogusThema",
    "Deelnemer",
    "DetectieContext",
    "Discussietafel",
    "Doelstelling",
    "Forum",
    "ForumDeelnemer",
    "ForumVorm",
    "LerendNetwerkSessie",
    "PersoonsgegevenSoort",
    "PersoonsgegevensGevonden",
    "PostIt",
    "PostItVraag",
    "PrivacyMelding",
    "SessieActie",
    "SessieStatus",
    "Signaal",
    "SignaalActie",
    "SignaalStatus",
    "SignaleringRegels",
    "Stelling",
    "TafelActie",
    "TafelStatus",
    "Terugkoppeling",
    "Thema",
    "ThemaActie",
    "Vondst",
    "behandel_actiepunt",
    "catalogus_thema_id",
    "controleer_unieke_naam",
    "controleer_anoniem",
    "detecteer",
    "forum_backlog",
    "herinner_openstaande_actiepunten",
    "is_geldig_rijksregisternummer",
    "kies_bevindingen",
    "koppel_actiepunt_terug",
    "koppel_signaal",
    "lerend_netwerk_backlog",
    "niveau_van_overleg",
    "scan_privacy",
    "seed_themas",
    "signalen_uit_overleg",
    "terugkoppeling_na_lerend_netwerk",
    "signaal_ref",
    "thema_traject_ref",
    "traject_ref",
]
