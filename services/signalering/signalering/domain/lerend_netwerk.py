"""LerendNetwerkSessie (§4.5, §6 step 3) and its output, the Bevinding that enters the forum backlog.

A session is planned on a theme (theme → LN_GEPLAND), records stellingen [001: "Iedereen heeft een groen
(akkoord) en rood (niet akkoord) blaadje."], post-its on the three questions, subthemes, next themes
[001: "Thema’s voor een volgende keer:"], missing partners [001: "wie mist er nog voor een volgend lerend
netwerk? OCJ, SDJ, CLB."] and a verslag. Holding it moves the theme to LN_GEHOUDEN and emits
``LerendNetwerkSessieGehouden``; each subtheme becomes a :class:`Bevinding` in the forum backlog
[001: "Bevinding (vanuit LN)"], [001: "een verslag die zo verwerkt kan worden in het forum 22 november"].

    GEPLAND ─stelling/post-it/uitkomst→ GEPLAND ─houden→ GEHOUDEN
            └─annuleren→ GEANNULEERD (INFERRED)
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from jeugdhulp_common.contracts.signalering import LerendNetwerkSessieGehouden
from jeugdhulp_common.contracts.vocabulary import Niveau
from jeugdhulp_common.domain import Aggregaat, Overgangen, RegelGeschonden

from signalering.domain._basis import geen_contactgegevens, geen_persoonsgegevens, tijdstip, uniek, verplichte_lijst, verplichte_tekst
from signalering.domain.regels import STANDAARD_REGELS, SignaleringRegels
from signalering.domain.thema import Thema
from signalering.domain.vocabulaire import PostItVraag, SessieStatus

BEVINDING_NAMESPACE = uuid.UUID("6f1d7c8e-2b9a-4c1e-9a57-0e6c3b1f5a20")


@dataclass(frozen=True)
class Deelnemer:
    """A participant named by function and organisation, never by person (§4.5, §9 "Practice in [001]")."""

    functie: str
    organisatie: str

    def __post_init__(self) -> None:
        verplichte_tekst(self.functie, "deelnemers")
        verplichte_tekst(self.organisatie, "deelnemers")


@dataclass(frozen=True)
class Stelling:
    """A statement voted on with green/red cards (§4.5)."""

    tekst: str
    akkoord: int = 0
    niet_akkoord: int = 0
    discussie: str = ""

    def __post_init__(self) -> None:
        verplichte_tekst(self.tekst, "stellingen")
        for n in (self.akkoord, self.niet_akkoord):
            if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                raise RegelGeschonden("akkoord and nietAkkoord are counts (≥ 0)", veld="stellingen")


@dataclass(frozen=True)
class PostIt:
    """A post-it: a level (micro/meso/macro) and one of the three questions (§4.5, [001] Bijlage 6)."""

    niveau: Niveau
    vraag: PostItVraag
    tekst: str

    def __post_init__(self) -> None:
        verplichte_tekst(self.tekst, "postIts")
        if not isinstance(self.vraag, PostItVraag):
            raise RegelGeschonden("vraag must be one of the three post-it questions", veld="postIts")
        if not isinstance(self.niveau, Niveau):
            raise RegelGeschonden("niveau must be MICRO, MESO or MACRO", veld="postIts")


@dataclass(frozen=True)
class Bevinding:
    """A finding from a lerend netwerk: one per subtheme; the item of the forum backlog (§4.6, §6 step 4).

    ``bevinding_id`` is derived from theme and subtheme (uuid5), so the same subtheme of a theme is one finding.
    ``sessie_id`` is None for findings entered without a recorded session (e.g. the 2024 seed fixture).
    """

    bevinding_id: uuid.UUID
    thema_id: uuid.UUID
    subthema: str
    sessie_id: uuid.UUID | None = None
    toelichting: str = ""

    @classmethod
    def uit_subthema(
        cls, thema_id: uuid.UUID, subthema: str, *, sessie_id: uuid.UUID | None = None, toelichting: str = ""
    ) -> Bevinding:
        subthema = verplichte_tekst(subthema, "bevindingen")
        return cls(bevinding_id_voor(thema_id, subthema), thema_id, subthema, sessie_id, toelichting.strip())


def bevinding_id_voor(thema_id: uuid.UUID, subthema: str) -> uuid.UUID:
    return uuid.uuid5(BEVINDING_NAMESPACE, f"{thema_id}:{subthema.strip().casefold()}")


class SessieActie(StrEnum):
    STELLING_TOEVOEGEN = "STELLING_TOEVOEGEN"
    POST_IT_TOEVOEGEN = "POST_IT_TOEVOEGEN"
    UITKOMST_VASTLEGGEN = "UITKOMST_VASTLEGGEN"
    HOUDEN = "HOUDEN"
    ANNULEREN = "ANNULEREN"


_G = SessieStatus.GEPLAND
SESSIE_OVERGANGEN: Overgangen[SessieStatus, SessieActie] = Overgangen(
    "LerendNetwerkSessie",
    {
        (_G, SessieActie.STELLING_TOEVOEGEN): _G,
        (_G, SessieActie.POST_IT_TOEVOEGEN): _G,
        (_G, SessieActie.UITKOMST_VASTLEGGEN): _G,
        (_G, SessieActie.HOUDEN): SessieStatus.GEHOUDEN,
        (_G, SessieActie.ANNULEREN): SessieStatus.GEANNULEERD,
    },
)


@dataclass(eq=False)
class LerendNetwerkSessie(Aggregaat):
    """One lerend netwerk on one theme. The constructor restores stored fields and never emits."""

    sessie_id: uuid.UUID
    thema_id: uuid.UUID
    datum: dt.date
    status: SessieStatus = SessieStatus.GEPLAND
    deelnemers: list[Deelnemer] = field(default_factory=list)
    stellingen: list[Stelling] = field(default_factory=list)
    post_its: list[PostIt] = field(default_factory=list)
    subthemas: list[str] = field(default_factory=list)
    volgende_themas: list[str] = field(default_factory=list)
    ontbrekende_partners: list[str] = field(default_factory=list)
    verslag: str = ""

    @classmethod
    def plan(
        cls,
        sessie_id: uuid.UUID,
        thema: Thema,
        datum: dt.date,
        *,
        nu: dt.datetime,
        deelnemers: Sequence[Deelnemer] = (),
        regels: SignaleringRegels = STANDAARD_REGELS,
    ) -> LerendNetwerkSessie:
        """Plan a session on a theme: the theme goes TERUGKEREND|BACKLOG → LN_GEPLAND (§5.4)."""
        thema.plan_ln(nu=nu, regels=regels)
        return cls(sessie_id=sessie_id, thema_id=thema.thema_id, datum=datum, deelnemers=list(deelnemers))

    def voeg_stelling_toe(self, stelling: Stelling) -> None:
        geen_persoonsgegevens("stellingen", stelling.tekst)
        self._actie(SessieActie.STELLING_TOEVOEGEN)
        self.stellingen.append(stelling)

    def voeg_post_it_toe(self, post_it: PostIt) -> None:
        geen_persoonsgegevens("postIts", post_it.tekst)
        self._actie(SessieActie.POST_IT_TOEVOEGEN)
        self.post_its.append(post_it)

    def leg_uitkomst_vast(
        self,
        *,
        subthemas: Iterable[str] | None = None,
        volgende_themas: Iterable[str] | None = None,
        ontbrekende_partners: Iterable[str] | None = None,
        verslag: str | None = None,
        deelnemers: Iterable[Deelnemer] | None = None,
    ) -> None:
        """Record (replace) the outcomes that are given; ``None`` leaves a field unchanged."""
        self._actie(SessieActie.UITKOMST_VASTLEGGEN)
        if subthemas is not None:
            self.subthemas = uniek([s.strip() for s in subthemas if s.strip()], "subthemas")
        if volgende_themas is not None:
            self.volgende_themas = uniek([s.strip() for s in volgende_themas if s.strip()], "volgendeThemas")
        if ontbrekende_partners is not None:
            self.ontbrekende_partners = uniek([s.strip() for s in ontbrekende_partners if s.strip()], "ontbrekendePartners")
        if verslag is not None:
            self.verslag = verslag
        if deelnemers is not None:
            self.deelnemers = list(deelnemers)

    def houd(self, thema: Thema, *, nu: dt.datetime, regels: SignaleringRegels = STANDAARD_REGELS) -> list[Bevinding]:
        """Hold the session: needs at least one subtheme and a verslag (§4.3: output "verslag, subthemes").
        The theme goes LN_GEPLAND → LN_GEHOUDEN; emits ``LerendNetwerkSessieGehouden``; returns the
        bevindingen (one per subtheme) for the forum backlog."""
        nieuw = SESSIE_OVERGANGEN.volgende(self.status, SessieActie.HOUDEN)
        self._is_thema(thema)
        subthemas = verplichte_lijst(self.subthemas, "subthemas")
        verplichte_tekst(self.verslag, "verslag")
        geen_persoonsgegevens("verslag", self.verslag or "")
        geen_persoonsgegevens("subthemas", *subthemas)
        geen_persoonsgegevens("volgendeThemas", *self.volgende_themas)
        geen_contactgegevens("ontbrekendePartners", *self.ontbrekende_partners)
        thema.houd_ln(subthemas, nu=nu, regels=regels)
        self.status = nieuw
        self._emit(
            LerendNetwerkSessieGehouden(
                occurred_at=tijdstip(nu),
                sessie_id=self.sessie_id,
                thema_id=self.thema_id,
                datum=self.datum,
                subthemas=list(subthemas),
                volgende_themas=list(self.volgende_themas),
                ontbrekende_partners=list(self.ontbrekende_partners),
            )
        )
        return self.bevindingen()

    def annuleer(self, thema: Thema, *, nu: dt.datetime, regels: SignaleringRegels = STANDAARD_REGELS) -> None:
        """Cancel a planned session; the theme returns to the backlog (INFERRED)."""
        nieuw = SESSIE_OVERGANGEN.volgende(self.status, SessieActie.ANNULEREN)
        self._is_thema(thema)
        thema.annuleer_ln(nu=nu, regels=regels)
        self.status = nieuw

    def bevindingen(self) -> list[Bevinding]:
        """The session's subthemes as forum-backlog findings (empty until the session is held)."""
        if self.status != SessieStatus.GEHOUDEN:
            return []
        return [Bevinding.uit_subthema(self.thema_id, s, sessie_id=self.sessie_id) for s in self.subthemas]

    @property
    def organisaties(self) -> list[str]:
        """The organisations at the table, who take the findings home (UIT) [001: "Allen aan tafel nemen
        bevindingen en ervaringen vanuit het lerend netwerk terug mee naar eigen organisatie."]."""
        return list(dict.fromkeys(d.organisatie.strip() for d in self.deelnemers))

    def _actie(self, actie: SessieActie) -> None:
        self.status = SESSIE_OVERGANGEN.volgende(self.status, actie)

    def _is_thema(self, thema: Thema) -> None:
        if thema.thema_id != self.thema_id:
            raise RegelGeschonden("this is not the theme of the session", veld="themaId")
