"""Request and response bodies of the aanmelding API (camelCase JSON), and the problem+json schema for OpenAPI.

Requests are checked here for shape (types, codes, lengths) so a wrong field is a 422 naming it; the domain
rules themselves live in ``aanmelding.domain`` (which checks again).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from jeugdhulp_common import historiek
from jeugdhulp_common.codec import naar_json
from jeugdhulp_common.api import Problem, RequestBody, ResponseBody, problem_responses  # noqa: F401 - Problem re-exported
from jeugdhulp_common.contracts.vocabulary import (
    IntakePauzeReden,
    AanmelderCategorie,
    BlokkadeStatus,
    Onderwerp,
    Ondersteuningsvorm,
    RedenNietOpstart,
    RedenVanAanmelding,
    RegioELZ,
)

from aanmelding.domain import (
    Aanmelder,
    Aanmelding,
    AanmeldingActie,
    AanmeldingGegevens,
    AanmeldingStatus,
    AlternatiefAdvies,
    Brus,
    Gezinssamenstelling,
    InstemmingDoor,
    InstemmingScope,
    Intake,
    Label,
    OudersSituatie,
    Verblijfssituatie,
    Instemming,
    ScreeningResultaat,
    toegestane_acties,
)
from aanmelding.domain.historiek import Beslissing, HistoriekAanmelding


def _leeg_is_none(v: Any) -> Any:
    return None if isinstance(v, str) and not v.strip() else v


Tekst = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
OptTekst = Annotated[Tekst | None, BeforeValidator(_leeg_is_none)]
OptLangeTekst = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)] | None, BeforeValidator(_leeg_is_none)
]


_Body = RequestBody
_Uit = ResponseBody


# --------------------------------------------------------------------------- requests


class AanmelderIn(_Body):
    organisatie: Tekst = Field(description="The referring organisation; a partner may only give its own")
    categorie: AanmelderCategorie
    contactpersoon: OptTekst = Field(None, description="A professional at the organisation; never leaves this service")


class BrusIn(_Body):
    ref: OptTekst = Field(None, description="Pseudonymous reference of the sibling (no name)")
    leeftijd: int | None = Field(None, ge=0, le=120, strict=True)


class GezinssamenstellingIn(_Body):
    ouders: OudersSituatie | None = None
    brussen: list[BrusIn] = Field(default_factory=list, max_length=30)


class NieuweAanmelding(_Body):
    """An aanmelding (domain guide §4.1). Only codes and pseudonymous references, never names."""

    aanmelder: AanmelderIn
    onderwerp: Onderwerp
    jongere_ref: Tekst = Field(description="Pseudonymous reference of the jongere (§9): never a name")
    leeftijd_bij_aanmelding: int = Field(ge=0, le=25, strict=True, description="Age at aanmelding (1G1P: 0–25)")
    regio_jongere: RegioELZ
    redenen: list[RedenVanAanmelding] = Field(min_length=1, max_length=len(RedenVanAanmelding))
    redenen_toelichting: OptLangeTekst = Field(None, description="Free text; stays in this service (not in events)")
    blokkade_status_bij_aanmelding: BlokkadeStatus | None = None
    gezinssamenstelling: GezinssamenstellingIn = Field(default_factory=GezinssamenstellingIn)
    verblijfssituatie: Verblijfssituatie | None = None
    labels: list[Label] = Field(default_factory=list, max_length=len(Label))
    betrokken_partners: list[Tekst] = Field(default_factory=list, max_length=50, description="Organisations involved")
    jeugdhulpregisseur: OptTekst = Field(None, description="Reference of the ACT jeugdhulpregisseur")

    def naar_domein(self) -> AanmeldingGegevens:
        return AanmeldingGegevens(
            aanmelder=Aanmelder(
                organisatie=self.aanmelder.organisatie, categorie=self.aanmelder.categorie, contactpersoon=self.aanmelder.contactpersoon
            ),
            onderwerp=self.onderwerp,
            jongere_ref=self.jongere_ref,
            leeftijd_bij_aanmelding=self.leeftijd_bij_aanmelding,
            regio_jongere=self.regio_jongere,
            redenen=tuple(self.redenen),
            redenen_toelichting=self.redenen_toelichting,
            blokkade_status_bij_aanmelding=self.blokkade_status_bij_aanmelding,
            gezinssamenstelling=Gezinssamenstelling(
                ouders=self.gezinssamenstelling.ouders,
                brussen=tuple(Brus(ref=b.ref, leeftijd=b.leeftijd) for b in self.gezinssamenstelling.brussen),
            ),
            verblijfssituatie=self.verblijfssituatie,
            labels=frozenset(self.labels),
            betrokken_partners=tuple(self.betrokken_partners),
            jeugdhulpregisseur=self.jeugdhulpregisseur,
        )


class AlternatiefAdviesIn(_Body):
    """One of the 24 Ondersteuningsvormen (§4.10) and/or a text (the text stays in this service)."""

    vorm: Ondersteuningsvorm | None = None
    tekst: OptLangeTekst = None

    @model_validator(mode="after")
    def _vorm_of_tekst(self) -> AlternatiefAdviesIn:
        if self.vorm is None and self.tekst is None:
            raise PydanticCustomError("alternatief_advies_leeg", "an Ondersteuningsvorm code (vorm) and/or a text (tekst) is required")
        return self

    def naar_domein(self) -> AlternatiefAdvies:
        return AlternatiefAdvies(vorm=self.vorm, tekst=self.tekst)


class NietOpstartenIn(_Body):
    reden: RedenNietOpstart
    alternatief_advies: AlternatiefAdviesIn = Field(description="Required when a traject does not start (§4.1)")


class InstemmingIn(_Body):
    door: InstemmingDoor
    op: AwareDatetime = Field(description="When the consent was given (not in the future)")
    scope: list[InstemmingScope] = Field(min_length=1, max_length=len(InstemmingScope))
    instemming_id: uuid.UUID | None = Field(None, description="Optional client-chosen id; a repeat with the same id is refused")


class IntrekkingIn(_Body):
    op: AwareDatetime = Field(description="When the consent was withdrawn (not in the future, not before the consent)")


class IntakeIn(_Body):
    open: bool
    reden: OptLangeTekst = Field(None, description="Required when closing: the team's wording about the project, never about a child (stays in this service)")
    reden_code: IntakePauzeReden = Field(IntakePauzeReden.ANDERE, description="When closing: the reason code published on the meso topic")

    @field_validator("reden", mode="after")
    @classmethod
    def _reden_bij_sluiten(cls, v: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("open") is False and v is None:
            raise PydanticCustomError("missing", "a reden is required when closing intake")
        return v

    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True, validate_default=True)


# --------------------------------------------------------------------------- responses


_PROBLEEM_OMSCHRIJVING = {
    403: "The caller's role may not do this (or a partner posts for another organisation)",
    404: "No such aanmelding, or it belongs to another organisation",
    409: "Not allowed in the current state, a domain rule, a reused Idempotency-Key, intake closed, or a concurrent change",
}


def problemen(*codes: int) -> dict[int | str, dict[str, Any]]:
    return problem_responses(*codes, descriptions=_PROBLEEM_OMSCHRIJVING)


class ScreeningUit(_Uit):
    regio_ok: bool
    leeftijd_ok: bool
    op: dt.datetime

    @classmethod
    def van(cls, s: ScreeningResultaat) -> ScreeningUit:
        return cls(regio_ok=s.regio_ok, leeftijd_ok=s.leeftijd_ok, op=s.op)


class AanmeldingOntvangenUit(_Uit):
    aanmelding_id: uuid.UUID
    status: AanmeldingStatus
    ontvangen_op: dt.datetime
    screening: ScreeningUit

    @classmethod
    def van(cls, a: Aanmelding) -> AanmeldingOntvangenUit:
        assert a.screening is not None, "a received aanmelding is screened at once"
        return cls(aanmelding_id=a.aanmelding_id, status=a.status, ontvangen_op=a.ontvangen_op, screening=ScreeningUit.van(a.screening))


class AanmelderUit(_Uit):
    organisatie: str
    categorie: AanmelderCategorie
    contactpersoon: str | None


class BrusUit(_Uit):
    ref: str | None
    leeftijd: int | None


class GezinssamenstellingUit(_Uit):
    ouders: OudersSituatie | None
    brussen: list[BrusUit]


class AlternatiefAdviesUit(_Uit):
    vorm: Ondersteuningsvorm | None
    tekst: str | None


class InstemmingUit(_Uit):
    instemming_id: uuid.UUID
    door: InstemmingDoor
    op: dt.datetime
    scope: list[InstemmingScope]
    ingetrokken_op: dt.datetime | None

    @classmethod
    def van(cls, i: Instemming) -> InstemmingUit:
        return cls(instemming_id=i.instemming_id, door=i.door, op=i.op, scope=sorted(i.scope), ingetrokken_op=i.ingetrokken_op)


class AanmeldingUit(_Uit):
    aanmelding_id: uuid.UUID
    ontvangen_op: dt.datetime
    status: AanmeldingStatus
    aanmelder: AanmelderUit
    onderwerp: Onderwerp
    jongere_ref: str
    leeftijd_bij_aanmelding: int
    regio_jongere: RegioELZ
    redenen: list[RedenVanAanmelding]
    redenen_toelichting: str | None
    blokkade_status_bij_aanmelding: BlokkadeStatus | None
    gezinssamenstelling: GezinssamenstellingUit
    verblijfssituatie: Verblijfssituatie | None
    labels: list[Label]
    betrokken_partners: list[str]
    jeugdhulpregisseur: str | None
    screening: ScreeningUit | None
    reden_niet_opstart: RedenNietOpstart | None
    alternatief_advies: AlternatiefAdviesUit | None
    opgestart_op: dt.datetime | None
    niet_opgestart_op: dt.datetime | None
    # Team only (null for a partner): consent records, the duplicate flag, the next possible actions.
    instemmingen: list[InstemmingUit] | None = None
    mogelijk_dubbel: bool | None = Field(None, description="Team only: another open aanmelding exists for the same jongereRef")
    mogelijk_dubbel_van: list[uuid.UUID] | None = Field(None, description="Team only: those other open aanmeldingen")
    toegestane_acties: list[AanmeldingActie] | None = Field(None, description="Team only: actions the state machine allows now")
    version: int

    @classmethod
    def van(cls, a: Aanmelding, *, team: bool, version: int) -> AanmeldingUit:
        """The view of ``a``: its fields and its gegevens' by name (through the one codec), team fields for the team."""
        velden = {k: v for k, v in naar_json(a).items() if k not in ("gegevens", "instemmingen", "mogelijk_dubbel_van")}
        velden.update(naar_json(a.gegevens), version=version)
        if team:
            velden.update(
                instemmingen=naar_json(a.instemmingen),
                mogelijk_dubbel=a.mogelijk_dubbel,
                mogelijk_dubbel_van=naar_json(a.mogelijk_dubbel_van),
                toegestane_acties=sorted(toegestane_acties(a.status)),
            )
        return cls.model_validate(velden)


class IntakeUit(_Uit):
    open: bool
    reden: str | None
    gewijzigd_op: dt.datetime | None

    @classmethod
    def van(cls, i: Intake) -> IntakeUit:
        return cls(open=i.open, reden=i.reden, gewijzigd_op=i.gewijzigd_op)


# --------------------------------------------------------------------------- history import (POST /historiek)

HistoriekTekst = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Lijst = BeforeValidator(historiek.lijst)


class AanmeldingHistoriekRij(BaseModel):
    """One line of the history file, as far as the aanmelding service reads it (other columns are ignored)."""

    model_config = ConfigDict(extra="ignore")

    ref: HistoriekTekst
    jongere_ref: HistoriekTekst
    ontvangen_op: dt.date
    aanmelder_organisatie: HistoriekTekst
    aanmelder_categorie: AanmelderCategorie
    onderwerp: Onderwerp = Onderwerp.JONGERE
    leeftijd_bij_aanmelding: int = Field(ge=0, le=25)
    regio_jongere: RegioELZ
    redenen: Annotated[list[RedenVanAanmelding], Lijst] = Field(min_length=1, max_length=10)
    blokkade_status_bij_aanmelding: BlokkadeStatus | None = None
    beslissing: Beslissing | None = None
    beslist_op: dt.date | None = None
    reden_niet_opstart: RedenNietOpstart | None = None
    alternatief_advies: Ondersteuningsvorm | None = None
    instemming_op: dt.date | None = None

    def als_historiek(self) -> HistoriekAanmelding:
        return HistoriekAanmelding(
            gegevens=AanmeldingGegevens(
                aanmelder=Aanmelder(organisatie=self.aanmelder_organisatie, categorie=self.aanmelder_categorie),
                onderwerp=self.onderwerp,
                jongere_ref=self.jongere_ref,
                leeftijd_bij_aanmelding=self.leeftijd_bij_aanmelding,
                regio_jongere=self.regio_jongere,
                redenen=tuple(self.redenen),
                blokkade_status_bij_aanmelding=self.blokkade_status_bij_aanmelding,
            ),
            ontvangen_op=self.ontvangen_op,
            beslissing=self.beslissing,
            beslist_op=self.beslist_op,
            reden_niet_opstart=self.reden_niet_opstart,
            alternatief_advies=None if self.alternatief_advies is None else AlternatiefAdvies(vorm=self.alternatief_advies),
            instemming_op=self.instemming_op,
        )


class ImportUit(_Uit):
    rijen: int
    nieuw: int
    ongewijzigd: int
