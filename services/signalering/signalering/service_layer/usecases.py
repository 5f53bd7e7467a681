"""Use cases: load, call the domain, save + outbox + audit in ONE transaction (the session's ``begin()`` block).

Every function takes a ``Werk`` (sessionmaker + rules + clock) and the caller, and returns the id(s) it touched;
the entrypoints then read the result back through :mod:`signalering.service_layer.views`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jeugdhulp_common import audit, outbox
from jeugdhulp_common.auth import Principal
from jeugdhulp_common.contracts.signalering import ThemaStatusGewijzigd
from jeugdhulp_common.contracts.vocabulary import AanbevelingNiveau, ActiepuntAdresNiveau, ActiepuntStatus, Sector, ThemaStatus
from jeugdhulp_common.domain import RegelGeschonden
from jeugdhulp_common.events import Event
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from signalering.adapters import repository as repo
from signalering.adapters.tables import actiepunt_table, bevinding_table, thema_table
from signalering.domain import (
    Actiepunt,
    Beleidsaanbeveling,
    Deelnemer,
    Discussietafel,
    Doelstelling,
    Forum,
    ForumDeelnemer,
    ForumVorm,
    LerendNetwerkSessie,
    PostIt,
    Signaal,
    SignaleringRegels,
    Stelling,
    Terugkoppeling,
    Thema,
    herinner_openstaande_actiepunten,
    koppel_actiepunt_terug,
    koppel_signaal,
    terugkoppeling_na_lerend_netwerk,
)


def _nu() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Werk:
    sessionmaker: async_sessionmaker[AsyncSession]
    regels: SignaleringRegels
    klok: Callable[[], dt.datetime] = field(default=_nu)


async def _bewaar(session: AsyncSession, *aggs: Any, terugkoppelingen: Sequence[Terugkoppeling] = ()) -> None:
    """Save the aggregates and stage their pending events (in the given order) in the outbox; theme events also go
    into the theme's history, with the theme's exact count (the team's view; the event's own count is suppressed)."""
    await repo.save(session, *aggs)
    events: list[Event] = []
    historie = []
    for agg in aggs:
        evs = agg.neem_events() if hasattr(agg, "neem_events") else []  # Forum emits nothing itself
        events.extend(evs)
        if isinstance(agg, Thema):
            historie += [
                {
                    "thema_id": agg.thema_id,
                    "op": ev.occurred_at,
                    "gebeurtenis": type(ev).__name__,
                    "status": ev.status.value,
                    "van": ev.van.value if isinstance(ev, ThemaStatusGewijzigd) else None,
                    "aantal_trajecten": agg.aantal_trajecten,
                }
                for ev in evs
            ]
    for tk in terugkoppelingen:
        await repo.add_terugkoppeling(session, tk)
        events.extend(tk.neem_events())
    await repo.add_historie(session, historie)
    await outbox.add(session, events)


# ------------------------------------------------------------------ signals (de-identification gate)


async def lees_signaal_audit(w: Werk, wie: Principal, signaal_ids: Iterable[uuid.UUID]) -> None:
    """Reading concepts (micro-derived text) is audited."""
    async with w.sessionmaker.begin() as session:
        await audit.record(session, wie, audit.LEZEN, "Signaal", *signaal_ids)


async def bewerk_signaal(
    w: Werk, wie: Principal, signaal_id: uuid.UUID, *, tekst: str | None, levensdomeinen: list[str] | None, sectoren: list[Sector] | None
) -> None:
    async with w.sessionmaker.begin() as session:
        signaal = await repo.get(session, Signaal, signaal_id, lock=True)
        signaal.bewerk(tekst=tekst, levensdomeinen=levensdomeinen, sectoren=sectoren)
        await _bewaar(session, signaal)
        await audit.record(session, wie, "BEWERKEN", "Signaal", signaal_id)


async def _themas(session: AsyncSession, thema_ids: Sequence[uuid.UUID]) -> list[Thema]:
    ids = list(dict.fromkeys(thema_ids))
    themas = await repo.find(session, Thema, thema_table.c.thema_id.in_(ids), order_by=[thema_table.c.thema_id], lock=True)
    if len(themas) != len(ids):
        raise RegelGeschonden("unknown theme", veld="themaIds")
    volgorde = {t: i for i, t in enumerate(ids)}
    return sorted(themas, key=lambda t: volgorde[t.thema_id])


async def _koppel(session: AsyncSession, w: Werk, signaal: Signaal, thema_ids: Sequence[uuid.UUID], nu: dt.datetime) -> list[Thema]:
    themas = await _themas(session, thema_ids)
    koppel_signaal(signaal, themas, regels=w.regels, nu=nu)
    await repo.add_historie(
        session,
        [{"thema_id": t.thema_id, "op": nu, "gebeurtenis": "SIGNAAL_GEKOPPELD", "status": t.status.value, "van": None, "aantal_trajecten": t.aantal_trajecten} for t in themas],
    )
    return themas


async def vrijgeven(w: Werk, wie: Principal, signaal_id: uuid.UUID, thema_ids: Sequence[uuid.UUID]) -> None:
    """Release (refused with PersoonsgegevensGevonden while the detector finds personal data), then link to the
    given themes, all in one transaction."""
    nu = w.klok()
    async with w.sessionmaker.begin() as session:
        signaal = await repo.get(session, Signaal, signaal_id, lock=True)
        signaal.vrijgeven(salt=await repo.salt(session), nu=nu)
        themas = await _koppel(session, w, signaal, thema_ids, nu) if thema_ids else []
        await _bewaar(session, signaal, *themas)
        await audit.record(session, wie, "VRIJGEVEN", "Signaal", signaal_id)


async def koppel(w: Werk, wie: Principal, signaal_id: uuid.UUID, thema_ids: Sequence[uuid.UUID]) -> None:
    nu = w.klok()
    async with w.sessionmaker.begin() as session:
        signaal = await repo.get(session, Signaal, signaal_id, lock=True)
        themas = await _koppel(session, w, signaal, thema_ids, nu)
        await _bewaar(session, signaal, *themas)
        await audit.record(session, wie, "KOPPELEN", "Signaal", signaal_id)


# ------------------------------------------------------------------ themes


async def nieuw_thema(w: Werk, wie: Principal, naam: str, subthemas: Sequence[str]) -> uuid.UUID:
    async with w.sessionmaker.begin() as session:
        bestaand = await repo.find(session, Thema, func.lower(thema_table.c.naam) == naam.strip().lower())
        if bestaand:
            raise RegelGeschonden("a theme with this name exists", veld="naam")
        thema = Thema.nieuw(uuid.uuid4(), naam, nu=w.klok(), subthemas=subthemas, regels=w.regels)
        await _bewaar(session, thema)
        await audit.record(session, wie, audit.AANMAKEN, "Thema", thema.thema_id)
        return thema.thema_id


async def thema_naar_stuurgroep(w: Werk, wie: Principal, thema_id: uuid.UUID) -> None:
    async with w.sessionmaker.begin() as session:
        thema = await repo.get(session, Thema, thema_id, lock=True)
        thema.naar_stuurgroep(nu=w.klok(), regels=w.regels)
        await _bewaar(session, thema)
        await audit.record(session, wie, "NAAR_STUURGROEP", "Thema", thema_id)


# ------------------------------------------------------------------ lerend netwerk


async def plan_sessie(w: Werk, wie: Principal, thema_id: uuid.UUID, datum: dt.date, deelnemers: Sequence[Deelnemer]) -> uuid.UUID:
    async with w.sessionmaker.begin() as session:
        thema = await repo.get(session, Thema, thema_id, lock=True)
        sessie = LerendNetwerkSessie.plan(uuid.uuid4(), thema, datum, nu=w.klok(), deelnemers=deelnemers, regels=w.regels)
        await _bewaar(session, thema, sessie)
        await audit.record(session, wie, "PLANNEN", "LerendNetwerkSessie", sessie.sessie_id)
        return sessie.sessie_id


async def wijzig_sessie(w: Werk, wie: Principal, sessie_id: uuid.UUID, actie: str, wijziging: Callable[[LerendNetwerkSessie], None]) -> None:
    async with w.sessionmaker.begin() as session:
        sessie = await repo.get(session, LerendNetwerkSessie, sessie_id, lock=True)
        wijziging(sessie)
        await _bewaar(session, sessie)
        await audit.record(session, wie, actie, "LerendNetwerkSessie", sessie_id)


def stelling(s: Stelling) -> Callable[[LerendNetwerkSessie], None]:
    return lambda sessie: sessie.voeg_stelling_toe(s)


def post_it(p: PostIt) -> Callable[[LerendNetwerkSessie], None]:
    return lambda sessie: sessie.voeg_post_it_toe(p)


async def houd_sessie(w: Werk, wie: Principal, sessie_id: uuid.UUID) -> None:
    """Hold: theme → LN_GEHOUDEN, subthemes → bevindingen in the forum backlog, feedback to the organisations at the
    table (UIT) when participants were recorded."""
    nu = w.klok()
    async with w.sessionmaker.begin() as session:
        sessie = await repo.get(session, LerendNetwerkSessie, sessie_id, lock=True)
        thema = await repo.get(session, Thema, sessie.thema_id, lock=True)
        bevindingen = sessie.houd(thema, nu=nu, regels=w.regels)
        await repo.add_bevindingen(session, bevindingen)
        tks = [terugkoppeling_na_lerend_netwerk(sessie, uuid.uuid4(), nu=nu)] if sessie.organisaties else []
        await _bewaar(session, thema, sessie, terugkoppelingen=tks)
        await audit.record(session, wie, "HOUDEN", "LerendNetwerkSessie", sessie_id)


async def annuleer_sessie(w: Werk, wie: Principal, sessie_id: uuid.UUID) -> None:
    async with w.sessionmaker.begin() as session:
        sessie = await repo.get(session, LerendNetwerkSessie, sessie_id, lock=True)
        thema = await repo.get(session, Thema, sessie.thema_id, lock=True)
        sessie.annuleer(thema, nu=w.klok(), regels=w.regels)
        await _bewaar(session, thema, sessie)
        await audit.record(session, wie, "ANNULEREN", "LerendNetwerkSessie", sessie_id)


# ------------------------------------------------------------------ netwerkforum


async def plan_forum(w: Werk, wie: Principal, datum: dt.date, vorm: ForumVorm, deelnemers: Sequence[ForumDeelnemer]) -> uuid.UUID:
    async with w.sessionmaker.begin() as session:
        forum = Forum.plan(uuid.uuid4(), datum, vorm, deelnemers)
        await repo.save(session, forum)
        await audit.record(session, wie, audit.AANMAKEN, "Forum", forum.forum_id)
        return forum.forum_id


async def registreer_deelnemers(w: Werk, wie: Principal, forum_id: uuid.UUID, deelnemers: Sequence[ForumDeelnemer]) -> None:
    async with w.sessionmaker.begin() as session:
        forum = await repo.get(session, Forum, forum_id, lock=True)
        forum.registreer_deelnemers(deelnemers)
        await repo.save(session, forum)
        await audit.record(session, wie, "DEELNEMERS", "Forum", forum_id)


async def open_tafel(w: Werk, wie: Principal, forum_id: uuid.UUID, thema_id: uuid.UUID, subthemas: Sequence[str] | None) -> uuid.UUID:
    """A table on a theme; by default it discusses all the theme's bevindingen (from its lerend netwerk)."""
    async with w.sessionmaker.begin() as session:
        forum = await repo.get(session, Forum, forum_id, lock=True)
        thema = await repo.get(session, Thema, thema_id, lock=True)
        alle = await repo.bevindingen(session, bevinding_table.c.thema_id == thema_id)
        if subthemas is None:
            gekozen = alle
        else:
            per_naam = {b.subthema.casefold(): b for b in alle}
            if any(s.strip().casefold() not in per_naam for s in subthemas):
                raise RegelGeschonden("not a bevinding of this theme", veld="subthemas")
            gekozen = [per_naam[s.strip().casefold()] for s in subthemas]
        tafel = Discussietafel.open(uuid.uuid4(), forum, thema, gekozen, nu=w.klok(), regels=w.regels)
        await _bewaar(session, thema, forum, tafel)
        await audit.record(session, wie, audit.AANMAKEN, "Discussietafel", tafel.tafel_id)
        return tafel.tafel_id


async def _tafel(session: AsyncSession, forum_id: uuid.UUID, tafel_id: uuid.UUID) -> Discussietafel:
    tafel = await repo.get(session, Discussietafel, tafel_id, lock=True)
    if tafel.forum_id != forum_id:
        raise repo.NietGevonden("Discussietafel not found")
    return tafel


async def prioriteer(w: Werk, wie: Principal, forum_id: uuid.UUID, tafel_id: uuid.UUID, prioritering: Mapping[str, int]) -> None:
    async with w.sessionmaker.begin() as session:
        tafel = await _tafel(session, forum_id, tafel_id)
        tafel.stel_prioritering_vast(prioritering, nu=w.klok())
        await _bewaar(session, tafel)
        await audit.record(session, wie, "PRIORITEREN", "Discussietafel", tafel_id)


async def doelstelling(w: Werk, wie: Principal, forum_id: uuid.UUID, tafel_id: uuid.UUID, d: Doelstelling) -> None:
    async with w.sessionmaker.begin() as session:
        tafel = await _tafel(session, forum_id, tafel_id)
        tafel.stel_doelstelling_vast(d)
        await _bewaar(session, tafel)
        await audit.record(session, wie, "DOELSTELLING", "Discussietafel", tafel_id)


async def actiepunt_toevoegen(
    w: Werk, wie: Principal, forum_id: uuid.UUID, tafel_id: uuid.UUID, *, subthema: str, tekst: str, adres_niveau: ActiepuntAdresNiveau, eigenaar: str
) -> uuid.UUID:
    async with w.sessionmaker.begin() as session:
        tafel = await _tafel(session, forum_id, tafel_id)
        forum = await repo.get(session, Forum, forum_id)
        ap = tafel.voeg_actiepunt_toe(
            uuid.uuid4(),
            bevinding_id=tafel.bevinding(subthema).bevinding_id,
            tekst=tekst,
            adres_niveau=adres_niveau,
            eigenaar=eigenaar,
            aangemaakt_op=forum.datum,  # made at the forum (the reminder period counts from then)
            nu=w.klok(),
        )
        await _bewaar(session, tafel, ap)
        await audit.record(session, wie, audit.AANMAKEN, "Actiepunt", ap.actiepunt_id)
        return ap.actiepunt_id


async def rond_tafel_af(w: Werk, wie: Principal, forum_id: uuid.UUID, tafel_id: uuid.UUID) -> None:
    async with w.sessionmaker.begin() as session:
        tafel = await _tafel(session, forum_id, tafel_id)
        tafel.rond_af(nu=w.klok())
        await _bewaar(session, tafel)
        await audit.record(session, wie, "AFRONDEN", "Discussietafel", tafel_id)


async def actiepunt_actie(
    w: Werk, wie: Principal, actiepunt_id: uuid.UUID, actie: str, *, eigenaar: str | None = None, naar_organisaties: Sequence[str] | None = None
) -> None:
    """OPNEMEN (OPEN → OPGENOMEN), OMZETTEN (→ OMGEZET) or TERUGKOPPELEN (→ TERUGGEKOPPELD + TerugkoppelingVerstuurd)."""
    nu = w.klok()
    async with w.sessionmaker.begin() as session:
        ap = await repo.get(session, Actiepunt, actiepunt_id, lock=True)
        tks: list[Terugkoppeling] = []
        if actie == "OPNEMEN":
            ap.opnemen(nu=nu, eigenaar=eigenaar)
        elif actie == "OMZETTEN":
            ap.omzetten(nu=nu)
        elif actie == "TERUGKOPPELEN":
            tks.append(koppel_actiepunt_terug(ap, uuid.uuid4(), nu=nu, naar_organisaties=naar_organisaties))
        else:  # the entrypoint validates the value; kept for direct callers
            raise RegelGeschonden("unknown action", veld="actie")
        await _bewaar(session, ap, terugkoppelingen=tks)
        await audit.record(session, wie, actie, "Actiepunt", actiepunt_id)


async def herinner_actiepunten(w: Werk, *, batch: int = 100) -> int:
    """Raise again the actiepunten left OPEN longer than the configured age ("Aanklampend signaleren").

    Durable and safe with several instances: the due rows are claimed ``FOR UPDATE SKIP LOCKED`` in one
    transaction that also stores ``laatst_gesignaleerd_op`` and stages the events; a row another instance holds is
    skipped, and once committed it is no longer due (Postgres re-checks the condition on the locked row version),
    so each actiepunt is raised exactly once per period. Returns how many were raised in this batch."""
    nu = w.klok()
    vandaag = nu.date()
    grens = vandaag - dt.timedelta(days=w.regels.actiepunt_herinnering_na_dagen)
    async with w.sessionmaker.begin() as session:
        kandidaten = await repo.find(
            session,
            Actiepunt,
            actiepunt_table.c.status == ActiepuntStatus.OPEN.value,
            func.coalesce(actiepunt_table.c.laatst_gesignaleerd_op, actiepunt_table.c.aangemaakt_op) <= grens,
            order_by=[actiepunt_table.c.volgorde],
            lock=True,
            skip_locked=True,
            limit=batch,
        )
        herinnerd = herinner_openstaande_actiepunten(kandidaten, vandaag=vandaag, regels=w.regels, nu=nu)
        if herinnerd:
            await _bewaar(session, *herinnerd)
        return len(herinnerd)


# ------------------------------------------------------------------ beleidsaanbevelingen


async def formuleer_aanbeveling(
    w: Werk,
    wie: Principal,
    *,
    niveau: AanbevelingNiveau,
    thema_ids: Sequence[uuid.UUID],
    tekst: str,
    randvoorwaarden: Sequence[str],
    drempels: Sequence[str],
    jaar: int,
) -> uuid.UUID:
    async with w.sessionmaker.begin() as session:
        themas = await _themas(session, thema_ids) if thema_ids else []
        if len(set(thema_ids)) != len(thema_ids):
            raise RegelGeschonden("a theme is named twice", veld="themaIds")
        ab = Beleidsaanbeveling.formuleer(
            uuid.uuid4(), niveau=niveau, themas=themas, tekst=tekst, randvoorwaarden=randvoorwaarden, drempels=drempels, jaar=jaar, nu=w.klok(), regels=w.regels
        )
        await _bewaar(session, *themas, ab)
        await audit.record(session, wie, audit.AANMAKEN, "Beleidsaanbeveling", ab.aanbeveling_id)
        return ab.aanbeveling_id


async def aanbeveling_terugkoppelen(w: Werk, wie: Principal, aanbeveling_id: uuid.UUID, naar_organisaties: Sequence[str]) -> None:
    async with w.sessionmaker.begin() as session:
        ab = await repo.get(session, Beleidsaanbeveling, aanbeveling_id, lock=True)
        tk = ab.koppel_terug(uuid.uuid4(), naar_organisaties=naar_organisaties, nu=w.klok())
        await _bewaar(session, ab, terugkoppelingen=[tk])
        await audit.record(session, wie, "TERUGKOPPELEN", "Beleidsaanbeveling", aanbeveling_id)


__all__ = ["ThemaStatus", "Werk"]
