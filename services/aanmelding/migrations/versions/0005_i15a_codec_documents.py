"""aanmelding documents rewritten from the service's own hand-written format (camelCase keys) into the format of
the one codec of every service (``jeugdhulp_common.codec``: the aggregate's field names)

A data migration: the old format is spelled out here (it is no longer anywhere else in the code), and each
stored document is rewritten; the downgrade writes the old format back. Values keep their form (codes as their
string values, moments ISO 8601 with offset, ids as text, sets as sorted lists), only the keys change.

Revision ID: 0005_i15a
Revises: 0003_i11
Create Date: 2026-11-29
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005_i15a"
down_revision = "0003_i11"
branch_labels = None
depends_on = None

Doc = dict[str, Any]


def _nieuw(doc: Doc) -> Doc:
    """The old document (aanmelding.domain.document before issue 15) in the codec's format."""
    if "aanmeldingId" not in doc:  # already in the new format
        return doc
    g = doc["gegevens"]
    gezin = g["gezinssamenstelling"]
    screening = doc["screening"]
    advies = doc["alternatiefAdvies"]
    return {
        "aanmelding_id": doc["aanmeldingId"],
        "ontvangen_op": doc["ontvangenOp"],
        "gegevens": {
            "aanmelder": {
                "organisatie": g["aanmelder"]["organisatie"],
                "categorie": g["aanmelder"]["categorie"],
                "contactpersoon": g["aanmelder"]["contactpersoon"],
            },
            "onderwerp": g["onderwerp"],
            "jongere_ref": g["jongereRef"],
            "leeftijd_bij_aanmelding": g["leeftijdBijAanmelding"],
            "regio_jongere": g["regioJongere"],
            "redenen": list(g["redenen"]),
            "redenen_toelichting": g["redenenToelichting"],
            "blokkade_status_bij_aanmelding": g["blokkadeStatusBijAanmelding"],
            "gezinssamenstelling": {
                "ouders": gezin["ouders"],
                "brussen": [{"ref": b["ref"], "leeftijd": b["leeftijd"]} for b in gezin["brussen"]],
            },
            "verblijfssituatie": g["verblijfssituatie"],
            "labels": sorted(g["labels"]),
            "betrokken_partners": list(g["betrokkenPartners"]),
            "jeugdhulpregisseur": g["jeugdhulpregisseur"],
        },
        "status": doc["status"],
        "screening": None
        if screening is None
        else {"regio_ok": screening["regioOk"], "leeftijd_ok": screening["leeftijdOk"], "op": screening["op"]},
        "reden_niet_opstart": doc["redenNietOpstart"],
        "alternatief_advies": None if advies is None else {"vorm": advies["vorm"], "tekst": advies["tekst"]},
        "instemmingen": [
            {
                "instemming_id": i["instemmingId"],
                "door": i["door"],
                "op": i["op"],
                "scope": sorted(i["scope"]),
                "ingetrokken_op": i["ingetrokkenOp"],
            }
            for i in doc["instemmingen"]
        ],
        "opgestart_op": doc["opgestartOp"],
        "niet_opgestart_op": doc["nietOpgestartOp"],
        "mogelijk_dubbel_van": list(doc["mogelijkDubbelVan"]),
    }


def _oud(doc: Doc) -> Doc:
    """The codec's document in the old format (for the downgrade)."""
    if "aanmelding_id" not in doc:
        return doc
    g = doc["gegevens"]
    gezin = g["gezinssamenstelling"]
    screening = doc["screening"]
    advies = doc["alternatief_advies"]
    return {
        "aanmeldingId": doc["aanmelding_id"],
        "ontvangenOp": doc["ontvangen_op"],
        "status": doc["status"],
        "gegevens": {
            "aanmelder": dict(g["aanmelder"]),
            "onderwerp": g["onderwerp"],
            "jongereRef": g["jongere_ref"],
            "leeftijdBijAanmelding": g["leeftijd_bij_aanmelding"],
            "regioJongere": g["regio_jongere"],
            "redenen": list(g["redenen"]),
            "redenenToelichting": g["redenen_toelichting"],
            "blokkadeStatusBijAanmelding": g["blokkade_status_bij_aanmelding"],
            "gezinssamenstelling": {"ouders": gezin["ouders"], "brussen": [dict(b) for b in gezin["brussen"]]},
            "verblijfssituatie": g["verblijfssituatie"],
            "labels": sorted(g["labels"]),
            "betrokkenPartners": list(g["betrokken_partners"]),
            "jeugdhulpregisseur": g["jeugdhulpregisseur"],
        },
        "screening": None
        if screening is None
        else {"regioOk": screening["regio_ok"], "leeftijdOk": screening["leeftijd_ok"], "op": screening["op"]},
        "redenNietOpstart": doc["reden_niet_opstart"],
        "alternatiefAdvies": None if advies is None else dict(advies),
        "instemmingen": [
            {
                "instemmingId": i["instemming_id"],
                "door": i["door"],
                "op": i["op"],
                "scope": sorted(i["scope"]),
                "ingetrokkenOp": i["ingetrokken_op"],
            }
            for i in doc["instemmingen"]
        ],
        "opgestartOp": doc["opgestart_op"],
        "nietOpgestartOp": doc["niet_opgestart_op"],
        "mogelijkDubbelVan": list(doc["mogelijk_dubbel_van"]),
    }


def _herschrijf(omzetting: Callable[[Doc], Doc]) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, document::text AS document FROM aanmelding")).all()
    updates = []
    for r in rows:
        oud = json.loads(r.document)
        nieuw = omzetting(oud)
        if nieuw is not oud:
            updates.append({"b_id": r.id, "b_document": json.dumps(nieuw)})
    if updates:
        conn.execute(sa.text("UPDATE aanmelding SET document = CAST(:b_document AS jsonb) WHERE id = :b_id"), updates)


def upgrade() -> None:
    _herschrijf(_nieuw)


def downgrade() -> None:
    _herschrijf(_oud)
