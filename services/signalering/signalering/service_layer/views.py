"""Read models for the API (queries, no domain changes). Everything returned here is anonymous: no traject id, no
traject ref, no identifying data. Concept texts are shown with the personal data the detector finds masked as
``[SOORT]`` (the data itself is never echoed; the person edits the masked text and releases it)."""

from __future__ import annotations

import uuid
from typing import Any

from jeugdhulp_common.suppression import suppress_counts
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from signalering.adapters import repository as repo
from signalering.adapters.tables import (
    aanbeveling_table,
    actiepunt_table,
    bevinding_table,
    sessie_table,
    signaal_table,
    tafel_table,
    telling_table,
    thema_table,
)
from signalering.domain import (
    Actiepunt,
    Beleidsaanbeveling,
    DetectieContext,
    Discussietafel,
    Forum,
    LerendNetwerkSessie,
    Signaal,
    Thema,
    detecteer,
    forum_backlog,
    lerend_netwerk_backlog,
)


def masker(tekst: str, context: DetectieContext | None = None) -> str:
    """``tekst`` with every span the detector finds replaced by ``[KIND]``."""
    spans = sorted((v.start, v.einde, v.soort.value) for v in detecteer(tekst, context))
    uit, pos = [], 0
    for start, einde, soort in spans:
        if start < pos:  # overlapping finding: extend the previous mask
            pos = max(pos, einde)
            continue
        uit += [tekst[pos:start], f"[{soort}]"]
        pos = einde
    uit.append(tekst[pos:])
    return "".join(uit)


def bevindingen(s: Signaal, ctx: DetectieContext) -> list[dict[str, Any]]:
    """Each finding of the gate, field by field: the field (``tekst``, ``levensdomeinen[i]``), the kind, the span
    in the stored text and its mask (never the data found)."""
    velden = [("tekst", s.tekst)] + [(f"levensdomeinen[{i}]", t) for i, t in enumerate(s.levensdomeinen)]
    return [
        {"veld": veld, "soort": v.soort.value, "start": v.start, "einde": v.einde, "gemaskeerd": f"[{v.soort.value}]"}
        for veld, tekst in velden
        for v in detecteer(tekst, ctx)
    ]


def signaal(s: Signaal) -> dict[str, Any]:
    ctx = DetectieContext.uit_identificerend(s.identificerend)
    gevonden = bevindingen(s, ctx)
    return {
        "signaalId": str(s.signaal_id),
        "status": s.status.value,
        "soort": s.soort.value,
        "bronOverlegSoort": s.bron_overleg_soort.value,
        "bronNiveau": s.bron_niveau.value,
        "bronVraagId": s.bron_vraag_id,
        "tekst": masker(s.tekst, ctx),
        "persoonsgegevens": [k.value for k in s.persoonsgegevens()],
        # why release is refused: every finding with its kind and span; and a suggested de-identified text
        "bevindingen": gevonden,
        "voorstel": {"tekst": masker(s.tekst, ctx), "levensdomeinen": [masker(t, ctx) for t in s.levensdomeinen]} if gevonden else None,
        "themaVoorstellen": [masker(t, ctx) for t in s.thema_voorstellen],
        "themaIds": [str(t) for t in s.thema_ids],
        "levensdomeinen": [masker(t, ctx) for t in s.levensdomeinen],
        "sectoren": [x.value for x in s.sectoren],
        "vrijgegevenOp": s.vrijgegeven_op.isoformat() if s.vrijgegeven_op else None,
    }


async def signalen(session: AsyncSession, status: str | None) -> list[dict[str, Any]]:
    where = [signaal_table.c.status == status] if status else []
    return [signaal(s) for s in await repo.find(session, Signaal, *where, order_by=[signaal_table.c.aangemaakt_op, signaal_table.c.signaal_id])]


def _thema_kort(t: Thema) -> dict[str, Any]:
    return {
        "themaId": str(t.thema_id),
        "naam": t.naam,
        "status": t.status.value,
        "aantalTrajecten": t.aantal_trajecten,
        "aantalSignalen": len(t.bron_signalen),
        "laatsteSignaalOp": t.laatste_signaal_op.isoformat() if t.laatste_signaal_op else None,
    }


async def themas(session: AsyncSession) -> list[dict[str, Any]]:
    return [_thema_kort(t) for t in await repo.find(session, Thema, order_by=[thema_table.c.naam])]


async def thema(session: AsyncSession, thema_id: uuid.UUID) -> dict[str, Any]:
    t = await repo.get(session, Thema, thema_id)
    sessies = (await session.execute(select(sessie_table.c.sessie_id, sessie_table.c.datum, sessie_table.c.status).where(sessie_table.c.thema_id == thema_id).order_by(sessie_table.c.datum))).all()
    tafels = (await session.execute(select(tafel_table.c.tafel_id, tafel_table.c.forum_id, tafel_table.c.status).where(tafel_table.c.thema_id == thema_id).order_by(tafel_table.c.volgorde))).all()
    aanbevelingen = (
        await session.execute(select(aanbeveling_table.c.aanbeveling_id).where(aanbeveling_table.c.data["thema_ids"].contains([str(thema_id)])).order_by(aanbeveling_table.c.volgorde))
    ).scalars()
    return {
        **_thema_kort(t),
        "subthemas": list(t.subthemas),
        "bevindingen": [{"bevindingId": str(b.bevinding_id), "subthema": b.subthema} for b in await repo.bevindingen(session, bevinding_table.c.thema_id == thema_id)],
        "historie": [
            {"op": h["op"].isoformat(), "gebeurtenis": h["gebeurtenis"], "status": h["status"], "van": h["van"], "aantalTrajecten": h["aantal_trajecten"]}
            for h in await repo.historie(session, thema_id)
        ],
        "sessies": [{"sessieId": str(s.sessie_id), "datum": s.datum.isoformat(), "status": s.status} for s in sessies],
        "tafels": [{"tafelId": str(x.tafel_id), "forumId": str(x.forum_id), "status": x.status} for x in tafels],
        "aanbevelingen": [str(a) for a in aanbevelingen],
    }


async def lerend_netwerk_backlog_view(session: AsyncSession) -> list[dict[str, Any]]:
    alle = await repo.find(session, Thema, thema_table.c.status == "BACKLOG")
    return [{"positie": i, **_thema_kort(t)} for i, t in enumerate(lerend_netwerk_backlog(alle), start=1)]


async def forum_backlog_view(session: AsyncSession) -> list[dict[str, Any]]:
    namen = dict((await session.execute(select(thema_table.c.thema_id, thema_table.c.naam))).all())
    tafels = await repo.find(session, Discussietafel)
    return [
        {"bevindingId": str(b.bevinding_id), "themaId": str(b.thema_id), "themaNaam": namen.get(b.thema_id), "subthema": b.subthema,
         "sessieId": str(b.sessie_id) if b.sessie_id else None}
        for b in forum_backlog(await repo.bevindingen(session), tafels)
    ]


def sessie(s: LerendNetwerkSessie) -> dict[str, Any]:
    return {
        "sessieId": str(s.sessie_id),
        "themaId": str(s.thema_id),
        "datum": s.datum.isoformat(),
        "status": s.status.value,
        "deelnemers": [{"functie": d.functie, "organisatie": d.organisatie} for d in s.deelnemers],
        "stellingen": [{"tekst": x.tekst, "akkoord": x.akkoord, "nietAkkoord": x.niet_akkoord, "discussie": x.discussie} for x in s.stellingen],
        "postIts": [{"niveau": p.niveau.value, "vraag": p.vraag.value, "tekst": p.tekst} for p in s.post_its],
        "subthemas": list(s.subthemas),
        "volgendeThemas": list(s.volgende_themas),
        "ontbrekendePartners": list(s.ontbrekende_partners),
        "verslag": s.verslag,
    }


def actiepunt(a: Actiepunt, subthema: str | None = None) -> dict[str, Any]:
    return {
        "actiepuntId": str(a.actiepunt_id),
        "tafelId": str(a.tafel_id),
        "bevindingId": str(a.bevinding_id),
        "subthema": subthema,
        "tekst": a.tekst,
        "adresNiveau": a.adres_niveau.value,
        "eigenaar": a.eigenaar,
        "status": a.status.value,
        "aangemaaktOp": a.aangemaakt_op.isoformat(),
        "laatstGesignaleerdOp": a.laatst_gesignaleerd_op.isoformat() if a.laatst_gesignaleerd_op else None,
    }


async def actiepunten(session: AsyncSession, status: str | None) -> list[dict[str, Any]]:
    where = [actiepunt_table.c.status == status] if status else []
    return [actiepunt(a) for a in await repo.find(session, Actiepunt, *where, order_by=[actiepunt_table.c.volgorde])]


async def forum(session: AsyncSession, forum_id: uuid.UUID) -> dict[str, Any]:
    f = await repo.get(session, Forum, forum_id)
    namen = dict((await session.execute(select(thema_table.c.thema_id, thema_table.c.naam))).all())
    tafels = await repo.find(session, Discussietafel, tafel_table.c.forum_id == forum_id, order_by=[tafel_table.c.volgorde])
    aps = await repo.find(session, Actiepunt, actiepunt_table.c.tafel_id.in_([t.tafel_id for t in tafels]), order_by=[actiepunt_table.c.volgorde])
    return {
        "forumId": str(f.forum_id),
        "datum": f.datum.isoformat(),
        "vorm": f.vorm.value,
        "deelnemers": [{"organisatie": d.organisatie, "sector": d.sector.value, "aantal": d.aantal} for d in f.deelnemers],
        "aantalOrganisaties": f.aantal_organisaties,
        "aantalPersonen": f.aantal_personen,
        "personenPerSector": {k.value: v for k, v in f.personen_per_sector().items()},
        "tafels": [
            {
                "tafelId": str(t.tafel_id),
                "themaId": str(t.thema_id),
                "themaNaam": namen.get(t.thema_id),
                "status": t.status.value,
                "bevindingen": [{"bevindingId": str(b.bevinding_id), "subthema": b.subthema} for b in t.bevindingen],
                # JSONB does not keep key order: give the percentages in the order of the subthemes (legend order, §6.1)
                "prioritering": {s: t.prioritering[s] for s in t.subthemas if s in t.prioritering} if t.prioritering is not None else None,
                "doelstelling": {"wat": t.doelstelling.wat, "wie": t.doelstelling.wie, "hoe": t.doelstelling.hoe} if t.doelstelling else None,
                "actiepunten": [
                    actiepunt(a, next((b.subthema for b in t.bevindingen if b.bevinding_id == a.bevinding_id), None))
                    for a in aps
                    if a.tafel_id == t.tafel_id
                ],
            }
            for t in tafels
        ],
    }


def aanbeveling(a: Beleidsaanbeveling) -> dict[str, Any]:
    return {
        "aanbevelingId": str(a.aanbeveling_id),
        "niveau": a.niveau.value,
        "themaIds": [str(t) for t in a.thema_ids],
        "tekst": a.tekst,
        "randvoorwaarden": list(a.randvoorwaarden),
        "drempels": list(a.drempels),
        "jaar": a.jaar,
        "status": a.status.value,
        "teruggekoppeldAan": list(a.teruggekoppeld_aan),
    }


async def aanbevelingen(session: AsyncSession) -> list[dict[str, Any]]:
    return [aanbeveling(a) for a in await repo.find(session, Beleidsaanbeveling, order_by=[aanbeveling_table.c.volgorde])]


async def tellingen(session: AsyncSession) -> list[dict[str, Any]]:
    rows = (await session.execute(select(telling_table).order_by(telling_table.c.bron, telling_table.c.jaar, telling_table.c.code))).mappings()
    return [{"bron": r["bron"], "code": r["code"], "jaar": r["jaar"], "aantal": r["aantal"]} for r in rows]


def onderdruk_tellingen(rijen: list[dict[str, Any]], *, minimum: int) -> list[dict[str, Any]]:
    """Small-cell suppression of :func:`tellingen` for readers outside the team: per (bron, jaar) group, whose
    total a reader can add up, with :func:`jeugdhulp_common.suppression.suppress_counts`."""
    groepen: dict[tuple[str, int], dict[int, int]] = {}
    for i, rij in enumerate(rijen):
        groepen.setdefault((rij["bron"], rij["jaar"]), {})[i] = rij["aantal"]
    uit = [dict(rij) for rij in rijen]
    for cellen in groepen.values():
        for i, aantal in suppress_counts(cellen, minimum=minimum).items():
            uit[i]["aantal"] = aantal
    return uit


_AANTALLEN = ("aantalTrajecten", "aantalSignalen")


def onderdruk_aantallen(waarde: Any, *, minimum: int) -> Any:
    """Theme views for readers outside the team: every ``aantalTrajecten`` / ``aantalSignalen`` (a cell on its
    own, no total shown) from 1 to ``minimum - 1`` becomes null; 0 stays 0. Walks dicts and lists."""
    if isinstance(waarde, list):
        return [onderdruk_aantallen(v, minimum=minimum) for v in waarde]
    if isinstance(waarde, dict):
        uit = {k: onderdruk_aantallen(v, minimum=minimum) for k, v in waarde.items()}
        for k in _AANTALLEN:
            if isinstance(uit.get(k), int):
                uit[k] = suppress_counts({k: uit[k]}, minimum=minimum, total_shown=False)[k]
        return uit
    return waarde
