"""Beleidsaanbeveling (§4.7, §6 step 5) and Terugkoppeling, the UIT half of the "IN en UIT beweging" (§6 step 6).

A recommendation is formulated at one of four levels [001: "Deze adviezen worden geformuleerd op het niveau
van"]; preconditions and barriers are required by the funder's template [001: "rekening wordt gehouden met
eventuele randvoorwaarden en te overbruggen drempels"]. Feedback goes back to the organisations addressed
[001: "De bevindingen worden ook meegenomen en teruggekoppeld aan het beleid."].

    Beleidsaanbeveling: GEFORMULEERD ─terugkoppelen→ TERUGGEKOPPELD ─terugkoppelen→ TERUGGEKOPPELD  (INFERRED)
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from jeugdhulp_common.contracts.signalering import BeleidsaanbevelingGeformuleerd, TerugkoppelingVerstuurd
from jeugdhulp_common.contracts.vocabulary import AanbevelingNiveau, Niveau, ThemaStatus
from jeugdhulp_common.domain import Aggregaat, OngeldigeInvoer, Overgangen, RegelGeschonden

from signalering.domain._basis import geen_contactgegevens, geen_persoonsgegevens, tijdstip, verplichte_lijst, verplichte_tekst, verwijzing
from signalering.domain.forum import Actiepunt, ActiepuntActie
from signalering.domain.lerend_netwerk import LerendNetwerkSessie
from signalering.domain.regels import STANDAARD_REGELS, SignaleringRegels
from signalering.domain.thema import Thema
from signalering.domain.vocabulaire import AanbevelingStatus, SessieStatus

EERSTE_JAAR = 2021  # the project was funded from 01/09/2021 (§1)

# --------------------------------------------------------------------------- Terugkoppeling


@dataclass(eq=False)
class Terugkoppeling(Aggregaat):
    """Feedback sent to organisations: {vanNiveau, naarOrganisaties, inhoudRef} (§10). ``inhoud_ref`` points at
    the content (e.g. ``lerend-netwerk:<sessie_id>``); it is a reference, never the content or personal data."""

    terugkoppeling_id: uuid.UUID
    van_niveau: Niveau
    naar_organisaties: list[str]
    inhoud_ref: str
    verstuurd_op: dt.datetime | None = None

    @classmethod
    def verstuur(
        cls,
        terugkoppeling_id: uuid.UUID,
        *,
        van_niveau: Niveau,
        naar_organisaties: Iterable[str],
        inhoud_ref: str,
        nu: dt.datetime,
    ) -> Terugkoppeling:
        """Emits ``TerugkoppelingVerstuurd``. Needs at least one organisation and a content reference
        (``kind:<uuid>``)."""
        organisaties = verplichte_lijst(naar_organisaties, "naarOrganisaties")
        geen_contactgegevens("naarOrganisaties", *organisaties)
        inhoud_ref = verwijzing(inhoud_ref, "inhoudRef")
        tk = cls(terugkoppeling_id, Niveau(van_niveau), organisaties, inhoud_ref, verstuurd_op=tijdstip(nu))
        tk._emit(
            TerugkoppelingVerstuurd(
                occurred_at=nu,
                terugkoppeling_id=tk.terugkoppeling_id,
                van_niveau=tk.van_niveau,
                naar_organisaties=list(tk.naar_organisaties),
                inhoud_ref=tk.inhoud_ref,
            )
        )
        return tk


def terugkoppeling_na_lerend_netwerk(
    sessie: LerendNetwerkSessie, terugkoppeling_id: uuid.UUID, *, nu: dt.datetime
) -> Terugkoppeling:
    """After a held LN, the findings go back to the participants' organisations (UIT, §4.5, §6 step 3)."""
    if sessie.status != SessieStatus.GEHOUDEN:
        raise RegelGeschonden("feedback follows a held lerend netwerk", veld="sessieId")
    return Terugkoppeling.verstuur(
        terugkoppeling_id,
        van_niveau=Niveau.MESO,
        naar_organisaties=sessie.organisaties,
        inhoud_ref=f"lerend-netwerk:{sessie.sessie_id}",
        nu=nu,
    )


def koppel_actiepunt_terug(
    actiepunt: Actiepunt,
    terugkoppeling_id: uuid.UUID,
    *,
    nu: dt.datetime,
    naar_organisaties: Sequence[str] | None = None,
) -> Terugkoppeling:
    """Actiepunt OPGENOMEN → TERUGGEKOPPELD and the feedback to the organisations addressed (by default its
    eigenaar), from macro level."""
    actiepunt.terugkoppelen(nu=nu)
    return Terugkoppeling.verstuur(
        terugkoppeling_id,
        van_niveau=Niveau.MACRO,
        naar_organisaties=naar_organisaties if naar_organisaties is not None else [actiepunt.eigenaar],
        inhoud_ref=f"actiepunt:{actiepunt.actiepunt_id}",
        nu=nu,
    )


@dataclass(frozen=True)
class ActiepuntOpdracht:
    """What the forum asks of an actiepunt: the action, with its optional new owner (OPNEMEN) and the organisations
    to answer (TERUGKOPPELEN; default the owner)."""

    actie: ActiepuntActie
    eigenaar: str | None = None
    naar_organisaties: Sequence[str] | None = None


def _opnemen(ap: Actiepunt, o: ActiepuntOpdracht, _: uuid.UUID, nu: dt.datetime) -> None:
    ap.opnemen(nu=nu, eigenaar=o.eigenaar)


def _omzetten(ap: Actiepunt, _o: ActiepuntOpdracht, _: uuid.UUID, nu: dt.datetime) -> None:
    ap.omzetten(nu=nu)


def _terugkoppelen(ap: Actiepunt, o: ActiepuntOpdracht, terugkoppeling_id: uuid.UUID, nu: dt.datetime) -> Terugkoppeling:
    return koppel_actiepunt_terug(ap, terugkoppeling_id, nu=nu, naar_organisaties=o.naar_organisaties)


# The actions a caller may ask (HERINNEREN is the reminder timer's, never a request); the state each is allowed in
# is ACTIEPUNT_OVERGANGEN's.
ACTIEPUNT_OPDRACHTEN: Mapping[ActiepuntActie, Callable[[Actiepunt, ActiepuntOpdracht, uuid.UUID, dt.datetime], Terugkoppeling | None]] = {
    ActiepuntActie.OPNEMEN: _opnemen,
    ActiepuntActie.OMZETTEN: _omzetten,
    ActiepuntActie.TERUGKOPPELEN: _terugkoppelen,
}


def behandel_actiepunt(
    actiepunt: Actiepunt, opdracht: ActiepuntOpdracht, *, terugkoppeling_id: uuid.UUID, nu: dt.datetime
) -> Terugkoppeling | None:
    """Carry out ``opdracht`` on the actiepunt; returns the Terugkoppeling sent (TERUGKOPPELEN) or None. An action
    not in :data:`ACTIEPUNT_OPDRACHTEN` is refused (field ``actie``)."""
    uitvoering = ACTIEPUNT_OPDRACHTEN.get(opdracht.actie)
    if uitvoering is None:
        raise OngeldigeInvoer("actie", f"'{opdracht.actie.value}' is not an action a caller may ask")
    return uitvoering(actiepunt, opdracht, terugkoppeling_id, nu)


# --------------------------------------------------------------------------- Beleidsaanbeveling


class AanbevelingActie(StrEnum):
    TERUGKOPPELEN = "TERUGKOPPELEN"


AANBEVELING_OVERGANGEN: Overgangen[AanbevelingStatus, AanbevelingActie] = Overgangen(
    "Beleidsaanbeveling",
    {
        (AanbevelingStatus.GEFORMULEERD, AanbevelingActie.TERUGKOPPELEN): AanbevelingStatus.TERUGGEKOPPELD,
        (AanbevelingStatus.TERUGGEKOPPELD, AanbevelingActie.TERUGKOPPELEN): AanbevelingStatus.TERUGGEKOPPELD,
    },
)

_THEMA_KLAAR_VOOR_BELEID = (ThemaStatus.IN_UITWERKING_STUURGROEP, ThemaStatus.BELEIDSVOORSTEL)


@dataclass(eq=False)
class Beleidsaanbeveling(Aggregaat):
    """A policy recommendation. The constructor restores stored fields and never emits."""

    aanbeveling_id: uuid.UUID
    niveau: AanbevelingNiveau
    thema_ids: list[uuid.UUID]
    tekst: str
    randvoorwaarden: list[str]
    drempels: list[str]
    jaar: int
    status: AanbevelingStatus = AanbevelingStatus.GEFORMULEERD
    teruggekoppeld_aan: list[str] = field(default_factory=list)

    @classmethod
    def formuleer(
        cls,
        aanbeveling_id: uuid.UUID,
        *,
        niveau: AanbevelingNiveau,
        themas: Sequence[Thema],
        tekst: str,
        randvoorwaarden: Iterable[str],
        drempels: Iterable[str],
        jaar: int,
        nu: dt.datetime,
        regels: SignaleringRegels = STANDAARD_REGELS,
    ) -> Beleidsaanbeveling:
        """Formulate a recommendation (§4.7). ``randvoorwaarden`` and ``drempels`` are required and non-empty.
        Themes, if any, must be worked out by the stuurgroep (IN_UITWERKING_STUURGROEP, which moves to
        BELEIDSVOORSTEL, or already BELEIDSVOORSTEL). No theme at all is allowed (INFERRED: recommendations
        about the process itself, like [001] chapter 4). Emits ``BeleidsaanbevelingGeformuleerd``."""
        niveau = AanbevelingNiveau(niveau)
        tekst = verplichte_tekst(tekst, "tekst")
        rv = verplichte_lijst(randvoorwaarden, "randvoorwaarden")
        dr = verplichte_lijst(drempels, "drempels")
        if isinstance(jaar, bool) or not isinstance(jaar, int) or jaar < EERSTE_JAAR:
            raise RegelGeschonden(f"jaar must be a year from {EERSTE_JAAR} on", veld="jaar")
        geen_persoonsgegevens("tekst", tekst)
        geen_persoonsgegevens("randvoorwaarden", *rv)
        geen_persoonsgegevens("drempels", *dr)
        if len({t.thema_id for t in themas}) != len(themas):
            raise RegelGeschonden("a theme is named twice", veld="themaIds")
        if any(t.status not in _THEMA_KLAAR_VOOR_BELEID for t in themas):
            raise RegelGeschonden("a theme must be worked out by the stuurgroep first", veld="themaIds")
        for t in themas:
            if t.status == ThemaStatus.IN_UITWERKING_STUURGROEP:
                t.formuleer_beleidsvoorstel(nu=nu, regels=regels)
        ab = cls(aanbeveling_id, niveau, [t.thema_id for t in themas], tekst, rv, dr, jaar)
        ab._emit(
            BeleidsaanbevelingGeformuleerd(
                occurred_at=tijdstip(nu),
                aanbeveling_id=ab.aanbeveling_id,
                niveau=ab.niveau,
                thema_ids=list(ab.thema_ids),
                tekst=ab.tekst,
                randvoorwaarden=list(ab.randvoorwaarden),
                drempels=list(ab.drempels),
                jaar=ab.jaar,
            )
        )
        return ab

    def koppel_terug(
        self, terugkoppeling_id: uuid.UUID, *, naar_organisaties: Iterable[str], nu: dt.datetime
    ) -> Terugkoppeling:
        """Send the recommendation back to organisations (macro → organisations, UIT); status TERUGGEKOPPELD."""
        nieuw = AANBEVELING_OVERGANGEN.volgende(self.status, AanbevelingActie.TERUGKOPPELEN)
        tk = Terugkoppeling.verstuur(
            terugkoppeling_id,
            van_niveau=Niveau.MACRO,
            naar_organisaties=naar_organisaties,
            inhoud_ref=f"beleidsaanbeveling:{self.aanbeveling_id}",
            nu=nu,
        )
        self.status = nieuw
        self.teruggekoppeld_aan.extend(o for o in tk.naar_organisaties if o not in self.teruggekoppeld_aan)
        return tk
