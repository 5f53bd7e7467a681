"""The ``Aanmelding`` aggregate (domain guide §4.1, §5.1).

Pure domain code: no I/O, no clock. Every action takes the current moment as ``nu`` (timezone-aware)
and appends the matching contract event to :attr:`Aanmelding.events`, which the service layer drains
(:meth:`Aanmelding.neem_events`) into the transactional outbox. Events carry ids and codes only (§9 rule 6, §10); the free text
(toelichting, advice text, contactpersoon) and the pseudonymous ``jongere_ref`` stay in the aggregate.

Every action first checks the transition table (:mod:`aanmelding.domain.toestanden`), raising
``OngeldigeOvergang``; then its guards, raising ``RegelGeschonden`` (``veld`` = the request field).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from jeugdhulp_common.contracts.aanmelding import (
    AanmeldingGescreend,
    AanmeldingNietOpgestart,
    AanmeldingOntvangen,
    AanmeldingOpgestart,
    InstemmingVastgelegd,
)
from jeugdhulp_common.contracts.vocabulary import RedenNietOpstart
from jeugdhulp_common.domain import Aggregaat, NietGevonden, OngeldigeInvoer, RegelGeschonden

from aanmelding.domain.dubbels import AanmeldingSamenvatting, open_aanmeldingen_voor
from aanmelding.domain.fouten import AndereOrganisatie, IntakeGesloten
from aanmelding.domain.intake import Intake
from aanmelding.domain.screening import ScreeningRegels, ScreeningResultaat, beoordeel
from aanmelding.domain.toestanden import OVERGANGEN, REDENEN_PER_TOESTAND, AanmeldingActie, AanmeldingStatus
from aanmelding.domain.waarden import (
    AanmeldingGegevens,
    AlternatiefAdvies,
    Instemming,
    InstemmingDoor,
    InstemmingScope,
    enum_waarde,
    scope_van,
    vereis_tijdzone,
)

_A = AanmeldingActie


@dataclass(kw_only=True, eq=False)
class Aanmelding(Aggregaat):
    """A referral of a young person (or a family) to Co-ncept (§4.1), through the states of §5.1.

    Calling the constructor *restores* a stored aanmelding as is: no validation, no events. That is the
    storage adapter's way back from its columns. A new aanmelding comes from :meth:`ontvangen`.

    Events not yet handed to the outbox are in ``events``; the service layer drains them with ``neem_events()``
    (:class:`jeugdhulp_common.domain.Aggregaat`).
    """

    aanmelding_id: uuid.UUID
    ontvangen_op: dt.datetime
    gegevens: AanmeldingGegevens
    status: AanmeldingStatus
    screening: ScreeningResultaat | None = None
    reden_niet_opstart: RedenNietOpstart | None = None
    alternatief_advies: AlternatiefAdvies | None = None
    instemmingen: list[Instemming] = field(default_factory=list)
    opgestart_op: dt.datetime | None = None
    niet_opgestart_op: dt.datetime | None = None
    mogelijk_dubbel_van: tuple[uuid.UUID, ...] = ()
    """Other open aanmeldingen for the same jongere when this one was received: for the team to look at."""

    # ------------------------------------------------------------------ creation

    @classmethod
    def ontvangen(
        cls,
        gegevens: AanmeldingGegevens,
        *,
        intake: Intake,
        nu: dt.datetime,
        bestaande: Iterable[AanmeldingSamenvatting] = (),
        aanmelding_id: uuid.UUID | None = None,
        partner: str | None = None,
    ) -> Aanmelding:
        """→ ONTVANGEN (§5.1): a partner or planmaker refers a young person. Emits AanmeldingOntvangen.

        In this order: a partner (``partner`` = its organisation; None for the team, who may refer for any
        organisation) refers only in its own name, else :class:`AndereOrganisatie`; only while the intake is open
        [001: "koos het project bewust voor een pauze in het opstarten van nieuwe trajecten"], else
        :class:`IntakeGesloten`; the gegevens must be valid, else ``OngeldigeInvoer`` naming the field.
        ``bestaande``: the existing aanmeldingen for the same ``jongere_ref``; open ones are noted
        in :attr:`mogelijk_dubbel_van` for the team (never merged, see :mod:`aanmelding.domain.dubbels`).
        """
        if partner is not None and gegevens.aanmelder.organisatie.strip() != partner:
            raise AndereOrganisatie()
        vereis_tijdzone(nu, None)
        if not intake.open:
            raise IntakeGesloten(intake.reden)
        try:
            gegevens = gegevens.gevalideerd()
        except RegelGeschonden as exc:
            if exc.veld is None:
                raise
            raise OngeldigeInvoer(exc.veld, exc.message) from None
        aanmelding_id = aanmelding_id or uuid.uuid4()
        aanmelding = cls(
            aanmelding_id=aanmelding_id,
            ontvangen_op=nu,
            gegevens=gegevens,
            status=AanmeldingStatus.ONTVANGEN,
            mogelijk_dubbel_van=tuple(open_aanmeldingen_voor(gegevens.jongere_ref, bestaande, behalve=aanmelding_id)),
        )
        aanmelding._emit(
            AanmeldingOntvangen(
                aanmelding_id=aanmelding_id,
                occurred_at=nu,
                aanmelder_organisatie=gegevens.aanmelder.organisatie,
                aanmelder_categorie=gegevens.aanmelder.categorie,
                onderwerp=gegevens.onderwerp,
                regio_jongere=gegevens.regio_jongere,
                leeftijd_bij_aanmelding=gegevens.leeftijd_bij_aanmelding,
                redenen=list(gegevens.redenen),
                blokkade_status_bij_aanmelding=gegevens.blokkade_status_bij_aanmelding,
            )
        )
        return aanmelding

    # ------------------------------------------------------------------ reading

    @property
    def jongere_ref(self) -> str:
        return self.gegevens.jongere_ref

    @property
    def is_open(self) -> bool:
        """Not yet OPGESTART or NIET_OPGESTART."""
        return self.status.is_open

    @property
    def mogelijk_dubbel(self) -> bool:
        return bool(self.mogelijk_dubbel_van)

    def heeft_instemming_jongere(self) -> bool:
        """Whether a consent of the jongere for starting the traject is in force (not withdrawn).

        INFERRED reading of §5.1 (→ OPGESTART) and §5.2 [001: "Bij instemming van de jongere kon het traject
        opgestart worden."]: it is the young person's own consent that allows the start; a parent's or a
        guardian's consent is recorded too (§9 rule 5) but does not replace it.
        """
        return any(i.door is InstemmingDoor.JONGERE and i.dekt(InstemmingScope.TRAJECT_OPSTART) for i in self.instemmingen)

    def instemming(self, instemming_id: uuid.UUID) -> Instemming:
        for i in self.instemmingen:
            if i.instemming_id == instemming_id:
                return i
        raise NietGevonden("instemmingId: no such instemming on this aanmelding", veld="instemmingId")

    # ------------------------------------------------------------------ actions

    def screenen(self, regels: ScreeningRegels, *, nu: dt.datetime) -> ScreeningResultaat:
        """ONTVANGEN → GESCREEND (system, §5.1): the two exclusion criteria, regio and leeftijd.

        The state is GESCREEND whatever the outcome; a failed criterion leads to a non-start with the matching
        EXCLUSIE_* reason, confirmed by the team (§5.1 "→ NIET_OPGESTART"). Emits AanmeldingGescreend.
        """
        doel = self._overgang(_A.SCREENEN, nu)
        resultaat = beoordeel(
            regels, leeftijd=self.gegevens.leeftijd_bij_aanmelding, regio=self.gegevens.regio_jongere, op=nu
        )
        self.screening = resultaat
        self.status = doel
        self._emit(
            AanmeldingGescreend(
                aanmelding_id=self.aanmelding_id,
                occurred_at=nu,
                aanmelder_organisatie=self.gegevens.aanmelder.organisatie,
                regio_ok=resultaat.regio_ok,
                leeftijd_ok=resultaat.leeftijd_ok,
            )
        )
        return resultaat

    def in_bespreking_nemen(self, *, nu: dt.datetime) -> None:
        """GESCREEND → IN_BESPREKING (team, §5.1 diagram "ok→"): only when both criteria were met.

        No contract event exists for this step (§10): partners follow received/screened/decided only.
        """
        doel = self._overgang(_A.IN_BESPREKING_NEMEN, nu)
        if self.screening is None or not self.screening.geslaagd:
            raise RegelGeschonden(
                "in bespreking nemen: the screening did not pass; decide a non-start with the EXCLUSIE_* reason"
            )
        self.status = doel

    def opstart_beslissen(self, *, nu: dt.datetime) -> None:
        """IN_BESPREKING → WACHT_OP_INSTEMMING (team, §5.1): the team judged there is enough time to start and
        close without ruptures [001: "of er voldoende tijd was om goed op te starten en af te ronden"].

        No contract event exists for this step (§10).
        """
        self.status = self._overgang(_A.OPSTART_BESLISSEN, nu)

    def niet_opstarten(
        self,
        *,
        reden: RedenNietOpstart,
        alternatief_advies: AlternatiefAdvies | None,
        nu: dt.datetime,
    ) -> None:
        """→ NIET_OPGESTART (team at the teamvergadering, §5.1). Emits AanmeldingNietOpgestart (code only).

        * the reason must fit the state (:data:`REDENEN_PER_TOESTAND`): EXCLUSIE_* from GESCREEND, and only the
          criterion that actually failed; GEEN_CAPACITEIT / ANDER_AANBOD_PASSEND from IN_BESPREKING;
          GEEN_INSTEMMING from WACHT_OP_INSTEMMING, and not while the jongere's consent is in force (INFERRED);
        * an alternatief advies is required [001: "werd steeds bekeken welk alternatief aanbod passend zou kunnen
          zijn"]: an Ondersteuningsvorm code (§4.10) and/or a text.
        """
        doel = self._overgang(_A.NIET_OPSTARTEN, nu)
        reden = enum_waarde(RedenNietOpstart, reden, "reden")
        if reden not in REDENEN_PER_TOESTAND[self.status]:
            raise RegelGeschonden(f"reden: {reden.value} cannot be given in state {self.status.value}", veld="reden")
        if self.status is AanmeldingStatus.GESCREEND:
            assert self.screening is not None, "GESCREEND without a screening result"
            if reden not in self.screening.exclusieredenen:
                raise RegelGeschonden(
                    f"reden: {reden.value} does not match a failed screening criterion", veld="reden"
                )
        if reden is RedenNietOpstart.GEEN_INSTEMMING and self.heeft_instemming_jongere():
            raise RegelGeschonden("reden: GEEN_INSTEMMING while the jongere's instemming is in force", veld="reden")
        if alternatief_advies is None:
            raise RegelGeschonden(
                "alternatiefAdvies: required when a traject does not start (an Ondersteuningsvorm code and/or a text)",
                veld="alternatiefAdvies",
            )
        advies = alternatief_advies.gevalideerd()
        self.reden_niet_opstart = reden
        self.alternatief_advies = advies
        self.niet_opgestart_op = nu
        self.status = doel
        self._emit(
            AanmeldingNietOpgestart(
                aanmelding_id=self.aanmelding_id,
                occurred_at=nu,
                aanmelder_organisatie=self.gegevens.aanmelder.organisatie,
                reden=reden,
                alternatief_advies=advies.vorm,  # the text stays here (§10)
            )
        )

    def instemming_vastleggen(
        self,
        *,
        door: InstemmingDoor,
        op: dt.datetime,
        scope: Iterable[InstemmingScope],
        nu: dt.datetime,
        instemming_id: uuid.UUID | None = None,
    ) -> Instemming:
        """Record a consent {door, op, scope} (§4.1, §9 rule 5) while WACHT_OP_INSTEMMING. Emits InstemmingVastgelegd.

        ``op`` (when it was given) may lie before ``nu`` but not after it.
        """
        doel = self._overgang(_A.INSTEMMING_VASTLEGGEN, nu)
        instemming = Instemming(
            instemming_id=instemming_id or uuid.uuid4(),
            door=enum_waarde(InstemmingDoor, door, "door"),
            op=self._niet_in_toekomst(op, nu),
            scope=scope_van(scope),
        )
        if any(i.instemming_id == instemming.instemming_id for i in self.instemmingen):
            raise RegelGeschonden("instemmingId: already recorded", veld="instemmingId")
        self.instemmingen.append(instemming)
        self.status = doel
        self._instemming_event(instemming, op=instemming.op, nu=nu)
        return instemming

    def instemming_intrekken(self, instemming_id: uuid.UUID, *, op: dt.datetime, nu: dt.datetime) -> Instemming:
        """Withdraw a recorded consent (§9 rule 5 "including withdrawal"), also after the decision (INFERRED).

        Emits InstemmingVastgelegd with ``ingetrokken=True`` and ``op`` = the moment of withdrawal. The state
        does not change; what a withdrawal means for a running traject is the traject service's decision.
        """
        doel = self._overgang(_A.INSTEMMING_INTREKKEN, nu)
        huidige = self.instemming(instemming_id)
        if not huidige.actief:
            raise RegelGeschonden("instemmingId: this instemming was already withdrawn", veld="instemmingId")
        op = self._niet_in_toekomst(op, nu)
        if op < huidige.op:
            raise RegelGeschonden("op: a withdrawal cannot precede the consent", veld="op")
        ingetrokken = huidige.ingetrokken(op)
        self.instemmingen = [ingetrokken if i.instemming_id == instemming_id else i for i in self.instemmingen]
        self.status = doel
        self._instemming_event(ingetrokken, op=op, nu=nu)
        return ingetrokken

    def opstarten(self, *, nu: dt.datetime) -> None:
        """WACHT_OP_INSTEMMING → OPGESTART (planmaker, §5.1): creates the traject downstream (§5.2).

        Guard: the jongere's own consent for the start is in force (see :meth:`heeft_instemming_jongere`;
        INFERRED that a parent's consent alone does not suffice). Emits AanmeldingOpgestart.
        """
        doel = self._overgang(_A.OPSTARTEN, nu)
        if not self.heeft_instemming_jongere():
            raise RegelGeschonden(
                "instemmingen: opstart requires the jongere's own instemming (scope TRAJECT_OPSTART), not withdrawn",
                veld="instemmingen",
            )
        self.status = doel
        self.opgestart_op = nu
        self._emit(
            AanmeldingOpgestart(
                aanmelding_id=self.aanmelding_id,
                occurred_at=nu,
                aanmelder_organisatie=self.gegevens.aanmelder.organisatie,
                aanmelder_categorie=self.gegevens.aanmelder.categorie,
                blokkade_status_bij_aanmelding=self.gegevens.blokkade_status_bij_aanmelding,
            )
        )

    # ------------------------------------------------------------------ helpers

    def _overgang(self, actie: AanmeldingActie, nu: dt.datetime) -> AanmeldingStatus:
        """The table check first, so an illegal action is always OngeldigeOvergang, whatever its arguments."""
        doel = OVERGANGEN.volgende(self.status, actie)
        vereis_tijdzone(nu, None)
        return doel

    @staticmethod
    def _niet_in_toekomst(op: dt.datetime, nu: dt.datetime) -> dt.datetime:
        vereis_tijdzone(op, "op")
        if op > nu:
            raise OngeldigeInvoer("op", "op: cannot lie in the future")
        return op

    def _instemming_event(self, instemming: Instemming, *, op: dt.datetime, nu: dt.datetime) -> None:
        self._emit(
            InstemmingVastgelegd(
                aanmelding_id=self.aanmelding_id,
                occurred_at=nu,
                instemming_id=instemming.instemming_id,
                door=instemming.door.value,
                scope=sorted(s.value for s in instemming.scope),
                op=op,
                ingetrokken=not instemming.actief,
            )
        )
