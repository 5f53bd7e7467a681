"""An aanmelding as a JSON-safe document and back, for a storage adapter that keeps it in one JSON column.

Pure mapping, no I/O. Codes are stored as their string values, moments as ISO 8601 with offset, sets as
sorted lists. ``version`` is not part of the document (it is its own column, for optimistic locking) and
neither are pending events (they go to the outbox). Restoring emits no events and runs no validation.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from jeugdhulp_common.contracts.vocabulary import (
    AanmelderCategorie,
    BlokkadeStatus,
    Onderwerp,
    Ondersteuningsvorm,
    RedenNietOpstart,
    RedenVanAanmelding,
    RegioELZ,
)

from aanmelding.domain.model import Aanmelding
from aanmelding.domain.screening import ScreeningResultaat
from aanmelding.domain.toestanden import AanmeldingStatus
from aanmelding.domain.waarden import (
    Aanmelder,
    AanmeldingGegevens,
    AlternatiefAdvies,
    Brus,
    Gezinssamenstelling,
    Instemming,
    InstemmingDoor,
    InstemmingScope,
    Label,
    OudersSituatie,
    Verblijfssituatie,
)

Document = dict[str, Any]


def _tijd(t: dt.datetime | None) -> str | None:
    return None if t is None else t.isoformat()


def _uit_tijd(s: str | None) -> dt.datetime | None:
    return None if s is None else dt.datetime.fromisoformat(s)


def _moment(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s)


def _code(e: Any) -> str | None:
    return None if e is None else str(e.value)


def naar_document(a: Aanmelding) -> Document:
    """The stored form of ``a`` (without ``version`` and pending events)."""
    g = a.gegevens
    return {
        "aanmeldingId": str(a.aanmelding_id),
        "ontvangenOp": a.ontvangen_op.isoformat(),
        "status": a.status.value,
        "gegevens": {
            "aanmelder": {
                "organisatie": g.aanmelder.organisatie,
                "categorie": g.aanmelder.categorie.value,
                "contactpersoon": g.aanmelder.contactpersoon,
            },
            "onderwerp": g.onderwerp.value,
            "jongereRef": g.jongere_ref,
            "leeftijdBijAanmelding": g.leeftijd_bij_aanmelding,
            "regioJongere": g.regio_jongere.value,
            "redenen": [r.value for r in g.redenen],
            "redenenToelichting": g.redenen_toelichting,
            "blokkadeStatusBijAanmelding": _code(g.blokkade_status_bij_aanmelding),
            "gezinssamenstelling": {
                "ouders": _code(g.gezinssamenstelling.ouders),
                "brussen": [{"ref": b.ref, "leeftijd": b.leeftijd} for b in g.gezinssamenstelling.brussen],
            },
            "verblijfssituatie": _code(g.verblijfssituatie),
            "labels": sorted(label.value for label in g.labels),
            "betrokkenPartners": list(g.betrokken_partners),
            "jeugdhulpregisseur": g.jeugdhulpregisseur,
        },
        "screening": None
        if a.screening is None
        else {"regioOk": a.screening.regio_ok, "leeftijdOk": a.screening.leeftijd_ok, "op": a.screening.op.isoformat()},
        "redenNietOpstart": _code(a.reden_niet_opstart),
        "alternatiefAdvies": None
        if a.alternatief_advies is None
        else {"vorm": _code(a.alternatief_advies.vorm), "tekst": a.alternatief_advies.tekst},
        "instemmingen": [
            {
                "instemmingId": str(i.instemming_id),
                "door": i.door.value,
                "op": i.op.isoformat(),
                "scope": sorted(s.value for s in i.scope),
                "ingetrokkenOp": _tijd(i.ingetrokken_op),
            }
            for i in a.instemmingen
        ],
        "opgestartOp": _tijd(a.opgestart_op),
        "nietOpgestartOp": _tijd(a.niet_opgestart_op),
        "mogelijkDubbelVan": [str(i) for i in a.mogelijk_dubbel_van],
    }


def uit_document(doc: Document, *, version: int) -> Aanmelding:
    """Restore an aanmelding from :func:`naar_document`'s output (no events, no validation)."""
    g = doc["gegevens"]
    gezin = g["gezinssamenstelling"]
    screening = doc["screening"]
    advies = doc["alternatiefAdvies"]
    return Aanmelding(
        aanmelding_id=uuid.UUID(doc["aanmeldingId"]),
        ontvangen_op=_moment(doc["ontvangenOp"]),
        status=AanmeldingStatus(doc["status"]),
        gegevens=AanmeldingGegevens(
            aanmelder=Aanmelder(
                organisatie=g["aanmelder"]["organisatie"],
                categorie=AanmelderCategorie(g["aanmelder"]["categorie"]),
                contactpersoon=g["aanmelder"]["contactpersoon"],
            ),
            onderwerp=Onderwerp(g["onderwerp"]),
            jongere_ref=g["jongereRef"],
            leeftijd_bij_aanmelding=g["leeftijdBijAanmelding"],
            regio_jongere=RegioELZ(g["regioJongere"]),
            redenen=tuple(RedenVanAanmelding(r) for r in g["redenen"]),
            redenen_toelichting=g["redenenToelichting"],
            blokkade_status_bij_aanmelding=None
            if g["blokkadeStatusBijAanmelding"] is None
            else BlokkadeStatus(g["blokkadeStatusBijAanmelding"]),
            gezinssamenstelling=Gezinssamenstelling(
                ouders=None if gezin["ouders"] is None else OudersSituatie(gezin["ouders"]),
                brussen=tuple(Brus(ref=b["ref"], leeftijd=b["leeftijd"]) for b in gezin["brussen"]),
            ),
            verblijfssituatie=None if g["verblijfssituatie"] is None else Verblijfssituatie(g["verblijfssituatie"]),
            labels=frozenset(Label(label) for label in g["labels"]),
            betrokken_partners=tuple(g["betrokkenPartners"]),
            jeugdhulpregisseur=g["jeugdhulpregisseur"],
        ),
        screening=None
        if screening is None
        else ScreeningResultaat(
            regio_ok=screening["regioOk"],
            leeftijd_ok=screening["leeftijdOk"],
            op=_moment(screening["op"]),
        ),
        reden_niet_opstart=None if doc["redenNietOpstart"] is None else RedenNietOpstart(doc["redenNietOpstart"]),
        alternatief_advies=None
        if advies is None
        else AlternatiefAdvies(
            vorm=None if advies["vorm"] is None else Ondersteuningsvorm(advies["vorm"]), tekst=advies["tekst"]
        ),
        instemmingen=[
            Instemming(
                instemming_id=uuid.UUID(i["instemmingId"]),
                door=InstemmingDoor(i["door"]),
                op=_moment(i["op"]),
                scope=frozenset(InstemmingScope(s) for s in i["scope"]),
                ingetrokken_op=_uit_tijd(i["ingetrokkenOp"]),
            )
            for i in doc["instemmingen"]
        ],
        opgestart_op=_uit_tijd(doc["opgestartOp"]),
        niet_opgestart_op=_uit_tijd(doc["nietOpgestartOp"]),
        mogelijk_dubbel_van=tuple(uuid.UUID(i) for i in doc["mogelijkDubbelVan"]),
        version=version,
    )
