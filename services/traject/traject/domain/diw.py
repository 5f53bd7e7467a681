"""The DIW-fonds aanvraag aggregate (domain guide §4.8, §5.3): a request for complementary funds
[001: "Het ideale wereldfonds bedraagt 25 000 euro tot eind 2024."] for one traject.

``CONCEPT → INGEDIEND → BESPROKEN_OP_TEAM → GOEDGEKEURD | AFGEWEZEN;  GOEDGEKEURD → IN_GEBRUIK → AFGESLOTEN``

Pure: the fund's currently approved total comes in as an argument (the storage layer computes it under a
lock, e.g. with :func:`goedgekeurd_totaal`), as do dates and :class:`DIWFondsRegels`. Events carry ids,
amount and status only (§10 Ps): never the aanvrager or casemanager.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from jeugdhulp_common.contracts.traject import (
    DIWAanvraagBeslist,
    DIWAanvraagEvaluatieVerschuldigd,
    DIWAanvraagIngediend,
)
from jeugdhulp_common.contracts.vocabulary import DIWAanvraagStatus
from jeugdhulp_common.domain import Aggregaat, OngeldigeInvoer, RegelGeschonden

from traject.domain.kalender import maanden_tussen, plus_maanden
from traject.domain.regels import STANDAARD_DIW_REGELS, DIWFondsRegels
from traject.domain.toestanden import DIW_OVERGANGEN, DIWActie
from traject.domain.waarden import vereis_tekst

_S = DIWAanvraagStatus
_A = DIWActie

TELT_MEE_IN_FONDS: frozenset[DIWAanvraagStatus] = frozenset({_S.GOEDGEKEURD, _S.IN_GEBRUIK, _S.AFGESLOTEN})
"""Aanvragen whose amount counts against the fund cap (INFERRED: approved amounts stay committed once used)."""


@dataclass(frozen=True)
class DIWPartner:
    """A partner the funds are used with, and its task [001: "Met wie zal hiervoor worden samengewerkt?"]."""

    organisatie: str
    taak: str


@dataclass(frozen=True)
class DIWAanvraagGegevens:
    """The form of Bijlage 9 (§4.8). Everything may be empty in CONCEPT; :meth:`DIWFondsAanvraag.indienen`
    requires all of it. The ``veld`` of each refusal is the camelCase name given per field below.
    """

    aanvrager: str | None = None
    """``aanvrager``: the planmaker or an involved professional [001: "kan gesteld worden door de planmaker zelf of
    betrokken hulpverleners"] (a person reference; never in an event)."""
    aanvrager_organisatie: str | None = None
    """``aanvragerOrganisatie``."""
    bestemming: str | None = None
    """``bestemming`` [001: "Waarvoor zullen de middelen worden ingezet en geschatte kostprijs?"]."""
    bedrag_eurocent: int | None = None
    """``bedragEurocent``: the begroting (estimated cost) in euro cents, > 0."""
    gewenst_effect: str | None = None
    """``gewenstEffect`` [001: "Gewenst effect van de extra middelen?"]."""
    partners: tuple[DIWPartner, ...] = ()
    """``partners``: at least one, each with ``organisatie`` and ``taak``."""
    geschatte_duur_maanden: int | None = None
    """``geschatteDuurMaanden`` [001: "Hoelang zal dit budget (naar schatting) nodig zijn?"], > 0."""
    engagement_driemaandelijkse_evaluatie: bool = False
    """``engagementDriemaandelijkseEvaluatie`` must be True [001: "Engagement van betrokken partners om
    3-maandelijks stil te staan"]."""
    zonder_extra_middelen: str | None = None
    """``zonderExtraMiddelen`` [001: "Hoe zouden we deze gepaste hulp makkelijker kunnen installeren zonder extra
    middelen"]."""
    afbouwplan: str | None = None
    """``afbouwplan`` [001: "Wat kan gedaan worden om deze middelen op termijn overbodig te maken?"]."""
    casemanager: str | None = None
    """``casemanager`` [001: "Naam van casemanager en engagement die deze persoon opneemt."] (never in an event)."""
    casemanager_engagement: str | None = None
    """``casemanagerEngagement``."""
    act_bevraagd_op: dt.date | None = None
    """``actBevraagdOp``: when ACT was asked about existing resources (§5.3 guard) [001: "afspraken gemaakt met ACT
    rond het bevragen van de mogelijkheden om beroep te doen op bestaande middelen"]."""

    def valideer_volledig(self) -> None:
        """Every §4.8 field and the ACT consultation (§5.3 guards); the first missing one is refused with
        :class:`RegelGeschonden` (the stored form is incomplete for submission: a 409, not a bad request)."""
        try:
            self._valideer_volledig()
        except OngeldigeInvoer as exc:
            raise RegelGeschonden(exc.message, veld=exc.veld) from None

    def _valideer_volledig(self) -> None:
        for veld, waarde in (
            ("aanvrager", self.aanvrager),
            ("aanvragerOrganisatie", self.aanvrager_organisatie),
            ("bestemming", self.bestemming),
        ):
            vereis_tekst(waarde, veld)
        if not isinstance(self.bedrag_eurocent, int) or isinstance(self.bedrag_eurocent, bool) or self.bedrag_eurocent <= 0:
            raise RegelGeschonden("a positive amount in euro cents is required", veld="bedragEurocent")
        vereis_tekst(self.gewenst_effect, "gewenstEffect")
        if not self.partners:
            raise RegelGeschonden("at least one partner with its task is required", veld="partners")
        for i, p in enumerate(self.partners):
            vereis_tekst(p.organisatie, f"partners[{i}].organisatie")
            vereis_tekst(p.taak, f"partners[{i}].taak")
        d = self.geschatte_duur_maanden
        if not isinstance(d, int) or isinstance(d, bool) or d <= 0:
            raise RegelGeschonden("an estimated duration in months is required", veld="geschatteDuurMaanden")
        if self.engagement_driemaandelijkse_evaluatie is not True:
            raise RegelGeschonden(
                "the partners must engage in a 3-monthly evaluation", veld="engagementDriemaandelijkseEvaluatie"
            )
        for veld, waarde in (
            ("zonderExtraMiddelen", self.zonder_extra_middelen),
            ("afbouwplan", self.afbouwplan),
            ("casemanager", self.casemanager),
            ("casemanagerEngagement", self.casemanager_engagement),
        ):
            vereis_tekst(waarde, veld)
        if self.act_bevraagd_op is None:
            raise RegelGeschonden("ACT must first be asked about existing resources", veld="actBevraagdOp")


@dataclass(frozen=True)
class DIWEvaluatie:
    """A held 3-monthly evaluation (§4.3 SAMENWERKINGSOVERLEG_DIW)."""

    overleg_id: uuid.UUID
    datum: dt.date


def evaluatiedata(vanaf: dt.date, tot: dt.date, interval_maanden: int = 3) -> list[dt.date]:
    """The due dates of the periodic evaluation: ``vanaf`` + k·interval months (k ≥ 1, anchored on ``vanaf``, clamped
    to month end), up to and including ``tot`` (§4.3 SAMENWERKINGSOVERLEG_DIW "3-monthly")."""
    uit: list[dt.date] = []
    k = 1
    while (d := plus_maanden(vanaf, k * interval_maanden)) <= tot:
        uit.append(d)
        k += 1
    return uit


def laatste_evaluatiedatum(vanaf: dt.date, vandaag: dt.date, interval_maanden: int = 3) -> dt.date | None:
    """The most recent due date on or before ``vandaag``, or None if the first period has not ended."""
    k = maanden_tussen(vanaf, vandaag) // interval_maanden
    while k >= 1 and plus_maanden(vanaf, k * interval_maanden) > vandaag:
        k -= 1
    return plus_maanden(vanaf, k * interval_maanden) if k >= 1 else None


@dataclass(eq=False)
class DIWFondsAanvraag(Aggregaat):
    """A DIW-fonds aanvraag. Construct with :meth:`nieuw` or :meth:`herstel`; pending events in :attr:`events`."""

    aanvraag_id: uuid.UUID
    traject_id: uuid.UUID
    status: DIWAanvraagStatus = DIWAanvraagStatus.CONCEPT
    gegevens: DIWAanvraagGegevens = field(default_factory=DIWAanvraagGegevens)
    ingediend_op: dt.date | None = None
    team_overleg_id: uuid.UUID | None = None
    besproken_op: dt.date | None = None
    besluit_overleg_id: uuid.UUID | None = None
    beslist_op: dt.date | None = None
    afwijzingsreden: str | None = None
    gebruik_tot: dt.date | None = None
    gebruik_vanaf: dt.date | None = None
    afgesloten_op: dt.date | None = None
    evaluaties: list[DIWEvaluatie] = field(default_factory=list)
    laatste_evaluatie_gemeld: dt.date | None = None

    @classmethod
    def nieuw(
        cls, *, aanvraag_id: uuid.UUID, traject_id: uuid.UUID, gegevens: DIWAanvraagGegevens | None = None
    ) -> DIWFondsAanvraag:
        """A new aanvraag in CONCEPT for a young person's traject [001: "rond een jongere binnen het project"].
        Emits nothing. (That the traject exists and runs is for the service layer to check.)"""
        return cls(aanvraag_id=aanvraag_id, traject_id=traject_id, gegevens=gegevens or DIWAanvraagGegevens())

    @classmethod
    def herstel(cls, **velden: Any) -> DIWFondsAanvraag:
        """Rebuild a stored aanvraag from its fields (the dataclass fields but ``events``). Emits nothing."""
        return cls(**velden)

    @property
    def bedrag_eurocent(self) -> int:
        return self.gegevens.bedrag_eurocent or 0

    def _event_velden(self) -> dict[str, Any]:
        return {
            "aanvraag_id": self.aanvraag_id,
            "traject_id": self.traject_id,
            "bedrag_eurocent": self.bedrag_eurocent,
            "status": self.status,
        }

    # ------------------------------------------------------------------ actions

    def wijzig(self, gegevens: DIWAanvraagGegevens) -> None:
        """Replace the form while it is a CONCEPT (INFERRED). Emits nothing."""
        DIW_OVERGANGEN.volgende(self.status, _A.WIJZIGEN)
        self.gegevens = gegevens

    def indienen(self, *, op: dt.date, regels: DIWFondsRegels = STANDAARD_DIW_REGELS) -> None:
        """Submit: CONCEPT → INGEDIEND (§5.3; via the planmaker, INF). Requires every §4.8 field and the ACT
        consultation; not after the subsidy end (INFERRED from [001: "kunnen maar lopen zolang het project
        gesubsidieerd wordt"]). Emits ``DIWAanvraagIngediend``."""
        naar = DIW_OVERGANGEN.volgende(self.status, _A.INDIENEN)
        self.gegevens.valideer_volledig()
        if op > regels.subsidie_einddatum:
            raise RegelGeschonden("the fund runs only while the project is subsidised", veld="ingediendOp")
        self.status = naar
        self.ingediend_op = op
        self._emit(DIWAanvraagIngediend(**self._event_velden()))

    def bespreek_op_team(self, *, overleg_id: uuid.UUID, op: dt.date) -> None:
        """INGEDIEND → BESPROKEN_OP_TEAM, in a teamvergadering (§4.3 TEAMVERGADERING, §5.3). Emits nothing."""
        naar = DIW_OVERGANGEN.volgende(self.status, _A.BESPREKEN_OP_TEAM)
        if self.ingediend_op is not None and op < self.ingediend_op:
            raise RegelGeschonden("the team cannot discuss it before it was submitted", veld="besprokenOp")
        self.status = naar
        self.team_overleg_id = overleg_id
        self.besproken_op = op

    def keur_goed(
        self,
        *,
        besluit_overleg_id: uuid.UUID,
        op: dt.date,
        goedgekeurd_totaal_eurocent: int,
        gebruik_tot: dt.date | None = None,
        regels: DIWFondsRegels = STANDAARD_DIW_REGELS,
    ) -> None:
        """Approve: BESPROKEN_OP_TEAM → GOEDGEKEURD, in the kern-/stuurgroep (§5.3). Emits ``DIWAanvraagBeslist``.

        ``goedgekeurd_totaal_eurocent`` is the fund's total already approved (statuses in
        :data:`TELT_MEE_IN_FONDS`, this aanvraag excluded). Guards:

        * not after the subsidy end (veld ``beslistOp``);
        * ``gebruik_tot`` (default: ``op`` + geschatte duur) within [``op``, subsidie_einddatum] (veld
          ``gebruikTot``): the funds never run past the subsidy [001: "kunnen maar lopen zolang het project
          gesubsidieerd wordt"]; the stuurgroep may approve a shorter period;
        * total + bedrag <= fund cap (veld ``bedragEurocent``): Σ approved ≤ €25,000 (§5.3).
        """
        naar = DIW_OVERGANGEN.volgende(self.status, _A.GOEDKEUREN)
        if goedgekeurd_totaal_eurocent < 0:
            raise ValueError("goedgekeurd_totaal_eurocent must not be negative")
        if op > regels.subsidie_einddatum:
            raise RegelGeschonden("no approval after the subsidy end", veld="beslistOp")
        assert self.gegevens.geschatte_duur_maanden is not None  # checked by indienen
        tot = gebruik_tot if gebruik_tot is not None else plus_maanden(op, self.gegevens.geschatte_duur_maanden)
        if tot < op:
            raise RegelGeschonden("the use cannot end before the approval", veld="gebruikTot")
        if tot > regels.subsidie_einddatum:
            raise RegelGeschonden("the use cannot run past the subsidy end", veld="gebruikTot")
        if goedgekeurd_totaal_eurocent + self.bedrag_eurocent > regels.plafond_eurocent:
            raise RegelGeschonden("the fund cap would be exceeded", veld="bedragEurocent")
        self._beslis(naar, besluit_overleg_id, op)
        self.gebruik_tot = tot

    def wijs_af(self, *, besluit_overleg_id: uuid.UUID, op: dt.date, reden: str) -> None:
        """Refuse: BESPROKEN_OP_TEAM → AFGEWEZEN (§5.3), e.g. because the help already fits a module
        [001: "Het kan in geen geval hulp betreffen die al binnen een module of het aanbod past waarin de jongere
        verblijft."]. The reason stays here. Emits ``DIWAanvraagBeslist``."""
        naar = DIW_OVERGANGEN.volgende(self.status, _A.AFWIJZEN)
        vereis_tekst(reden, "reden")
        self._beslis(naar, besluit_overleg_id, op)
        self.afwijzingsreden = reden

    def _beslis(self, naar: DIWAanvraagStatus, besluit_overleg_id: uuid.UUID, op: dt.date) -> None:
        self.status = naar
        self.besluit_overleg_id = besluit_overleg_id
        self.beslist_op = op
        self._emit(DIWAanvraagBeslist(**self._event_velden()))

    def start_gebruik(self, *, op: dt.date) -> None:
        """GOEDGEKEURD → IN_GEBRUIK (§5.3): only within the approved period [beslist_op, gebruik_tot] (veld
        ``gebruikVanaf``), so never past the subsidy end. The 3-monthly evaluations count from here. Emits nothing."""
        naar = DIW_OVERGANGEN.volgende(self.status, _A.GEBRUIK_STARTEN)
        if (self.beslist_op is not None and op < self.beslist_op) or (self.gebruik_tot is not None and op > self.gebruik_tot):
            raise RegelGeschonden("the use must start within the approved period", veld="gebruikVanaf")
        self.status = naar
        self.gebruik_vanaf = op

    def registreer_evaluatie(self, *, overleg_id: uuid.UUID, datum: dt.date) -> None:
        """Record a held 3-monthly evaluation (§4.3 SAMENWERKINGSOVERLEG_DIW), once per overleg. Emits nothing."""
        DIW_OVERGANGEN.volgende(self.status, _A.EVALUATIE_REGISTREREN)
        if any(e.overleg_id == overleg_id for e in self.evaluaties):
            raise RegelGeschonden("this evaluation was already recorded", veld="overlegId")
        self.evaluaties.append(DIWEvaluatie(overleg_id=overleg_id, datum=datum))

    def sluit_af(self, *, op: dt.date) -> None:
        """IN_GEBRUIK → AFGESLOTEN (§5.3). Always possible (also late: it records that the use ended). Emits nothing."""
        naar = DIW_OVERGANGEN.volgende(self.status, _A.AFSLUITEN)
        if self.gebruik_vanaf is not None and op < self.gebruik_vanaf:
            raise RegelGeschonden("the use cannot end before it started", veld="afgeslotenOp")
        self.status = naar
        self.afgesloten_op = op

    # ------------------------------------------------------------------ evaluation timer

    def evaluatiedata(self, tot: dt.date, regels: DIWFondsRegels = STANDAARD_DIW_REGELS) -> list[dt.date]:
        """The evaluation due dates of this aanvraag up to ``tot`` (empty before the use started)."""
        if self.gebruik_vanaf is None:
            return []
        return evaluatiedata(self.gebruik_vanaf, tot, regels.evaluatie_interval_maanden)

    def verschuldigde_evaluatie(self, vandaag: dt.date, regels: DIWFondsRegels = STANDAARD_DIW_REGELS) -> dt.date | None:
        """The due date of an evaluation that is due on ``vandaag`` and not yet reported, or None. Only IN_GEBRUIK."""
        if not DIW_OVERGANGEN.mag(self.status, _A.EVALUATIE_VERSCHULDIGD) or self.gebruik_vanaf is None:
            return None
        d = laatste_evaluatiedatum(self.gebruik_vanaf, vandaag, regels.evaluatie_interval_maanden)
        if d is None or (self.laatste_evaluatie_gemeld is not None and d <= self.laatste_evaluatie_gemeld):
            return None
        return d

    def volgende_evaluatiedatum(self, regels: DIWFondsRegels = STANDAARD_DIW_REGELS) -> dt.date | None:
        """The evaluation schedule (§4.3, §5.3): the next 3-monthly due date not yet reported, anchored on
        ``gebruik_vanaf`` (None unless IN_GEBRUIK). The evaluation timer looks for aanvragen whose date has come."""
        if self.status is not _S.IN_GEBRUIK or self.gebruik_vanaf is None:
            return None
        k = 1
        while True:
            d = plus_maanden(self.gebruik_vanaf, k * regels.evaluatie_interval_maanden)
            if self.laatste_evaluatie_gemeld is None or d > self.laatste_evaluatie_gemeld:
                return d
            k += 1

    def controleer_evaluatie(self, vandaag: dt.date, regels: DIWFondsRegels = STANDAARD_DIW_REGELS) -> bool:
        """The 3-monthly timer (§4.3, §5.3): emits ``DIWAanvraagEvaluatieVerschuldigd`` once per period and returns
        True; otherwise does nothing. After missed runs only the latest period is reported (INFERRED)."""
        d = self.verschuldigde_evaluatie(vandaag, regels)
        if d is None:
            return False
        self.laatste_evaluatie_gemeld = d
        self._emit(DIWAanvraagEvaluatieVerschuldigd(**self._event_velden(), evaluatie_datum=d))
        return True


def goedgekeurd_totaal(aanvragen: Iterable[DIWFondsAanvraag]) -> int:
    """Σ bedrag of the aanvragen that count against the fund cap (:data:`TELT_MEE_IN_FONDS`)."""
    return sum(a.bedrag_eurocent for a in aanvragen if a.status in TELT_MEE_IN_FONDS)
