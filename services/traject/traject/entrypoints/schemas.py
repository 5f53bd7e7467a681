"""Request and response bodies of the traject API (camelCase on the wire), the history file's rows included.
Requests are turned into domain values here; the shapes are checked by pydantic (422), the rules by the domain
(its refusals answered by the one table of jeugdhulp_common.problems, naming the field)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from jeugdhulp_common import historiek
from jeugdhulp_common.api import RequestBody, ResponseBody
from jeugdhulp_common.contracts.vocabulary import AfrondingsReden, BlokkadeStatus, DIWAanvraagStatus, Rol, SignaalSoort

from traject.domain import (
    DIWAanvraagGegevens,
    DIWFondsAanvraag,
    DIWPartner,
    RolInTraject,
    RondeTafel,
    StartAfspraken,
    Startgesprek,
    Traject,
    TrajectRegels,
    TrajectStatus,
    VraagAntwoord,
    toegestane_acties,
)
from traject.domain import Deelnemer as DeelnemerWaarde
from traject.service_layer.historiek import TrajectHistoriek

_M = RequestBody
Kort = Annotated[str, Field(min_length=1, max_length=200)]
Regel = Annotated[str, Field(min_length=1, max_length=2000)]


# --------------------------------------------------------------------------- requests


class Deelnemer(_M):
    functie: str = Field(min_length=1, max_length=200)
    organisatie: str = Field(min_length=1, max_length=200)

    def domein(self) -> DeelnemerWaarde:
        return DeelnemerWaarde(functie=self.functie, organisatie=self.organisatie)


class Rolinvoer(_M):
    rol: Rol
    organisatie: str = Field(min_length=1, max_length=200)
    persoon: str | None = Field(None, min_length=1, max_length=200, description="stays in the traject service")
    mandaat_van: list[Kort] = Field(default_factory=list, max_length=50)

    def domein(self) -> RolInTraject:
        return RolInTraject(rol=self.rol, organisatie=self.organisatie, persoon=self.persoon, mandaat_van=tuple(self.mandaat_van))


class Antwoordinvoer(_M):
    vraag_id: str = Field(min_length=1, max_length=10)
    tekst: str | None = Field(None, max_length=10_000)
    blokkade_status: BlokkadeStatus | None = None
    soort: SignaalSoort | None = None

    def domein(self) -> VraagAntwoord:
        return VraagAntwoord(vraag_id=self.vraag_id, tekst=self.tekst, blokkade_status=self.blokkade_status, soort=self.soort)


class StartgesprekPlannen(_M):
    overleg_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    datum: dt.date
    genodigden: list[Deelnemer] = Field(min_length=1, max_length=100)


class StartAfsprakenInvoer(_M):
    overzicht_bewaarder: Deelnemer | None = None
    ronde_tafels_organisator: Deelnemer | None = None
    overige: list[Regel] = Field(default_factory=list, max_length=100)

    def domein(self) -> StartAfspraken:
        return StartAfspraken(
            overzicht_bewaarder=self.overzicht_bewaarder.domein() if self.overzicht_bewaarder else None,
            ronde_tafels_organisator=self.ronde_tafels_organisator.domein() if self.ronde_tafels_organisator else None,
            overige=tuple(self.overige),
        )


class StartgesprekHouden(_M):
    overleg_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    datum: dt.date = Field(description="becomes the startdatum of the traject")
    deelnemers: list[Deelnemer] = Field(min_length=1, max_length=100)
    afspraken: StartAfsprakenInvoer
    antwoorden: list[Antwoordinvoer] = Field(default_factory=list, max_length=100)
    rollen: list[Rolinvoer] = Field(default_factory=list, max_length=50)

    def domein(self) -> Startgesprek:
        return Startgesprek(
            overleg_id=self.overleg_id,
            datum=self.datum,
            deelnemers=tuple(d.domein() for d in self.deelnemers),
            afspraken=self.afspraken.domein(),
            antwoorden=tuple(a.domein() for a in self.antwoorden),
        )


class PartnerToevoegen(_M):
    organisatie: str = Field(min_length=1, max_length=200)


class RondeTafelInvoer(_M):
    overleg_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    datum: dt.date
    plan_aangepast: bool
    afspraken: list[Regel] = Field(default_factory=list, max_length=100)

    def domein(self) -> RondeTafel:
        return RondeTafel(overleg_id=self.overleg_id, datum=self.datum, plan_aangepast=self.plan_aangepast, afspraken=tuple(self.afspraken))


class BlokkadeInvoer(_M):
    blokkade_status: BlokkadeStatus | None = None
    acute_crisis: bool | None = None


class RegieInvoer(_M):
    naar_organisatie: str = Field(min_length=1, max_length=200)


class VerlengingInvoer(_M):
    besluit_overleg_id: uuid.UUID = Field(description="the overleg that decided the extension")
    op: dt.date | None = None


class OverlegPlannen(_M):
    overleg_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    datum: dt.date


class SamenwerkingsoverlegEindeInvoer(_M):
    overleg_id: uuid.UUID
    datum: dt.date
    antwoorden: list[Antwoordinvoer] = Field(default_factory=list, max_length=200)


class AfrondingInvoer(_M):
    besluit_overleg_id: uuid.UUID
    redenen: list[AfrondingsReden] = Field(default_factory=list, max_length=10)
    override_reden: str | None = Field(None, max_length=2000)
    afgerond_op: dt.date | None = None


class ProjectEindeInvoer(_M):
    op: dt.date | None = None


class DIWPartnerInvoer(_M):
    organisatie: str = Field(min_length=1, max_length=200)
    taak: str = Field(min_length=1, max_length=2000)


class DIWAanvraagInvoer(_M):
    """The Bijlage 9 form (§4.8). May be incomplete while CONCEPT; indienen requires everything."""

    aanvrager: str | None = Field(None, max_length=200)
    aanvrager_organisatie: str | None = Field(None, max_length=200)
    bestemming: str | None = Field(None, max_length=5000)
    bedrag_eurocent: int | None = Field(None, ge=0, le=10**10)
    gewenst_effect: str | None = Field(None, max_length=5000)
    partners: list[DIWPartnerInvoer] = Field(default_factory=list, max_length=50)
    geschatte_duur_maanden: int | None = Field(None, ge=0, le=120)
    engagement_driemaandelijkse_evaluatie: bool = False
    zonder_extra_middelen: str | None = Field(None, max_length=5000)
    afbouwplan: str | None = Field(None, max_length=5000)
    casemanager: str | None = Field(None, max_length=200)
    casemanager_engagement: str | None = Field(None, max_length=5000)
    act_bevraagd_op: dt.date | None = None

    def domein(self) -> DIWAanvraagGegevens:
        velden = self.model_dump(exclude={"partners"})
        return DIWAanvraagGegevens(**velden, partners=tuple(DIWPartner(organisatie=p.organisatie, taak=p.taak) for p in self.partners))


class DatumInvoer(_M):
    op: dt.date | None = None


class TeamBesprekingInvoer(_M):
    overleg_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    op: dt.date | None = None


class GoedkeuringInvoer(_M):
    besluit_overleg_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    op: dt.date | None = None
    gebruik_tot: dt.date | None = None


class AfwijzingInvoer(_M):
    besluit_overleg_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    op: dt.date | None = None
    reden: str = Field(min_length=1, max_length=5000)


class DIWEvaluatieInvoer(_M):
    overleg_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    datum: dt.date


# --------------------------------------------------------------------------- history import


class TrajectHistoriekRij(BaseModel):
    """One line of the history file, as far as the traject service reads it (its other columns are ignored)."""

    model_config = ConfigDict(extra="ignore")

    ref: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    startdatum: dt.date | None = None
    afgerond_op: dt.date | None = None
    afrondingsredenen: Annotated[list[AfrondingsReden], BeforeValidator(historiek.lijst)] = Field(default_factory=list, max_length=10)
    blokkade_status_einde: BlokkadeStatus | None = None

    def als_historiek(self) -> TrajectHistoriek | None:
        if self.startdatum is None:
            return None
        return TrajectHistoriek(
            startdatum=self.startdatum,
            afgerond_op=self.afgerond_op,
            redenen=tuple(self.afrondingsredenen),
            blokkade_status_einde=self.blokkade_status_einde,
        )


class ImportUit(ResponseBody):
    rijen: int
    nieuw: int
    ongewijzigd: int
    zonder_traject: int


# --------------------------------------------------------------------------- responses

_U = ResponseBody


class DeelnemerUit(_U):
    functie: str
    organisatie: str


class RolUit(_U):
    rol: Rol
    organisatie: str
    persoon: str | None = Field(None, description="left out for a partner after GEGEVENSDELING_PARTNERS was withdrawn")
    mandaat_van: list[str]


class AntwoordUit(_U):
    vraag_id: str
    tekst: str | None
    blokkade_status: BlokkadeStatus | None
    soort: SignaalSoort | None


class GeplandStartgesprekUit(_U):
    overleg_id: uuid.UUID
    datum: dt.date
    genodigden: list[DeelnemerUit]


class StartAfsprakenUit(_U):
    overzicht_bewaarder: DeelnemerUit | None
    ronde_tafels_organisator: DeelnemerUit | None
    overige: list[str]


class StartgesprekUit(_U):
    overleg_id: uuid.UUID
    datum: dt.date
    deelnemers: list[DeelnemerUit]
    afspraken: StartAfsprakenUit
    antwoorden: list[AntwoordUit]


class RondeTafelUit(_U):
    overleg_id: uuid.UUID
    datum: dt.date
    plan_aangepast: bool
    afspraken: list[str]


class VerlengingUit(_U):
    op: dt.date
    besluit_overleg_id: uuid.UUID
    maanden: int
    nieuwe_evaluatie_datum: dt.date


class GeplandOverlegUit(_U):
    overleg_id: uuid.UUID
    datum: dt.date


class KandidaatSignaalUit(_U):
    vraag_id: str
    soort: SignaalSoort
    tekst: str = Field(description="role holders' names masked as [NAAM]; not released (signalering de-identifies)")


class SamenwerkingsoverlegEindeUit(_U):
    overleg_id: uuid.UUID
    datum: dt.date
    antwoorden: list[AntwoordUit]
    kandidaat_signalen: list[KandidaatSignaalUit]
    thema_voorstellen: list[str]


class InstemmingUit(_U):
    gegevensdeling_ingetrokken_op: dt.date | None
    opstart_instemming_ingetrokken_op: dt.date | None
    gemarkeerd_voor_team: bool
    maakt_signalen: bool


class TrajectUit(_U):
    """A traject as read through the API. For a partner after the withdrawal of GEGEVENSDELING_PARTNERS its
    personal data (roles' persons, overleg answers, agreements, candidate texts) is left out and
    ``gegevensGedeeld`` is false."""

    traject_id: uuid.UUID
    aanmelding_id: uuid.UUID
    status: TrajectStatus
    startdatum: dt.date | None
    evaluatie_datum: dt.date | None
    minimale_looptijd_einde: dt.date | None
    blokkade_status: BlokkadeStatus
    acute_crisis: bool
    regie_bij: str | None
    rollen: list[RolUit]
    partners: list[str]
    zonder_gemandateerde_trajectcoordinator: bool
    ontbrekend_mandaat: list[str]
    gepland_startgesprek: GeplandStartgesprekUit | None
    startgesprek: StartgesprekUit | None
    ronde_tafels: list[RondeTafelUit]
    verlengingen: list[VerlengingUit]
    gepland_samenwerkingsoverleg_einde: GeplandOverlegUit | None
    samenwerkingsoverleg_einde: SamenwerkingsoverlegEindeUit | None
    afrondings_redenen: list[AfrondingsReden]
    afgerond_op: dt.date | None
    afronding_besluit_overleg_id: uuid.UUID | None
    afronding_override_reden: str | None
    toegestane_acties: list[str]
    instemming: InstemmingUit
    gegevens_gedeeld: bool = True


class DIWPartnerUit(_U):
    organisatie: str
    taak: str


class DIWGegevensUit(_U):
    aanvrager: str | None
    aanvrager_organisatie: str | None
    bestemming: str | None
    bedrag_eurocent: int | None
    gewenst_effect: str | None
    partners: list[DIWPartnerUit]
    geschatte_duur_maanden: int | None
    engagement_driemaandelijkse_evaluatie: bool
    zonder_extra_middelen: str | None
    afbouwplan: str | None
    casemanager: str | None
    casemanager_engagement: str | None
    act_bevraagd_op: dt.date | None


class DIWEvaluatieUit(_U):
    overleg_id: uuid.UUID
    datum: dt.date


class DIWAanvraagUit(_U):
    aanvraag_id: uuid.UUID
    traject_id: uuid.UUID
    status: DIWAanvraagStatus
    gegevens: DIWGegevensUit
    ingediend_op: dt.date | None
    team_overleg_id: uuid.UUID | None
    besproken_op: dt.date | None
    besluit_overleg_id: uuid.UUID | None
    beslist_op: dt.date | None
    afwijzingsreden: str | None
    gebruik_vanaf: dt.date | None
    gebruik_tot: dt.date | None
    afgesloten_op: dt.date | None
    evaluaties: list[DIWEvaluatieUit]
    laatste_evaluatie_gemeld: dt.date | None


# --------------------------------------------------------------------------- responses


def _deelnemer(d: DeelnemerWaarde | None) -> dict | None:
    return None if d is None else {"functie": d.functie, "organisatie": d.organisatie}


def _antwoorden(antwoorden) -> list[dict]:
    return [
        {"vraagId": a.vraag_id, "tekst": a.tekst, "blokkadeStatus": a.blokkade_status, "soort": a.soort} for a in antwoorden
    ]


def traject_view(t: Traject, regels: TrajectRegels, *, voor_partner: bool = False) -> TrajectUit:
    """The traject as read through the API. For a partner after the withdrawal of GEGEVENSDELING_PARTNERS the
    traject's personal data (roles' persons, overleg answers, agreements, candidate texts) is left out."""
    uit = _traject_view(t, regels)
    uit["instemming"] = {
        "gegevensdelingIngetrokkenOp": t.gegevensdeling_ingetrokken_op,
        "opstartInstemmingIngetrokkenOp": t.opstart_instemming_ingetrokken_op,
        "gemarkeerdVoorTeam": t.opstart_instemming_ingetrokken_op is not None,
        "maaktSignalen": t.maakt_signalen,
    }
    if voor_partner and not t.deelt_met_partners:
        _zonder_persoonsgegevens(uit)
    return TrajectUit.model_validate(uit)


def _zonder_persoonsgegevens(uit: dict) -> None:
    for rol in uit["rollen"]:
        rol["persoon"] = None
    for sleutel in ("startgesprek", "samenwerkingsoverlegEinde"):
        overleg = uit.get(sleutel)
        if overleg:
            overleg["antwoorden"] = []
            if "kandidaatSignalen" in overleg:
                overleg["kandidaatSignalen"] = []
            if "themaVoorstellen" in overleg:
                overleg["themaVoorstellen"] = []
            if "afspraken" in overleg:
                overleg["afspraken"]["overige"] = []
    for rt in uit["rondeTafels"]:
        rt["afspraken"] = []
    uit["gegevensGedeeld"] = False


def _traject_view(t: Traject, regels: TrajectRegels) -> dict:
    sg, gsg, swo, gswo = t.startgesprek, t.gepland_startgesprek, t.samenwerkingsoverleg_einde, t.gepland_samenwerkingsoverleg_einde
    return {
        "trajectId": t.traject_id,
        "aanmeldingId": t.aanmelding_id,
        "status": t.status,
        "startdatum": t.startdatum,
        "evaluatieDatum": t.evaluatie_datum,
        "minimaleLooptijdEinde": t.minimale_looptijd_einde(regels),
        "blokkadeStatus": t.blokkade_status,
        "acuteCrisis": t.acute_crisis,
        "regieBij": t.regie_bij,
        "rollen": [
            {"rol": r.rol, "organisatie": r.organisatie, "persoon": r.persoon, "mandaatVan": list(r.mandaat_van)} for r in t.rollen
        ],
        "partners": list(t.partners),
        "zonderGemandateerdeTrajectcoordinator": t.zonder_gemandateerde_trajectcoordinator,
        "ontbrekendMandaat": sorted(t.ontbrekend_mandaat),
        "geplandStartgesprek": None
        if gsg is None
        else {"overlegId": gsg.overleg_id, "datum": gsg.datum, "genodigden": [_deelnemer(d) for d in gsg.genodigden]},
        "startgesprek": None
        if sg is None
        else {
            "overlegId": sg.overleg_id,
            "datum": sg.datum,
            "deelnemers": [_deelnemer(d) for d in sg.deelnemers],
            "afspraken": {
                "overzichtBewaarder": _deelnemer(sg.afspraken.overzicht_bewaarder),
                "rondeTafelsOrganisator": _deelnemer(sg.afspraken.ronde_tafels_organisator),
                "overige": list(sg.afspraken.overige),
            },
            "antwoorden": _antwoorden(sg.antwoorden),
        },
        "rondeTafels": [
            {"overlegId": r.overleg_id, "datum": r.datum, "planAangepast": r.plan_aangepast, "afspraken": list(r.afspraken)}
            for r in t.ronde_tafels
        ],
        "verlengingen": [
            {"op": v.op, "besluitOverlegId": v.besluit_overleg_id, "maanden": v.maanden, "nieuweEvaluatieDatum": v.nieuwe_evaluatie_datum}
            for v in t.verlengingen
        ],
        "geplandSamenwerkingsoverlegEinde": None if gswo is None else {"overlegId": gswo.overleg_id, "datum": gswo.datum},
        "samenwerkingsoverlegEinde": None
        if swo is None
        else {
            "overlegId": swo.overleg_id,
            "datum": swo.datum,
            "antwoorden": _antwoorden(swo.antwoorden),
            "kandidaatSignalen": [k.model_dump(mode="json", by_alias=True) for k in swo.kandidaat_signalen],
            "themaVoorstellen": swo.thema_voorstellen,
        },
        "afrondingsRedenen": list(t.afrondings_redenen),
        "afgerondOp": t.afgerond_op,
        "afrondingBesluitOverlegId": t.afronding_besluit_overleg_id,
        "afrondingOverrideReden": t.afronding_override_reden,
        "toegestaneActies": sorted(a.value for a in toegestane_acties(t.status)),
    }


def diw_view(a: DIWFondsAanvraag) -> DIWAanvraagUit:
    g = a.gegevens
    return DIWAanvraagUit.model_validate({
        "aanvraagId": a.aanvraag_id,
        "trajectId": a.traject_id,
        "status": a.status,
        "gegevens": {
            "aanvrager": g.aanvrager,
            "aanvragerOrganisatie": g.aanvrager_organisatie,
            "bestemming": g.bestemming,
            "bedragEurocent": g.bedrag_eurocent,
            "gewenstEffect": g.gewenst_effect,
            "partners": [{"organisatie": p.organisatie, "taak": p.taak} for p in g.partners],
            "geschatteDuurMaanden": g.geschatte_duur_maanden,
            "engagementDriemaandelijkseEvaluatie": g.engagement_driemaandelijkse_evaluatie,
            "zonderExtraMiddelen": g.zonder_extra_middelen,
            "afbouwplan": g.afbouwplan,
            "casemanager": g.casemanager,
            "casemanagerEngagement": g.casemanager_engagement,
            "actBevraagdOp": g.act_bevraagd_op,
        },
        "ingediendOp": a.ingediend_op,
        "teamOverlegId": a.team_overleg_id,
        "besprokenOp": a.besproken_op,
        "besluitOverlegId": a.besluit_overleg_id,
        "beslistOp": a.beslist_op,
        "afwijzingsreden": a.afwijzingsreden,
        "gebruikVanaf": a.gebruik_vanaf,
        "gebruikTot": a.gebruik_tot,
        "afgeslotenOp": a.afgesloten_op,
        "evaluaties": [{"overlegId": e.overleg_id, "datum": e.datum} for e in a.evaluaties],
        "laatsteEvaluatieGemeld": a.laatste_evaluatie_gemeld,
    })
