"""Netwerkforum, Discussietafel and Actiepunt (§4.6, §6 step 4).

A netwerkforum is an intersectoral *meeting* (in person or digital), not a message board (§2.2, §11.10).
Per theme there are one or more discussietafels [001: "(Twee discussietafels)"], [001: "(Drie
discussietafels)"]; each discusses the theme's bevindingen (one per subtheme, from the LN), produces
actiepunten [001: "Actiepunten (vanuit FORUM)"], a prioritering {subthema: %} summing to 100 and optionally a
doelstelling [001: "Doelstelling  (Wat, Wie, Hoe)"].

    Discussietafel: OPEN ─prioriteren/doelstelling/actiepunt→ OPEN ─afronden→ AFGEROND      (INFERRED)
    Actiepunt:      OPEN ─opnemen→ OPGENOMEN ─omzetten→ OMGEZET | ─terugkoppelen→ TERUGGEKOPPELD (§4.6, INFERRED)
                    OPEN ─herinneren→ OPEN   ("Aanklampend signaleren", INFERRED)
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from jeugdhulp_common.contracts.signalering import (
    ActiepuntAangemaakt,
    ActiepuntStatusGewijzigd,
    DiscussietafelAfgerond,
    PrioriteringVastgesteld,
)
from jeugdhulp_common.contracts.vocabulary import ActiepuntAdresNiveau, ActiepuntStatus, Sector, ThemaStatus
from jeugdhulp_common.domain import Aggregaat, NietGevonden, Overgangen, RegelGeschonden, OngeldigeInvoer

from signalering.domain._basis import geen_contactgegevens, geen_persoonsgegevens, tijdstip, verplichte_tekst
from signalering.domain.lerend_netwerk import Bevinding
from signalering.domain.regels import STANDAARD_REGELS, SignaleringRegels
from signalering.domain.thema import Thema
from signalering.domain.vocabulaire import ForumVorm, TafelStatus

PRIORITERING_TOTAAL = 100

# --------------------------------------------------------------------------- Forum


@dataclass(frozen=True)
class ForumDeelnemer:
    """Attendance of one organisation: {organisatie, sector, aantal} (§4.6, §8 table; no persons)."""

    organisatie: str
    sector: Sector
    aantal: int = 1

    def __post_init__(self) -> None:
        verplichte_tekst(self.organisatie, "deelnemers")
        if isinstance(self.aantal, bool) or not isinstance(self.aantal, int) or self.aantal < 1:
            raise RegelGeschonden("aantal is a headcount of at least 1", veld="deelnemers")


@dataclass(eq=False)
class Forum(Aggregaat):
    """A netwerkforum {datum, vorm, deelnemers} (§4.6). Emits nothing itself; its tables do."""

    forum_id: uuid.UUID
    datum: dt.date
    vorm: ForumVorm
    deelnemers: list[ForumDeelnemer] = field(default_factory=list)
    tafel_ids: list[uuid.UUID] = field(default_factory=list)

    @classmethod
    def plan(
        cls, forum_id: uuid.UUID, datum: dt.date, vorm: ForumVorm, deelnemers: Sequence[ForumDeelnemer] = ()
    ) -> Forum:
        forum = cls(forum_id=forum_id, datum=datum, vorm=ForumVorm(vorm))
        forum.registreer_deelnemers(deelnemers)
        return forum

    def registreer_deelnemers(self, deelnemers: Sequence[ForumDeelnemer]) -> None:
        """Replace the attendance list; each organisation appears once."""
        namen = [d.organisatie.strip().casefold() for d in deelnemers]
        if len(set(namen)) != len(namen):
            raise OngeldigeInvoer("deelnemers", "an organisation appears twice in the attendance")
        self.deelnemers = list(deelnemers)

    @property
    def aantal_organisaties(self) -> int:
        return len(self.deelnemers)

    @property
    def aantal_personen(self) -> int:
        return sum(d.aantal for d in self.deelnemers)

    def personen_per_sector(self) -> dict[Sector, int]:
        uit: dict[Sector, int] = {}
        for d in self.deelnemers:
            uit[d.sector] = uit.get(d.sector, 0) + d.aantal
        return uit


# --------------------------------------------------------------------------- prioritering


def valideer_prioritering(prioritering: Mapping[str, int], subthemas: Sequence[str]) -> dict[str, int]:
    """A prioritering {subthema: percentage} (§4.6): the keys are exactly the table's subthemes, each value a
    whole percentage 0–100, and the total exactly 100. Otherwise ``RegelGeschonden(veld="prioritering")``."""
    verwacht = set(subthemas)
    sleutels = set(prioritering)
    if sleutels != verwacht:
        onbekend, ontbrekend = len(sleutels - verwacht), len(verwacht - sleutels)
        raise RegelGeschonden(
            f"the prioritering must name exactly the table's subthemes ({onbekend} unknown, {ontbrekend} missing)",
            veld="prioritering",
        )
    for waarde in prioritering.values():
        if isinstance(waarde, bool) or not isinstance(waarde, int) or not 0 <= waarde <= PRIORITERING_TOTAAL:
            raise RegelGeschonden("each percentage is a whole number from 0 to 100", veld="prioritering")
    totaal = sum(prioritering.values())
    if totaal != PRIORITERING_TOTAAL:
        raise RegelGeschonden(f"the percentages must sum to exactly 100, not {totaal}", veld="prioritering")
    return {s: prioritering[s] for s in subthemas}


@dataclass(frozen=True)
class Doelstelling:
    """An optional objective of a table: wat, wie, hoe [001: "Doelstelling  (Wat, Wie, Hoe)"]."""

    wat: str
    wie: str
    hoe: str

    def __post_init__(self) -> None:
        for waarde in (self.wat, self.wie, self.hoe):
            verplichte_tekst(waarde, "doelstelling")
        geen_contactgegevens("doelstelling", self.wat, self.wie, self.hoe)


# --------------------------------------------------------------------------- Discussietafel


class TafelActie(StrEnum):
    PRIORITEREN = "PRIORITEREN"
    DOELSTELLING_VASTLEGGEN = "DOELSTELLING_VASTLEGGEN"
    ACTIEPUNT_TOEVOEGEN = "ACTIEPUNT_TOEVOEGEN"
    AFRONDEN = "AFRONDEN"


_O = TafelStatus.OPEN
TAFEL_OVERGANGEN: Overgangen[TafelStatus, TafelActie] = Overgangen(
    "Discussietafel",
    {
        (_O, TafelActie.PRIORITEREN): _O,
        (_O, TafelActie.DOELSTELLING_VASTLEGGEN): _O,
        (_O, TafelActie.ACTIEPUNT_TOEVOEGEN): _O,
        (_O, TafelActie.AFRONDEN): TafelStatus.AFGEROND,
    },
)


@dataclass(eq=False)
class Discussietafel(Aggregaat):
    """A discussion table on one theme at one forum. The constructor restores stored fields and never emits."""

    tafel_id: uuid.UUID
    forum_id: uuid.UUID
    thema_id: uuid.UUID
    bevindingen: list[Bevinding] = field(default_factory=list)
    status: TafelStatus = TafelStatus.OPEN
    prioritering: dict[str, int] | None = None
    doelstelling: Doelstelling | None = None
    actiepunt_ids: list[uuid.UUID] = field(default_factory=list)

    @classmethod
    def open(
        cls,
        tafel_id: uuid.UUID,
        forum: Forum,
        thema: Thema,
        bevindingen: Sequence[Bevinding],
        *,
        nu: dt.datetime,
        regels: SignaleringRegels = STANDAARD_REGELS,
    ) -> Discussietafel:
        """Open a table on a theme whose LN was held: the theme goes LN_GEHOUDEN → OP_FORUM (a second table on
        the same theme finds it OP_FORUM already). Needs at least one bevinding of that theme, each subtheme once."""
        if not bevindingen:
            raise RegelGeschonden("a table discusses at least one bevinding", veld="bevindingen")
        if any(b.thema_id != thema.thema_id for b in bevindingen):
            raise RegelGeschonden("every bevinding must belong to the table's theme", veld="bevindingen")
        if len({b.subthema.casefold() for b in bevindingen}) != len(bevindingen):
            raise RegelGeschonden("one bevinding per subtheme", veld="bevindingen")
        geen_persoonsgegevens("bevindingen", *(b.subthema for b in bevindingen))
        if thema.status != ThemaStatus.OP_FORUM:
            thema.zet_op_forum(nu=nu, regels=regels)  # raises OngeldigeOvergang unless LN_GEHOUDEN
        tafel = cls(tafel_id=tafel_id, forum_id=forum.forum_id, thema_id=thema.thema_id, bevindingen=list(bevindingen))
        forum.tafel_ids.append(tafel_id)
        return tafel

    @property
    def subthemas(self) -> list[str]:
        return [b.subthema for b in self.bevindingen]

    def aan_forum(self, forum_id: uuid.UUID) -> Discussietafel:
        """This table, if it is a table of forum ``forum_id``; otherwise it is not found there."""
        if self.forum_id != forum_id:
            raise NietGevonden("Discussietafel not found")
        return self

    def bevinding(self, subthema: str) -> Bevinding:
        """The table's bevinding for a subtheme (case-insensitive)."""
        for b in self.bevindingen:
            if b.subthema.casefold() == subthema.strip().casefold():
                return b
        raise RegelGeschonden("no such bevinding at this table", veld="bevinding")

    def stel_prioritering_vast(self, prioritering: Mapping[str, int], *, nu: dt.datetime) -> None:
        """Set (or replace) the prioritering; see :func:`valideer_prioritering`. Emits ``PrioriteringVastgesteld``."""
        self.status = TAFEL_OVERGANGEN.volgende(self.status, TafelActie.PRIORITEREN)
        self.prioritering = valideer_prioritering(prioritering, self.subthemas)
        self._emit(
            PrioriteringVastgesteld(
                occurred_at=tijdstip(nu), forum_id=self.forum_id, tafel_id=self.tafel_id, prioritering=dict(self.prioritering)
            )
        )

    def stel_doelstelling_vast(self, doelstelling: Doelstelling) -> None:
        self.status = TAFEL_OVERGANGEN.volgende(self.status, TafelActie.DOELSTELLING_VASTLEGGEN)
        self.doelstelling = doelstelling

    def voeg_actiepunt_toe(
        self,
        actiepunt_id: uuid.UUID,
        *,
        bevinding_id: uuid.UUID,
        tekst: str,
        adres_niveau: ActiepuntAdresNiveau,
        eigenaar: str,
        aangemaakt_op: dt.date,
        nu: dt.datetime,
    ) -> Actiepunt:
        """A new actiepunt on one of the table's bevindingen. Emits ``ActiepuntAangemaakt`` (on the actiepunt)."""
        self.status = TAFEL_OVERGANGEN.volgende(self.status, TafelActie.ACTIEPUNT_TOEVOEGEN)
        if bevinding_id not in {b.bevinding_id for b in self.bevindingen}:
            raise RegelGeschonden("the bevinding is not discussed at this table", veld="bevinding")
        if actiepunt_id in self.actiepunt_ids:
            raise RegelGeschonden("this actiepunt already exists", veld="actiepuntId")
        actiepunt = Actiepunt.nieuw(
            actiepunt_id,
            tafel_id=self.tafel_id,
            bevinding_id=bevinding_id,
            tekst=tekst,
            adres_niveau=adres_niveau,
            eigenaar=eigenaar,
            aangemaakt_op=aangemaakt_op,
            nu=nu,
        )
        self.actiepunt_ids.append(actiepunt_id)
        return actiepunt

    def rond_af(self, *, nu: dt.datetime) -> None:
        """Close the table. Emits ``DiscussietafelAfgerond`` with the bevindingen (subthemes) and actiepunt ids.
        The prioritering is optional (INFERRED: the 2024 seed gives one pie chart per theme, not per table)."""
        self.status = TAFEL_OVERGANGEN.volgende(self.status, TafelActie.AFRONDEN)
        self._emit(
            DiscussietafelAfgerond(
                occurred_at=tijdstip(nu),
                forum_id=self.forum_id,
                tafel_id=self.tafel_id,
                thema_id=self.thema_id,
                bevindingen=self.subthemas,
                actiepunt_ids=list(self.actiepunt_ids),
            )
        )


def kies_bevindingen(bevindingen: Sequence[Bevinding], subthemas: Sequence[str] | None) -> list[Bevinding]:
    """The bevindingen a new table discusses: all the theme's ``bevindingen`` (from its lerend netwerk) when no
    ``subthemas`` are named, else the ones named (case-insensitive, in the order named); a name that is not a
    bevinding of the theme is refused (field ``subthemas``)."""
    if subthemas is None:
        return list(bevindingen)
    per_naam = {b.subthema.casefold(): b for b in bevindingen}
    if any(s.strip().casefold() not in per_naam for s in subthemas):
        raise RegelGeschonden("not a bevinding of this theme", veld="subthemas")
    return [per_naam[s.strip().casefold()] for s in subthemas]


def forum_backlog(bevindingen: Iterable[Bevinding], tafels: Iterable[Discussietafel]) -> list[Bevinding]:
    """The forum backlog: bevindingen not yet discussed at any table (§6 step 3 "The verslag feeds the forum")."""
    besproken = {b.bevinding_id for t in tafels for b in t.bevindingen}
    gezien: set[uuid.UUID] = set()
    uit = []
    for b in bevindingen:
        if b.bevinding_id not in besproken and b.bevinding_id not in gezien:
            gezien.add(b.bevinding_id)
            uit.append(b)
    return uit


# --------------------------------------------------------------------------- Actiepunt


class ActiepuntActie(StrEnum):
    OPNEMEN = "OPNEMEN"
    OMZETTEN = "OMZETTEN"
    TERUGKOPPELEN = "TERUGKOPPELEN"
    HERINNEREN = "HERINNEREN"


_AS = ActiepuntStatus
ACTIEPUNT_OVERGANGEN: Overgangen[ActiepuntStatus, ActiepuntActie] = Overgangen(
    "Actiepunt",
    {
        (_AS.OPEN, ActiepuntActie.OPNEMEN): _AS.OPGENOMEN,
        (_AS.OPEN, ActiepuntActie.HERINNEREN): _AS.OPEN,
        (_AS.OPGENOMEN, ActiepuntActie.OMZETTEN): _AS.OMGEZET,
        (_AS.OPGENOMEN, ActiepuntActie.TERUGKOPPELEN): _AS.TERUGGEKOPPELD,
    },
)


@dataclass(eq=False)
class Actiepunt(Aggregaat):
    """An action point from the forum (§4.6). The constructor restores stored fields and never emits.

    ``laatst_gesignaleerd_op`` is the date of the last reminder ("Aanklampend signaleren", INFERRED).
    """

    actiepunt_id: uuid.UUID
    tafel_id: uuid.UUID
    bevinding_id: uuid.UUID
    tekst: str
    adres_niveau: ActiepuntAdresNiveau
    eigenaar: str
    aangemaakt_op: dt.date
    status: ActiepuntStatus = ActiepuntStatus.OPEN
    laatst_gesignaleerd_op: dt.date | None = None

    @classmethod
    def nieuw(
        cls,
        actiepunt_id: uuid.UUID,
        *,
        tafel_id: uuid.UUID,
        bevinding_id: uuid.UUID,
        tekst: str,
        adres_niveau: ActiepuntAdresNiveau,
        eigenaar: str,
        aangemaakt_op: dt.date,
        nu: dt.datetime,
    ) -> Actiepunt:
        """Use :meth:`Discussietafel.voeg_actiepunt_toe`, which checks the table and the bevinding."""
        tekst = verplichte_tekst(tekst, "tekst")
        eigenaar = verplichte_tekst(eigenaar, "eigenaar")
        geen_persoonsgegevens("tekst", tekst)
        geen_contactgegevens("eigenaar", eigenaar)
        ap = cls(
            actiepunt_id=actiepunt_id,
            tafel_id=tafel_id,
            bevinding_id=bevinding_id,
            tekst=tekst,
            adres_niveau=ActiepuntAdresNiveau(adres_niveau),
            eigenaar=eigenaar,
            aangemaakt_op=aangemaakt_op,
        )
        ap._emit(ActiepuntAangemaakt(occurred_at=tijdstip(nu), **ap._velden()))
        return ap

    def opnemen(self, *, nu: dt.datetime, eigenaar: str | None = None) -> None:
        """OPEN → OPGENOMEN: the addressee takes it up (optionally naming the owner now)."""
        nieuw = ACTIEPUNT_OVERGANGEN.volgende(self.status, ActiepuntActie.OPNEMEN)
        if eigenaar is not None:
            eigenaar = verplichte_tekst(eigenaar, "eigenaar")
            geen_contactgegevens("eigenaar", eigenaar)
            self.eigenaar = eigenaar
        self._zet(nieuw, nu)

    def omzetten(self, *, nu: dt.datetime) -> None:
        """OPGENOMEN → OMGEZET: turned into action / policy."""
        self._zet(ACTIEPUNT_OVERGANGEN.volgende(self.status, ActiepuntActie.OMZETTEN), nu)

    def terugkoppelen(self, *, nu: dt.datetime) -> None:
        """OPGENOMEN → TERUGGEKOPPELD: answered back to the network (IN en UIT, §6 step 6).
        See :func:`signalering.domain.beleid.koppel_actiepunt_terug` to also send the Terugkoppeling."""
        self._zet(ACTIEPUNT_OVERGANGEN.volgende(self.status, ActiepuntActie.TERUGKOPPELEN), nu)

    def herinnering_verschuldigd(self, vandaag: dt.date, regels: SignaleringRegels) -> bool:
        """Still OPEN at least ``actiepunt_herinnering_na_dagen`` days after it was made and after its last
        reminder (so at most one reminder per period). INFERRED from [001: "Aanklampend signaleren is nodig en
        op het juiste niveau."]."""
        if not ACTIEPUNT_OVERGANGEN.mag(self.status, ActiepuntActie.HERINNEREN):
            return False
        sinds = self.laatst_gesignaleerd_op or self.aangemaakt_op
        return (vandaag - sinds).days >= regels.actiepunt_herinnering_na_dagen

    def herinner(self, *, vandaag: dt.date, regels: SignaleringRegels, nu: dt.datetime) -> None:
        """Raise the actiepunt again: emits ``ActiepuntStatusGewijzigd`` (status OPEN, opnieuw_gesignaleerd=True).
        Refused (RegelGeschonden) when no reminder is due yet."""
        nieuw = ACTIEPUNT_OVERGANGEN.volgende(self.status, ActiepuntActie.HERINNEREN)
        if not self.herinnering_verschuldigd(vandaag, regels):
            raise RegelGeschonden("no reminder is due yet for this actiepunt", veld=None)
        self.laatst_gesignaleerd_op = vandaag
        self._zet(nieuw, nu, opnieuw_gesignaleerd=True)

    def _zet(self, nieuw: ActiepuntStatus, nu: dt.datetime, *, opnieuw_gesignaleerd: bool = False) -> None:
        self.status = nieuw
        self._emit(
            ActiepuntStatusGewijzigd(occurred_at=tijdstip(nu), opnieuw_gesignaleerd=opnieuw_gesignaleerd, **self._velden())
        )

    def _velden(self) -> dict[str, object]:
        return {
            "actiepunt_id": self.actiepunt_id,
            "tekst": self.tekst,
            "adres_niveau": self.adres_niveau,
            "eigenaar": self.eigenaar,
            "status": self.status,
        }


def herinner_openstaande_actiepunten(
    actiepunten: Iterable[Actiepunt], *, vandaag: dt.date, regels: SignaleringRegels, nu: dt.datetime
) -> list[Actiepunt]:
    """Raise again every actiepunt whose reminder is due (for a daily job); returns those reminded.
    Running it twice on the same day reminds nobody twice."""
    uit = []
    for ap in actiepunten:
        if ap.herinnering_verschuldigd(vandaag, regels):
            ap.herinner(vandaag=vandaag, regels=regels, nu=nu)
            uit.append(ap)
    return uit
