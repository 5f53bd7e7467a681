"""Request and response bodies of the signalering API (camelCase on the wire). Lists answer a
:class:`jeugdhulp_common.paging.Page` of these. ``null`` for a count outside the team = suppressed (small cell)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from jeugdhulp_common.api import RequestBody, ResponseBody
from jeugdhulp_common.contracts.vocabulary import AanbevelingNiveau, ActiepuntAdresNiveau, Niveau, Sector
from pydantic import Field

from signalering.domain import ForumVorm, PostItVraag
from signalering.domain.rapportage import Doelgroep

In = RequestBody
Uit = ResponseBody

Tekst = Annotated[str, Field(max_length=4000)]
Kort = Annotated[str, Field(min_length=1, max_length=300)]

# ------------------------------------------------------------------ requests


class SignaalWijziging(In):
    tekst: Tekst | None = None
    levensdomeinen: list[Kort] | None = Field(None, max_length=50)
    sectoren: list[Sector] | None = Field(None, max_length=50)


class ThemaKeuze(In):
    thema_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)


class NieuwThema(In):
    naam: Kort
    subthemas: list[Kort] = Field(default_factory=list, max_length=50)


class DeelnemerIn(In):
    functie: Kort
    organisatie: Kort


class NieuweSessie(In):
    thema_id: uuid.UUID
    datum: dt.date
    deelnemers: list[DeelnemerIn] = Field(default_factory=list, max_length=200)


class StellingIn(In):
    tekst: Tekst
    akkoord: int = Field(0, ge=0, le=100_000)
    niet_akkoord: int = Field(0, ge=0, le=100_000)
    discussie: Tekst = ""


class PostItIn(In):
    niveau: Niveau
    vraag: PostItVraag
    tekst: Tekst


class Uitkomst(In):
    subthemas: list[Kort] | None = Field(None, max_length=50)
    volgende_themas: list[Kort] | None = Field(None, max_length=50)
    ontbrekende_partners: list[Kort] | None = Field(None, max_length=200)
    verslag: Annotated[str, Field(max_length=20000)] | None = None
    deelnemers: list[DeelnemerIn] | None = Field(None, max_length=200)


class ForumDeelnemerIn(In):
    organisatie: Kort
    sector: Sector
    aantal: int = Field(1, ge=1, le=100_000)


class NieuwForum(In):
    datum: dt.date
    vorm: ForumVorm
    deelnemers: list[ForumDeelnemerIn] = Field(default_factory=list, max_length=500)


class Deelnemers(In):
    deelnemers: list[ForumDeelnemerIn] = Field(max_length=500)


class NieuweTafel(In):
    thema_id: uuid.UUID
    subthemas: list[Kort] | None = Field(None, max_length=50)


class Prioritering(In):
    # {subthema: whole percentage}; the domain checks the keys and that they sum to exactly 100 (409 otherwise)
    prioritering: dict[Kort, Annotated[int, Field(ge=0, le=100)]] = Field(max_length=100)


class DoelstellingIn(In):
    wat: Tekst
    wie: Tekst
    hoe: Tekst


class NieuwActiepunt(In):
    subthema: Kort
    tekst: Tekst
    adres_niveau: ActiepuntAdresNiveau
    eigenaar: Kort


class ActiepuntActieIn(In):
    # the actions a caller may ask (the reminder, HERINNEREN, is the timer's)
    actie: Literal["OPNEMEN", "OMZETTEN", "TERUGKOPPELEN"]
    eigenaar: Kort | None = None
    naar_organisaties: list[Kort] | None = Field(None, max_length=200)


class NieuweAanbeveling(In):
    niveau: AanbevelingNiveau
    thema_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    tekst: Tekst
    randvoorwaarden: list[Tekst] = Field(max_length=50)
    drempels: list[Tekst] = Field(max_length=50)
    jaar: int = Field(ge=2021, le=2100)


class Terugkoppelen(In):
    naar_organisaties: list[Kort] = Field(min_length=1, max_length=200)


# ------------------------------------------------------------------ responses


class BevindingGateUit(Uit):
    """One finding of the de-identification gate: field, kind, span and its mask (never the data found)."""

    veld: str
    soort: str
    start: int
    einde: int
    gemaskeerd: str


class VoorstelUit(Uit):
    tekst: str
    levensdomeinen: list[str]


class SignaalUit(Uit):
    signaal_id: uuid.UUID
    status: str
    soort: str
    bron_overleg_soort: str
    bron_niveau: str
    bron_vraag_id: str | None
    tekst: str
    persoonsgegevens: list[str]
    bevindingen: list[BevindingGateUit]
    voorstel: VoorstelUit | None
    thema_voorstellen: list[str]
    thema_ids: list[uuid.UUID]
    levensdomeinen: list[str]
    sectoren: list[str]
    vrijgegeven_op: str | None  # ISO 8601


class ThemaKortUit(Uit):
    thema_id: uuid.UUID
    naam: str
    status: str
    aantal_trajecten: int | None
    aantal_signalen: int | None
    laatste_signaal_op: str | None  # ISO 8601


class BacklogThemaUit(ThemaKortUit):
    positie: int


class BevindingUit(Uit):
    bevinding_id: uuid.UUID
    subthema: str


class HistorieUit(Uit):
    op: str  # ISO 8601
    gebeurtenis: str
    status: str
    van: str | None
    aantal_trajecten: int | None


class ThemaSessieUit(Uit):
    sessie_id: uuid.UUID
    datum: dt.date
    status: str


class ThemaTafelUit(Uit):
    tafel_id: uuid.UUID
    forum_id: uuid.UUID
    status: str


class ThemaUit(ThemaKortUit):
    subthemas: list[str]
    bevindingen: list[BevindingUit]
    historie: list[HistorieUit]
    sessies: list[ThemaSessieUit]
    tafels: list[ThemaTafelUit]
    aanbevelingen: list[uuid.UUID]


class ForumBacklogUit(Uit):
    bevinding_id: uuid.UUID
    thema_id: uuid.UUID
    thema_naam: str | None
    subthema: str
    sessie_id: uuid.UUID | None


class TellingUit(Uit):
    bron: str
    code: str
    jaar: int
    aantal: int | None


class DeelnemerUit(Uit):
    functie: str
    organisatie: str


class StellingUit(Uit):
    tekst: str
    akkoord: int
    niet_akkoord: int
    discussie: str


class PostItUit(Uit):
    niveau: str
    vraag: str
    tekst: str


class SessieUit(Uit):
    sessie_id: uuid.UUID
    thema_id: uuid.UUID
    datum: dt.date
    status: str
    deelnemers: list[DeelnemerUit]
    stellingen: list[StellingUit]
    post_its: list[PostItUit]
    subthemas: list[str]
    volgende_themas: list[str]
    ontbrekende_partners: list[str]
    verslag: str | None


class ActiepuntUit(Uit):
    actiepunt_id: uuid.UUID
    tafel_id: uuid.UUID
    bevinding_id: uuid.UUID
    subthema: str | None
    tekst: str
    adres_niveau: str
    eigenaar: str
    status: str
    aangemaakt_op: dt.date
    laatst_gesignaleerd_op: dt.date | None


class ForumDeelnemerUit(Uit):
    organisatie: str
    sector: str
    aantal: int


class DoelstellingUit(Uit):
    wat: str
    wie: str
    hoe: str


class TafelUit(Uit):
    tafel_id: uuid.UUID
    thema_id: uuid.UUID
    thema_naam: str | None
    status: str
    bevindingen: list[BevindingUit]
    prioritering: dict[str, int] | None
    doelstelling: DoelstellingUit | None
    actiepunten: list[ActiepuntUit]


class ForumUit(Uit):
    forum_id: uuid.UUID
    datum: dt.date
    vorm: str
    deelnemers: list[ForumDeelnemerUit]
    aantal_organisaties: int
    aantal_personen: int
    personen_per_sector: dict[str, int]
    tafels: list[TafelUit]


class NieuweTafelUit(Uit):
    tafel_id: uuid.UUID
    forum: ForumUit


class AanbevelingUit(Uit):
    aanbeveling_id: uuid.UUID
    niveau: str
    thema_ids: list[uuid.UUID]
    tekst: str
    randvoorwaarden: list[str]
    drempels: list[str]
    jaar: int
    status: str
    teruggekoppeld_aan: list[str]


# ------------------------------------------------------------------ the report (GET /rapportage; CSV and HTML are made
# from the same Rapport in rapportage_weergave)

Aantal = int | None  # None: suppressed (a count from 1 to the minimum − 1, or its complement)


class Tabel1KolomOut(Uit):
    label: str
    van: dt.date
    tot: dt.date
    nieuwe_aanmeldingen: Aantal
    opstart: Aantal
    afronding: Aantal
    niet_opgestart: Aantal
    lopend_begin: Aantal
    lopend_eind: Aantal


class TrechterOut(Uit):
    signalen_vrijgegeven_per_thema: dict[str, Aantal]
    themas_per_status: dict[str, Aantal]
    lerend_netwerk_sessies: dict[str, Aantal]
    forum_discussietafels: dict[str, Aantal]
    actiepunten: dict[str, Aantal]
    beleidsaanbevelingen_per_niveau: dict[str, Aantal]


class KruiscelOut(Uit):
    leeftijd: str
    regio: str
    aanmelder_categorie: str
    aantal: int


class RapportOut(Uit):
    """A report of one period for one audience. ``null`` counts are suppressed (§9 rule 4)."""

    periode_van: dt.date
    periode_tot: dt.date
    doelgroep: Doelgroep
    minimum_cel: int | None
    toelichting: str
    tabel1: list[Tabel1KolomOut]
    totaal_trajecten: Aantal
    tabel2_leeftijd: dict[str, Aantal]
    tabel3_regio: dict[str, Aantal]
    tabel4_aanmelder: dict[str, dict[str, Aantal]]
    niet_opgestart_reden: dict[str, Aantal]
    niet_opgestart_alternatief_advies: dict[str, Aantal]
    blokkade_bij_start: dict[str, Aantal]
    blokkade_bij_einde: dict[str, Aantal]
    afronding_redenen: dict[str, Aantal]
    trechter: TrechterOut
    kruistabel: list[KruiscelOut] | None = None
