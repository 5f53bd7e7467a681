"""The ``Traject`` aggregate (domain guide §4.2, §5.2): one young person's support trajectory.

Pure domain code: no I/O, no clock; dates and rules come in as arguments. Each action first checks the
transition table (:mod:`traject.domain.toestanden`, illegal → ``OngeldigeOvergang``), then what the request
must contain (→ ``OngeldigeInvoer(veld, ...)``, a 422) and its guards on the traject's state and dates
(→ ``RegelGeschonden(veld=...)``, a 409), and only then changes state and appends contract events to
:attr:`Traject.events`, which the service layer drains into the outbox (:meth:`Traject.neem_events`).
A refused action changes nothing and emits nothing.

Events that leave the service as Ps carry ids, codes and organisations only, never a person (§9, §10).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from jeugdhulp_common.contracts.traject import (
    IdentificerendeGegevens,
    IdentificerendeKenmerken,
    RondeTafelGehouden,
    SamenwerkingsoverlegGehouden,
    StartgesprekGepland,
    TrajectAfgerond,
    TrajectBlokkadeGewijzigd,
    TrajectEvaluatieVerschuldigd,
    TrajectGestart,
    TrajectRegieOvergedragen,
    TrajectRolToegewezen,
    TrajectVerlengd,
)
from jeugdhulp_common.contracts.vocabulary import AfrondingsReden, BlokkadeStatus, OverlegSoort, Rol
from jeugdhulp_common.domain import Aggregaat, OngeldigeInvoer, RegelGeschonden
from jeugdhulp_common.tekstnormalisatie import maskeer_namen

from traject.domain.bijlage4 import Sectie
from traject.domain.diw import DIWAanvraagGegevens, DIWFondsAanvraag
from traject.domain.kalender import maanden_tussen, plus_maanden
from traject.domain.regels import STANDAARD_TRAJECT_REGELS, TrajectRegels
from traject.domain.samenwerkingsoverleg import SamenwerkingsoverlegEinde, VraagAntwoord, valideer_antwoorden
from traject.domain.toestanden import TRAJECT_OVERGANGEN, TrajectActie, TrajectStatus
from traject.domain.waarden import (
    Deelnemer,
    GeplandOverleg,
    RolInTraject,
    RondeTafel,
    Startgesprek,
    Verlenging,
    valideer_deelnemers,
    vereis_tekst,
)

_A = TrajectActie
_DIW_MOGELIJK = frozenset({TrajectStatus.LOPEND, TrajectStatus.TE_EVALUEREN, TrajectStatus.VERLENGD, TrajectStatus.IN_AFRONDING})


def _uniek(waarden: Sequence[str]) -> list[str]:
    """Distinct values, first occurrence first."""
    return list(dict.fromkeys(waarden))


@dataclass(eq=False)
class Traject(Aggregaat):
    """The traject aggregate. Construct it with :meth:`uit_opgestarte_aanmelding` (new) or :meth:`herstel` (stored).

    Fields (§4.2): ``startdatum`` is the date of the startgesprek; ``evaluatie_datum`` the next evaluation;
    ``blokkade_status``, ``acute_crisis`` and ``regie_bij`` are orthogonal to ``status`` (§5.2).
    """

    traject_id: uuid.UUID
    aanmelding_id: uuid.UUID
    status: TrajectStatus = TrajectStatus.IN_OPSTART
    startdatum: dt.date | None = None
    evaluatie_datum: dt.date | None = None
    verlengingen: list[Verlenging] = field(default_factory=list)
    blokkade_status: BlokkadeStatus = BlokkadeStatus.NIET_GEBLOKKEERD
    acute_crisis: bool = False
    regie_bij: str | None = None
    rollen: list[RolInTraject] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    gepland_startgesprek: GeplandOverleg | None = None
    startgesprek: Startgesprek | None = None
    ronde_tafels: list[RondeTafel] = field(default_factory=list)
    gepland_samenwerkingsoverleg_einde: GeplandOverleg | None = None
    samenwerkingsoverleg_einde: SamenwerkingsoverlegEinde | None = None
    afrondings_redenen: list[AfrondingsReden] = field(default_factory=list)
    afgerond_op: dt.date | None = None
    afronding_besluit_overleg_id: uuid.UUID | None = None
    afronding_override_reden: str | None = None
    # consent withdrawn (§9 rule 5; InstemmingVastgelegd with ingetrokken=True, consumed from aanmelding)
    gegevensdeling_ingetrokken_op: dt.date | None = None
    opstart_instemming_ingetrokken_op: dt.date | None = None

    # ------------------------------------------------------------------ consent

    def registreer_intrekking(self, scope: Sequence[str], op: dt.date) -> bool:
        """A consent was withdrawn (§9 rule 5). ``GEGEVENSDELING_PARTNERS``: from now on partners no longer read
        the traject's personal data (roles' persons, overleg answers). ``TRAJECT_OPSTART`` before the traject
        ends: the traject is flagged for the team and no candidate signals are made from it any more. The first
        withdrawal counts; returns whether anything changed."""
        gewijzigd = False
        if "GEGEVENSDELING_PARTNERS" in scope and self.gegevensdeling_ingetrokken_op is None:
            self.gegevensdeling_ingetrokken_op = op
            gewijzigd = True
        if "TRAJECT_OPSTART" in scope and self.opstart_instemming_ingetrokken_op is None and self.status is not TrajectStatus.AFGEROND:
            self.opstart_instemming_ingetrokken_op = op
            gewijzigd = True
        return gewijzigd

    @property
    def deelt_met_partners(self) -> bool:
        """May partners read the traject's personal data (no withdrawal of GEGEVENSDELING_PARTNERS)?"""
        return self.gegevensdeling_ingetrokken_op is None

    @property
    def maakt_signalen(self) -> bool:
        """Are candidate signals still made from this traject (no withdrawal of TRAJECT_OPSTART)?"""
        return self.opstart_instemming_ingetrokken_op is None

    # ------------------------------------------------------------------ construction

    @classmethod
    def uit_opgestarte_aanmelding(
        cls,
        *,
        traject_id: uuid.UUID,
        aanmelding_id: uuid.UUID,
        aanmelder_organisatie: str,
        aanmelder_contactpersoon: str | None = None,
        blokkade_status_bij_aanmelding: BlokkadeStatus | None = None,
    ) -> Traject:
        """A new traject IN_OPSTART, on ``AanmeldingOpgestart`` (§5.2 "create → IN_OPSTART"; the consent was
        checked by the aanmelding service). The aanmelder organisation gets the AANMELDER role (§4.2).

        ``blokkade_status`` starts as the aanmelding's "Situatie vroeger" (§5.2), or NIET_GEBLOKKEERD when the
        aanmelding gave none (INFERRED, §5.2 "NIET_GEBLOKKEERD(INF)").

        Emits nothing (INFERRED): consumers already have ``AanmeldingOpgestart`` with the same facts;
        ``TrajectGestart`` announces the traject with its roles.
        """
        rol = RolInTraject(rol=Rol.AANMELDER, organisatie=aanmelder_organisatie, persoon=aanmelder_contactpersoon)
        rol.valideer("aanmelder")
        return cls(
            traject_id=traject_id,
            aanmelding_id=aanmelding_id,
            blokkade_status=blokkade_status_bij_aanmelding or BlokkadeStatus.NIET_GEBLOKKEERD,
            rollen=[rol],
        )

    @classmethod
    def herstel(cls, **velden: Any) -> Traject:
        """Rebuild a stored traject from its fields (the dataclass fields but ``events``). Emits nothing."""
        return cls(**velden)

    # ------------------------------------------------------------------ queries

    @property
    def is_afgerond(self) -> bool:
        return self.status is TrajectStatus.AFGEROND

    @property
    def trajectcoordinator(self) -> RolInTraject | None:
        return next((r for r in self.rollen if r.rol is Rol.TRAJECTCOORDINATOR), None)

    @property
    def betrokken_organisaties(self) -> frozenset[str]:
        """Organisations of the involved professionals (§2.1 trajectcoördinator), INFERRED as: the partners and
        the organisations of every role holder, except an organisation that takes part only as planmaker
        (a process facilitator, not a care provider, §2.1)."""
        planmaker = {r.organisatie for r in self.rollen if r.rol is Rol.PLANMAKER}
        andere = {r.organisatie for r in self.rollen if r.rol is not Rol.PLANMAKER}
        return frozenset((set(self.partners) - planmaker) | andere)

    @property
    def ontbrekend_mandaat(self) -> frozenset[str]:
        """Involved organisations that have not (yet) mandated the trajectcoördinator; all of them if there is no
        coördinator. The coördinator's own organisation counts as mandating (INFERRED)."""
        tc = self.trajectcoordinator
        if tc is None:
            return self.betrokken_organisaties
        return self.betrokken_organisaties - set(tc.mandaat_van) - {tc.organisatie}

    @property
    def trajectcoordinator_gemandateerd(self) -> bool:
        """There is a trajectcoördinator mandated by all involved organisations (§2.1, §5.2)."""
        return self.trajectcoordinator is not None and not self.ontbrekend_mandaat

    @property
    def zonder_gemandateerde_trajectcoordinator(self) -> bool:
        """The §5.2 warning: "A casuscoördinator mandated by all professionals is the seed's recommendation:
        warn if missing (INF)". A warning only: no action is refused for it."""
        return not self.trajectcoordinator_gemandateerd

    def minimale_looptijd_einde(self, regels: TrajectRegels = STANDAARD_TRAJECT_REGELS) -> dt.date | None:
        """startdatum + minimale looptijd (§4.2), or None before the startgesprek."""
        if self.startdatum is None:
            return None
        return plus_maanden(self.startdatum, regels.minimale_looptijd_maanden)

    def vraag_diw_fonds_aan(self, *, aanvraag_id: uuid.UUID, gegevens: DIWAanvraagGegevens) -> DIWFondsAanvraag:
        """A new DIW-fonds aanvraag (§4.8) for this traject, in CONCEPT. INFERRED: funds are asked for a traject
        that has started and is not closed (LOPEND, TE_EVALUEREN, VERLENGD, IN_AFRONDING); else
        ``RegelGeschonden`` on ``trajectId``. Emits nothing."""
        if self.status not in _DIW_MOGELIJK:
            raise RegelGeschonden("DIW funds are asked for a running traject", veld="trajectId")
        return DIWFondsAanvraag.nieuw(aanvraag_id=aanvraag_id, traject_id=self.traject_id, gegevens=gegevens)

    def evaluatie_verschuldigd(self, vandaag: dt.date) -> bool:
        """Whether :meth:`controleer_evaluatie` would move this traject to TE_EVALUEREN on ``vandaag``."""
        return (
            TRAJECT_OVERGANGEN.mag(self.status, _A.EVALUATIE_VERSCHULDIGD)
            and self.evaluatie_datum is not None
            and self.evaluatie_datum <= vandaag
        )

    # ------------------------------------------------------------------ opstart

    def plan_startgesprek(self, *, overleg_id: uuid.UUID, datum: dt.date, genodigden: Sequence[Deelnemer]) -> None:
        """Invite the partners to the startgesprek (§4.3, §5.2 "All partners invited"). Emits ``StartgesprekGepland``
        (class P: functions and organisations, no persons)."""
        TRAJECT_OVERGANGEN.volgende(self.status, _A.STARTGESPREK_PLANNEN)
        valideer_deelnemers(genodigden, "genodigden")
        self.gepland_startgesprek = GeplandOverleg(overleg_id=overleg_id, datum=datum, genodigden=tuple(genodigden))
        self._emit(
            StartgesprekGepland(
                traject_id=self.traject_id, datum=datum, genodigden=[g.als_contract() for g in genodigden]
            )
        )

    def houd_startgesprek(
        self,
        startgesprek: Startgesprek,
        *,
        rollen: Sequence[RolInTraject] = (),
        regels: TrajectRegels = STANDAARD_TRAJECT_REGELS,
    ) -> None:
        """Record the startgesprek: IN_OPSTART → LOPEND (§5.2).

        * startdatum := the date of the startgesprek, not of the aanmelding
          [001: "de startdatum werd vastgelegd op het startgesprek"];
        * evaluatie_datum := startdatum + minimale looptijd (calendar months, clamped to the month end);
        * the afspraken must name who keeps the overview and who organises the ronde tafels [001: "Er werd
          afgesproken wie het overzicht bewaarde en de ronde tafels zou organiseren."];
        * a meeting with only the closest partners is allowed (§5.2), so at least one deelnemer suffices;
        * the deelnemers' organisations become partners (INFERRED); ``rollen`` are assigned as by
          :meth:`wijs_rol_toe` (one ``TrajectRolToegewezen`` each).

        Emits the role events, then ``TrajectGestart`` (with the mandate flag).
        """
        naar = TRAJECT_OVERGANGEN.volgende(self.status, _A.STARTGESPREK_HOUDEN)
        valideer_deelnemers(startgesprek.deelnemers, "deelnemers")
        startgesprek.afspraken.valideer("afspraken")
        valideer_antwoorden(Sectie.START, startgesprek.antwoorden)
        for i, rol in enumerate(rollen):
            rol.valideer(f"rollen[{i}]")

        self.status = naar
        self.startgesprek = startgesprek
        self.startdatum = startgesprek.datum
        self.evaluatie_datum = plus_maanden(startgesprek.datum, regels.minimale_looptijd_maanden)
        self.partners = _uniek([*self.partners, *(d.organisatie for d in startgesprek.deelnemers)])
        for rol in rollen:
            self._pas_rol_toe(rol)
        self._emit(
            TrajectGestart(
                traject_id=self.traject_id,
                aanmelding_id=self.aanmelding_id,
                startdatum=self.startdatum,
                evaluatie_datum=self.evaluatie_datum,
                rollen=[r.als_contract() for r in self.rollen],
                trajectcoordinator_gemandateerd=self.trajectcoordinator_gemandateerd,
            )
        )

    # ------------------------------------------------------------------ roles and partners

    def wijs_rol_toe(self, rol: RolInTraject) -> None:
        """Assign a role with its mandate (§4.2 rollen[]); a new trajectcoördinator replaces the old one, the same
        person in the same role and organisation is updated (INFERRED). Emits ``TrajectRolToegewezen``, which
        carries the role, organisation and mandate, never the person (§10 Ps)."""
        TRAJECT_OVERGANGEN.volgende(self.status, _A.ROL_TOEWIJZEN)
        rol.valideer("rol")
        self._pas_rol_toe(rol)

    def _pas_rol_toe(self, rol: RolInTraject) -> None:
        for i, bestaand in enumerate(self.rollen):
            if rol.vervangt(bestaand):
                self.rollen[i] = rol
                break
        else:
            self.rollen.append(rol)
        self._emit(
            TrajectRolToegewezen(
                traject_id=self.traject_id, rol=rol.rol, organisatie=rol.organisatie, mandaat_van=list(rol.mandaat_van)
            )
        )

    def voeg_partner_toe(self, organisatie: str) -> bool:
        """Add a partner organisation (§4.2 partners[], "trajectafhankelijk"). Returns False if it already was one.
        Emits nothing (§10 has no partner event; INFERRED)."""
        TRAJECT_OVERGANGEN.volgende(self.status, _A.PARTNER_TOEVOEGEN)
        vereis_tekst(organisatie, "organisatie")
        if organisatie in self.partners:
            return False
        self.partners.append(organisatie)
        return True

    # ------------------------------------------------------------------ running traject

    def houd_ronde_tafel(self, ronde_tafel: RondeTafel) -> None:
        """Record a ronde tafel (§4.3) in LOPEND, TE_EVALUEREN or VERLENGD. Emits ``RondeTafelGehouden``.

        Guards (INFERRED): not before the startdatum; one record per overleg id.
        """
        TRAJECT_OVERGANGEN.volgende(self.status, _A.RONDE_TAFEL_HOUDEN)
        if self.startdatum is not None and ronde_tafel.datum < self.startdatum:
            raise RegelGeschonden("a ronde tafel cannot precede the startgesprek", veld="datum")
        if any(r.overleg_id == ronde_tafel.overleg_id for r in self.ronde_tafels):
            raise RegelGeschonden("this ronde tafel was already recorded", veld="overlegId")
        for i, a in enumerate(ronde_tafel.afspraken):
            vereis_tekst(a, f"afspraken[{i}]")
        self.ronde_tafels.append(ronde_tafel)
        self._emit(
            RondeTafelGehouden(
                traject_id=self.traject_id,
                overleg_id=ronde_tafel.overleg_id,
                datum=ronde_tafel.datum,
                plan_aangepast=ronde_tafel.plan_aangepast,
            )
        )

    def controleer_evaluatie(self, vandaag: dt.date) -> bool:
        """The evaluation timer as a pure decision (§5.2 "→ TE_EVALUEREN: timer").

        A LOPEND or VERLENGD traject whose evaluatie_datum <= ``vandaag`` goes to TE_EVALUEREN and emits
        ``TrajectEvaluatieVerschuldigd``; returns True. In every other case it does nothing and returns False,
        so calling it again (or on any traject) is harmless: the event is emitted once per evaluation date.
        """
        if not self.evaluatie_verschuldigd(vandaag):
            return False
        assert self.evaluatie_datum is not None
        self.status = TRAJECT_OVERGANGEN.volgende(self.status, _A.EVALUATIE_VERSCHULDIGD)
        self._emit(TrajectEvaluatieVerschuldigd(traject_id=self.traject_id, evaluatie_datum=self.evaluatie_datum))
        return True

    def verleng(
        self, *, besluit_overleg_id: uuid.UUID, op: dt.date, regels: TrajectRegels = STANDAARD_TRAJECT_REGELS
    ) -> None:
        """Extend: TE_EVALUEREN → VERLENGD, decided in an overleg (§5.2 "→ VERLENGD"). Emits ``TrajectVerlengd``.

        evaluatie_datum += verlengingMaanden [001: "verlenging met drie"]. The months are counted from the
        startdatum, so month-end clamping does not accumulate (INFERRED): start 30 Nov → 29 Feb → 30 May.
        Unlimited, each logged in ``verlengingen`` (§5.2 "INF: unlimited, each logged"); one overleg decides
        one extension.
        """
        naar = TRAJECT_OVERGANGEN.volgende(self.status, _A.VERLENGEN)
        if any(v.besluit_overleg_id == besluit_overleg_id for v in self.verlengingen):
            raise RegelGeschonden("this overleg already decided an extension", veld="besluitOverlegId")
        assert self.startdatum is not None and self.evaluatie_datum is not None  # set by the startgesprek
        maanden = maanden_tussen(self.startdatum, self.evaluatie_datum) + regels.verlenging_maanden
        nieuwe = plus_maanden(self.startdatum, maanden)
        self.status = naar
        self.evaluatie_datum = nieuwe
        self.verlengingen.append(
            Verlenging(
                op=op, besluit_overleg_id=besluit_overleg_id, maanden=regels.verlenging_maanden, nieuwe_evaluatie_datum=nieuwe
            )
        )
        self._emit(
            TrajectVerlengd(traject_id=self.traject_id, besluit_overleg_id=besluit_overleg_id, nieuwe_evaluatie_datum=nieuwe)
        )

    # ------------------------------------------------------------------ orthogonal: blokkade, crisis, regie

    def wijzig_blokkade(self, *, status: BlokkadeStatus | None = None, acute_crisis: bool | None = None) -> bool:
        """Change the blokkadeStatus and/or the acuteCrisis flag (§5.2 "orthogonal"), in any state but AFGEROND.

        Every change emits ``TrajectBlokkadeGewijzigd`` (ACT's key event, §10); returns True. Setting the
        values they already have changes nothing, emits nothing and returns False.
        """
        TRAJECT_OVERGANGEN.volgende(self.status, _A.BLOKKADE_WIJZIGEN)
        if status is None and acute_crisis is None:
            raise OngeldigeInvoer("blokkadeStatus", "give a blokkadeStatus and/or acuteCrisis")
        if status is not None and not isinstance(status, BlokkadeStatus):
            raise OngeldigeInvoer("blokkadeStatus", "unknown blokkadeStatus")
        return self._zet_blokkade(
            self.blokkade_status if status is None else status,
            self.acute_crisis if acute_crisis is None else bool(acute_crisis),
        )

    def _zet_blokkade(self, naar: BlokkadeStatus, acute_crisis: bool) -> bool:
        if (naar, acute_crisis) == (self.blokkade_status, self.acute_crisis):
            return False
        van = self.blokkade_status
        self.blokkade_status, self.acute_crisis = naar, acute_crisis
        self._emit(
            TrajectBlokkadeGewijzigd(traject_id=self.traject_id, van=van, naar=naar, acute_crisis=acute_crisis)
        )
        return True

    def draag_regie_over(self, naar_organisatie: str) -> bool:
        """Hand the regie to another organisation (§5.2 regieBij; e.g. [001: "Veilige Trajecten nam de regie
        over."]). Emits ``TrajectRegieOvergedragen``; returns False (no event) if it already has the regie."""
        TRAJECT_OVERGANGEN.volgende(self.status, _A.REGIE_OVERDRAGEN)
        vereis_tekst(naar_organisatie, "naarOrganisatie")
        if naar_organisatie == self.regie_bij:
            return False
        self.regie_bij = naar_organisatie
        self._emit(TrajectRegieOvergedragen(traject_id=self.traject_id, naar_organisatie=naar_organisatie))
        return True

    # ------------------------------------------------------------------ afronding

    def plan_samenwerkingsoverleg_einde(self, *, overleg_id: uuid.UUID, datum: dt.date) -> None:
        """Plan the samenwerkingsoverleg at the end: LOPEND|TE_EVALUEREN|VERLENGD → IN_AFRONDING (§5.2).

        Refused while acuteCrisis is set (§5.2 "Postpone while acuteCrisis is set (INF)", because of
        [001: "uitdagend was wanneer een traject in acute crisis verkeerde"]). Emits nothing (§10 has no event
        for it, INFERRED).
        """
        naar = TRAJECT_OVERGANGEN.volgende(self.status, _A.SAMENWERKINGSOVERLEG_EINDE_PLANNEN)
        if self.acute_crisis:
            raise RegelGeschonden("postpone the afronding while the traject is in acute crisis", veld="acuteCrisis")
        self.gepland_samenwerkingsoverleg_einde = GeplandOverleg(overleg_id=overleg_id, datum=datum)
        self.status = naar

    def houd_samenwerkingsoverleg_einde(
        self,
        *,
        overleg_id: uuid.UUID,
        datum: dt.date,
        antwoorden: Sequence[VraagAntwoord],
        identificerend: IdentificerendeGegevens | None = None,
    ) -> None:
        """Record the held samenwerkingsoverleg einde (§4.3, §7) of the planned overleg id, once.

        The answers are validated against Bijlage 4 (§7); E5a/E5c/E5d/E5e/E7b answers become candidate signals,
        E7a answers theme proposals. Nothing is released: ``SamenwerkingsoverlegGehouden`` (class P, internal
        topic) goes to signalering for de-identification (§9 rule 2). Data minimisation: the names the traject
        knows (``identificerend.namen`` and the persons holding a role in this traject) are masked as ``[NAAM]`` in
        the candidate texts and theme proposals (whole words, case- and accent-insensitive, after the Unicode
        normalisation signalering's gate uses: look-alike letters and zero-width characters do not hide a name)
        and never leave traject; the other identifying data (birth dates, age, region) goes along for the gate.

        An E4 answer ("Situatie nu") is the reassessed blokkadeStatus (§5.2): if it differs, it is set and
        ``TrajectBlokkadeGewijzigd`` follows (INFERRED).
        """
        TRAJECT_OVERGANGEN.volgende(self.status, _A.SAMENWERKINGSOVERLEG_EINDE_HOUDEN)
        gepland = self.gepland_samenwerkingsoverleg_einde
        if gepland is None or gepland.overleg_id != overleg_id:
            raise RegelGeschonden("this is not the planned samenwerkingsoverleg einde", veld="overlegId")
        if self.samenwerkingsoverleg_einde is not None:
            raise RegelGeschonden("the samenwerkingsoverleg einde was already recorded", veld="overlegId")
        if self.startdatum is not None and datum < self.startdatum:
            raise RegelGeschonden("the samenwerkingsoverleg cannot precede the startgesprek", veld="datum")
        valideer_antwoorden(Sectie.EINDE, antwoorden)

        swo = SamenwerkingsoverlegEinde(overleg_id=overleg_id, datum=datum, antwoorden=tuple(antwoorden))
        self.samenwerkingsoverleg_einde = swo
        basis = identificerend or IdentificerendeGegevens()
        namen = self._namen(basis)
        kandidaten = [k.model_copy(update={"tekst": maskeer_namen(k.tekst, namen)}) for k in swo.kandidaat_signalen]
        voorstellen = [maskeer_namen(v, namen) for v in swo.thema_voorstellen]
        self._emit(
            SamenwerkingsoverlegGehouden(
                traject_id=self.traject_id,
                overleg_id=overleg_id,
                soort=OverlegSoort.SAMENWERKINGSOVERLEG_EINDE,
                datum=datum,
                # no candidate signals once the jongere withdrew the consent to the traject (§9 rule 5)
                kandidaat_signalen=kandidaten if self.maakt_signalen else [],
                thema_voorstellen=voorstellen if self.maakt_signalen else [],
                identificerend=IdentificerendeKenmerken(geboortedata=basis.geboortedata, leeftijd=basis.leeftijd, regio=basis.regio),
            )
        )
        if swo.situatie_nu is not None:
            self._zet_blokkade(swo.situatie_nu, self.acute_crisis)

    def _namen(self, basis: IdentificerendeGegevens) -> list[str]:
        """The names to mask: those given and the persons holding a role in this traject."""
        return _uniek([*basis.namen, *(r.persoon for r in self.rollen if r.persoon)])

    def rond_af(
        self,
        *,
        besluit_overleg_id: uuid.UUID,
        op: dt.date,
        redenen: Sequence[AfrondingsReden],
        override_reden: str | None = None,
        regels: TrajectRegels = STANDAARD_TRAJECT_REGELS,
    ) -> None:
        """Close: IN_AFRONDING → AFGEROND, as the decision of the held samenwerkingsoverleg einde (§5.2
        [001: "werd in een samenwerkingsoverleg bekeken of de planmaker het traject kon afronden"]).

        Guards, in this order:
        * ``besluit_overleg_id`` is the held samenwerkingsoverleg einde (veld ``besluitOverlegId``);
        * at least one AfrondingsReden (veld ``redenen``);
        * not while acuteCrisis (veld ``acuteCrisis``; INFERRED, §5.2);
        * not before the overleg itself (veld ``afgerondOp``; INFERRED);
        * not before startdatum + minimale looptijd unless ``override_reden`` is given (veld ``overrideReden``;
          §5.2 INF). The reason stays in the aggregate; the event only says ``voor_minimale_looptijd``.

        Emits ``TrajectAfgerond`` with the blokkadeStatus at the end.
        """
        naar = TRAJECT_OVERGANGEN.volgende(self.status, _A.AFRONDEN)
        swo = self.samenwerkingsoverleg_einde
        if swo is None or swo.overleg_id != besluit_overleg_id:
            raise RegelGeschonden("afronding is decided in the held samenwerkingsoverleg einde", veld="besluitOverlegId")
        if not redenen:
            raise OngeldigeInvoer("redenen", "at least one afrondingsreden is required")
        for i, r in enumerate(redenen):
            if not isinstance(r, AfrondingsReden):
                raise OngeldigeInvoer(f"redenen[{i}]", "unknown afrondingsreden")
        if self.acute_crisis:
            raise RegelGeschonden("no afronding while the traject is in acute crisis", veld="acuteCrisis")
        if op < swo.datum:
            raise RegelGeschonden("the afronding cannot precede the samenwerkingsoverleg", veld="afgerondOp")
        minimum = self.minimale_looptijd_einde(regels)
        voor_minimum = minimum is not None and op < minimum
        heeft_override = override_reden is not None and bool(override_reden.strip())
        if voor_minimum and not heeft_override:
            raise RegelGeschonden("before the minimale looptijd an override reason is required", veld="overrideReden")

        self._sluit(naar, op, list(dict.fromkeys(redenen)), voor_minimum)
        self.afronding_besluit_overleg_id = besluit_overleg_id
        self.afronding_override_reden = override_reden if heeft_override else None

    def neem_historiek_over(
        self,
        *,
        startdatum: dt.date,
        afgerond_op: dt.date | None = None,
        redenen: Sequence[AfrondingsReden] = (),
        blokkade_status_einde: BlokkadeStatus | None = None,
        regels: TrajectRegels = STANDAARD_TRAJECT_REGELS,
    ) -> None:
        """Record a traject of the project's paper history: IN_OPSTART → LOPEND (or AFGEROND) at its original dates.

        The paper record has the startdatum and the closure, not the startgesprek's afspraken nor the
        samenwerkingsoverleg's answers, so those guards cannot apply (INFERRED); the others do: only from
        IN_OPSTART (veld ``startdatum``), a closure not before the start (veld ``afgerond_op``) and with at least
        one reason (veld ``afrondingsredenen``), and reasons only with a closure. The blokkade at the end is set
        without a ``TrajectBlokkadeGewijzigd`` (its moment is unknown). Emits ``TrajectGestart``, then
        ``TrajectAfgerond`` when closed, exactly as a live traject does.
        """
        if self.status is not TrajectStatus.IN_OPSTART:
            raise RegelGeschonden(f"the traject is {self.status.value}, not IN_OPSTART: its history cannot be recorded", veld="startdatum")
        if afgerond_op is None and (redenen or blokkade_status_einde is not None):
            raise RegelGeschonden("afrondingsredenen and blokkade at the end only with afgerond_op", veld="afgerond_op")
        if afgerond_op is not None:
            if afgerond_op < startdatum:
                raise RegelGeschonden("the afronding cannot precede the startdatum", veld="afgerond_op")
            if not redenen:
                raise RegelGeschonden("at least one afrondingsreden is required", veld="afrondingsredenen")
        self.status = TrajectStatus.LOPEND
        self.startdatum = startdatum
        self.evaluatie_datum = plus_maanden(startdatum, regels.minimale_looptijd_maanden)
        self._emit(
            TrajectGestart(
                traject_id=self.traject_id,
                aanmelding_id=self.aanmelding_id,
                startdatum=startdatum,
                evaluatie_datum=self.evaluatie_datum,
                rollen=[r.als_contract() for r in self.rollen],
                trajectcoordinator_gemandateerd=self.trajectcoordinator_gemandateerd,
            )
        )
        if afgerond_op is not None:
            if blokkade_status_einde is not None:
                self.blokkade_status = blokkade_status_einde
            minimum = self.minimale_looptijd_einde(regels)
            self._sluit(TrajectStatus.AFGEROND, afgerond_op, list(dict.fromkeys(redenen)), minimum is not None and afgerond_op < minimum)

    def sluit_af_wegens_projecteinde(self, *, op: dt.date, regels: TrajectRegels = STANDAARD_TRAJECT_REGELS) -> None:
        """The coördinator closes the traject because the project ends: any non-final state → AFGEROND with reason
        PROJECT_EINDE (§5.2 "any → AFGEROND", INF; 12 closures in 2025). No other guard. Emits ``TrajectAfgerond``."""
        naar = TRAJECT_OVERGANGEN.volgende(self.status, _A.PROJECT_EINDE)
        minimum = self.minimale_looptijd_einde(regels)
        self._sluit(naar, op, [AfrondingsReden.PROJECT_EINDE], minimum is None or op < minimum)

    def _sluit(self, naar: TrajectStatus, op: dt.date, redenen: list[AfrondingsReden], voor_minimum: bool) -> None:
        self.status = naar
        self.afgerond_op = op
        self.afrondings_redenen = redenen
        self._emit(
            TrajectAfgerond(
                traject_id=self.traject_id,
                afgerond_op=op,
                redenen=redenen,
                blokkade_status_einde=self.blokkade_status,
                voor_minimale_looptijd=voor_minimum,
            )
        )
