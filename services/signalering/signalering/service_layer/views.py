"""Read models for the API (queries, no domain changes). Everything returned here is anonymous: no traject id, no
traject ref, no identifying data. Concept texts are shown with the personal data the detector finds masked as
``[SOORT]`` (the data itself is never echoed; the person edits the masked text and releases it)."""

from __future__ import annotations

import uuid
from typing import Any

from jeugdhulp_common.suppression import suppress_counts
from sqlalchemy import select

from signalering.adapters import repository as repo
from signalering.domain import (
    Actiepunt,
    Beleidsaanbeveling,
    DetectieContext,
    LerendNetwerkSessie,
    Signaal,
    Thema,
    detecteer,
    forum_backlog,
    lerend_netwerk_backlog,
)
from signalering.service_layer.unit_of_work import SignaleringUnitOfWork


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


def _thema_kort(t: Thema) -> dict[str, Any]:
    return {
        "themaId": str(t.thema_id),
        "naam": t.naam,
        "status": t.status.value,
        "aantalTrajecten": t.aantal_trajecten,
        "aantalSignalen": len(t.bron_signalen),
        "laatsteSignaalOp": t.laatste_signaal_op.isoformat() if t.laatste_signaal_op else None,
    }


async def themas(uow: SignaleringUnitOfWork, *, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    themas, totaal = await uow.themas.lijst(limit=limit, offset=offset)
    return [_thema_kort(t) for t in themas], totaal


async def thema(uow: SignaleringUnitOfWork, thema_id: uuid.UUID) -> dict[str, Any]:
    t = await uow.themas.lees(thema_id)
    s, x = uow.sessies.table, uow.tafels.table
    sessies = (await uow.session.execute(select(s.c.id, s.c.datum, s.c.status).where(s.c.thema_id == thema_id).order_by(s.c.datum))).all()
    tafels = (await uow.session.execute(select(x.c.id, x.c.forum_id, x.c.status).where(x.c.thema_id == thema_id).order_by(x.c.volgorde))).all()
    return {
        **_thema_kort(t),
        "subthemas": list(t.subthemas),
        "bevindingen": [{"bevindingId": str(b.bevinding_id), "subthema": b.subthema} for b in await uow.themas.bevindingen(thema_id)],
        "historie": [
            {"op": h["op"].isoformat(), "gebeurtenis": h["gebeurtenis"], "status": h["status"], "van": h["van"], "aantalTrajecten": h["aantal_trajecten"]}
            for h in await uow.themas.historie(thema_id)
        ],
        "sessies": [{"sessieId": str(r.id), "datum": r.datum.isoformat(), "status": r.status} for r in sessies],
        "tafels": [{"tafelId": str(r.id), "forumId": str(r.forum_id), "status": r.status} for r in tafels],
        "aanbevelingen": [str(a) for a in await uow.aanbevelingen.over_thema(thema_id)],
    }


async def lerend_netwerk_backlog_view(uow: SignaleringUnitOfWork) -> list[dict[str, Any]]:
    """The whole backlog in its order (the position is over all of it; a page is cut from it)."""
    alle = await uow.themas.met_status("BACKLOG")
    return [{"positie": i, **_thema_kort(t)} for i, t in enumerate(lerend_netwerk_backlog(alle), start=1)]


async def _namen(uow: SignaleringUnitOfWork) -> dict[uuid.UUID, str]:
    t = uow.themas.table
    return {i: n for i, n in (await uow.session.execute(select(t.c.id, t.c.naam))).all()}


async def forum_backlog_view(uow: SignaleringUnitOfWork) -> list[dict[str, Any]]:
    namen = await _namen(uow)
    return [
        {"bevindingId": str(b.bevinding_id), "themaId": str(b.thema_id), "themaNaam": namen.get(b.thema_id), "subthema": b.subthema,
         "sessieId": str(b.sessie_id) if b.sessie_id else None}
        for b in forum_backlog(await uow.themas.bevindingen(), await uow.tafels.alle())
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


async def actiepunten(uow: SignaleringUnitOfWork, status: str | None, *, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    aps, totaal = await uow.actiepunten.lijst(status, limit=limit, offset=offset)
    return [actiepunt(a) for a in aps], totaal


async def forum(uow: SignaleringUnitOfWork, forum_id: uuid.UUID) -> dict[str, Any]:
    f = await uow.fora.lees(forum_id)
    namen = await _namen(uow)
    tafels = await uow.tafels.van_forum(forum_id)
    aps = await uow.actiepunten.van_tafels([t.tafel_id for t in tafels])
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


async def aanbevelingen(uow: SignaleringUnitOfWork, *, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    abs_, totaal = await uow.aanbevelingen.lijst(limit=limit, offset=offset)
    return [aanbeveling(a) for a in abs_], totaal


async def tellingen(uow: SignaleringUnitOfWork) -> list[dict[str, Any]]:
    """All counts (a reader outside the team gets them suppressed per source and year, over all of them; a page
    is cut after that)."""
    return [{"bron": r["bron"], "code": r["code"], "jaar": r["jaar"], "aantal": r["aantal"]} for r in await repo.tellingen(uow.session)]


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
