"""Use cases: each takes a :class:`SignaleringUnitOfWork` (with the caller, the clock and the rules), loads through
its repositories, lets the domain decide and records what it did; the unit of work saves, stages the events and
writes the audit rows in one transaction. Each returns the aggregate it made or changed (the routes answer with its
view)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence

from jeugdhulp_common import audit
from jeugdhulp_common.contracts.vocabulary import AanbevelingNiveau, ActiepuntAdresNiveau, Sector

from signalering.domain import (
    Actiepunt,
    ActiepuntOpdracht,
    Beleidsaanbeveling,
    Deelnemer,
    Discussietafel,
    Doelstelling,
    Forum,
    ForumDeelnemer,
    ForumVorm,
    LerendNetwerkSessie,
    Signaal,
    Thema,
    behandel_actiepunt,
    controleer_unieke_naam,
    herinner_openstaande_actiepunten,
    kies_bevindingen,
    koppel_signaal,
    terugkoppeling_na_lerend_netwerk,
)
from signalering.service_layer.unit_of_work import SignaleringUnitOfWork

# ------------------------------------------------------------------ signals (de-identification gate)


async def lees_signalen(uow: SignaleringUnitOfWork, status: str | None, *, limit: int, offset: int) -> tuple[list[Signaal], int]:
    """A page of the CONCEPT queue (or of the released signals); reading concepts (micro-derived text) is audited."""
    async with uow:
        signalen, totaal = await uow.signalen.lijst(status, limit=limit, offset=offset)
        uow.audit(audit.LEZEN, "Signaal", *(s.signaal_id for s in signalen))
        return signalen, totaal


async def lees_signaal(uow: SignaleringUnitOfWork, signaal_id: uuid.UUID) -> Signaal:
    async with uow:
        signaal = await uow.signalen.lees(signaal_id)
        uow.audit(audit.LEZEN, "Signaal", signaal_id)
        return signaal


async def bewerk_signaal(
    uow: SignaleringUnitOfWork, signaal_id: uuid.UUID, *, tekst: str | None, levensdomeinen: list[str] | None, sectoren: list[Sector] | None
) -> Signaal:
    async with uow.wijziging("signalen", signaal_id, "BEWERKEN") as signaal:
        signaal.bewerk(tekst=tekst, levensdomeinen=levensdomeinen, sectoren=sectoren)
    return signaal


async def _koppel(uow: SignaleringUnitOfWork, signaal: Signaal, thema_ids: Sequence[uuid.UUID]) -> None:
    themas = await uow.themas.voor_wijziging(thema_ids)
    koppel_signaal(signaal, themas, regels=uow.regels, nu=uow.klok.nu())
    uow.themas.noteer_koppeling(themas, uow.klok.nu())


async def vrijgeven(uow: SignaleringUnitOfWork, signaal_id: uuid.UUID, thema_ids: Sequence[uuid.UUID]) -> Signaal:
    """Release (refused with PersoonsgegevensGevonden while the detector finds personal data), then link to the
    given themes, all in one transaction."""
    async with uow.wijziging("signalen", signaal_id, "VRIJGEVEN") as signaal:
        signaal.vrijgeven(salt=await uow.geheimen.salt(), nu=uow.klok.nu())
        if thema_ids:
            await _koppel(uow, signaal, thema_ids)
    return signaal


async def koppel(uow: SignaleringUnitOfWork, signaal_id: uuid.UUID, thema_ids: Sequence[uuid.UUID]) -> Signaal:
    async with uow.wijziging("signalen", signaal_id, "KOPPELEN") as signaal:
        await _koppel(uow, signaal, thema_ids)
    return signaal


# ------------------------------------------------------------------ themes


async def nieuw_thema(uow: SignaleringUnitOfWork, naam: str, subthemas: Sequence[str]) -> Thema:
    async with uow:
        controleer_unieke_naam(naam, await uow.themas.namen())
        thema = Thema.nieuw(uuid.uuid4(), naam, nu=uow.klok.nu(), subthemas=subthemas, regels=uow.regels)
        uow.themas.add(thema)
        uow.audit(audit.AANMAKEN, "Thema", thema.thema_id)
        return thema


async def thema_naar_stuurgroep(uow: SignaleringUnitOfWork, thema_id: uuid.UUID) -> Thema:
    async with uow.wijziging("themas", thema_id, "NAAR_STUURGROEP") as thema:
        thema.naar_stuurgroep(nu=uow.klok.nu(), regels=uow.regels)
    return thema


# ------------------------------------------------------------------ lerend netwerk


async def plan_sessie(uow: SignaleringUnitOfWork, thema_id: uuid.UUID, datum: dt.date, deelnemers: Sequence[Deelnemer]) -> LerendNetwerkSessie:
    async with uow:
        thema = await uow.themas.get(thema_id)
        sessie = LerendNetwerkSessie.plan(uuid.uuid4(), thema, datum, nu=uow.klok.nu(), deelnemers=deelnemers, regels=uow.regels)
        uow.sessies.add(sessie)
        uow.audit("PLANNEN", "LerendNetwerkSessie", sessie.sessie_id)
        return sessie


async def wijzig_sessie(
    uow: SignaleringUnitOfWork, sessie_id: uuid.UUID, actie: str, wijziging: Callable[[LerendNetwerkSessie], None]
) -> LerendNetwerkSessie:
    """A change of the session's content (a stelling, a post-it, the uitkomst): ``wijziging`` calls the domain."""
    async with uow.wijziging("sessies", sessie_id, actie) as sessie:
        wijziging(sessie)
    return sessie


async def houd_sessie(uow: SignaleringUnitOfWork, sessie_id: uuid.UUID) -> LerendNetwerkSessie:
    """Hold: theme → LN_GEHOUDEN, subthemes → bevindingen in the forum backlog, feedback to the organisations at the
    table (UIT) when participants were recorded."""
    async with uow:
        nu = uow.klok.nu()
        sessie = await uow.sessies.get(sessie_id)
        thema = await uow.themas.get(sessie.thema_id)
        await uow.themas.voeg_bevindingen_toe(sessie.houd(thema, nu=nu, regels=uow.regels))
        if sessie.organisaties:
            uow.terugkoppelingen.add(terugkoppeling_na_lerend_netwerk(sessie, uuid.uuid4(), nu=nu))
        uow.audit("HOUDEN", "LerendNetwerkSessie", sessie_id)
        return sessie


async def annuleer_sessie(uow: SignaleringUnitOfWork, sessie_id: uuid.UUID) -> LerendNetwerkSessie:
    async with uow.wijziging("sessies", sessie_id, "ANNULEREN") as sessie:
        thema = await uow.themas.get(sessie.thema_id)
        sessie.annuleer(thema, nu=uow.klok.nu(), regels=uow.regels)
    return sessie


# ------------------------------------------------------------------ netwerkforum


async def plan_forum(uow: SignaleringUnitOfWork, datum: dt.date, vorm: ForumVorm, deelnemers: Sequence[ForumDeelnemer]) -> Forum:
    async with uow:
        forum = Forum.plan(uuid.uuid4(), datum, vorm, deelnemers)
        uow.fora.add(forum)
        uow.audit(audit.AANMAKEN, "Forum", forum.forum_id)
        return forum


async def registreer_deelnemers(uow: SignaleringUnitOfWork, forum_id: uuid.UUID, deelnemers: Sequence[ForumDeelnemer]) -> Forum:
    async with uow.wijziging("fora", forum_id, "DEELNEMERS") as forum:
        forum.registreer_deelnemers(deelnemers)
    return forum


async def open_tafel(uow: SignaleringUnitOfWork, forum_id: uuid.UUID, thema_id: uuid.UUID, subthemas: Sequence[str] | None) -> Discussietafel:
    """A table on a theme; by default it discusses all the theme's bevindingen (from its lerend netwerk)."""
    async with uow:
        forum = await uow.fora.get(forum_id)
        thema = await uow.themas.get(thema_id)
        gekozen = kies_bevindingen(await uow.themas.bevindingen(thema_id), subthemas)
        tafel = Discussietafel.open(uuid.uuid4(), forum, thema, gekozen, nu=uow.klok.nu(), regels=uow.regels)
        uow.tafels.add(tafel)
        uow.audit(audit.AANMAKEN, "Discussietafel", tafel.tafel_id)
        return tafel


async def prioriteer(uow: SignaleringUnitOfWork, forum_id: uuid.UUID, tafel_id: uuid.UUID, prioritering: Mapping[str, int]) -> Discussietafel:
    async with uow.wijziging("tafels", tafel_id, "PRIORITEREN") as tafel:
        tafel.aan_forum(forum_id)
        tafel.stel_prioritering_vast(prioritering, nu=uow.klok.nu())
    return tafel


async def doelstelling(uow: SignaleringUnitOfWork, forum_id: uuid.UUID, tafel_id: uuid.UUID, d: Doelstelling) -> Discussietafel:
    async with uow.wijziging("tafels", tafel_id, "DOELSTELLING") as tafel:
        tafel.aan_forum(forum_id)
        tafel.stel_doelstelling_vast(d)
    return tafel


async def actiepunt_toevoegen(
    uow: SignaleringUnitOfWork,
    forum_id: uuid.UUID,
    tafel_id: uuid.UUID,
    *,
    subthema: str,
    tekst: str,
    adres_niveau: ActiepuntAdresNiveau,
    eigenaar: str,
) -> Actiepunt:
    async with uow:
        tafel = (await uow.tafels.get(tafel_id)).aan_forum(forum_id)
        forum = await uow.fora.lees(forum_id)
        ap = tafel.voeg_actiepunt_toe(
            uuid.uuid4(),
            bevinding_id=tafel.bevinding(subthema).bevinding_id,
            tekst=tekst,
            adres_niveau=adres_niveau,
            eigenaar=eigenaar,
            aangemaakt_op=forum.datum,  # made at the forum (the reminder period counts from then)
            nu=uow.klok.nu(),
        )
        uow.actiepunten.add(ap)
        uow.audit(audit.AANMAKEN, "Actiepunt", ap.actiepunt_id)
        return ap


async def rond_tafel_af(uow: SignaleringUnitOfWork, forum_id: uuid.UUID, tafel_id: uuid.UUID) -> Discussietafel:
    async with uow.wijziging("tafels", tafel_id, "AFRONDEN") as tafel:
        tafel.aan_forum(forum_id)
        tafel.rond_af(nu=uow.klok.nu())
    return tafel


async def actiepunt_actie(uow: SignaleringUnitOfWork, actiepunt_id: uuid.UUID, opdracht: ActiepuntOpdracht) -> Actiepunt:
    """OPNEMEN (OPEN → OPGENOMEN), OMZETTEN (→ OMGEZET) or TERUGKOPPELEN (→ TERUGGEKOPPELD + TerugkoppelingVerstuurd):
    the domain's table of actions decides."""
    async with uow.wijziging("actiepunten", actiepunt_id, opdracht.actie.value) as ap:
        tk = behandel_actiepunt(ap, opdracht, terugkoppeling_id=uuid.uuid4(), nu=uow.klok.nu())
        if tk is not None:
            uow.terugkoppelingen.add(tk)
    return ap


async def herinner_actiepunten(uow: SignaleringUnitOfWork, *, batch: int = 100) -> int:
    """Raise again the actiepunten left OPEN longer than the configured age ("Aanklampend signaleren").

    Durable and safe with several instances: the due rows are claimed ``FOR UPDATE SKIP LOCKED`` in one
    transaction that also stores ``laatst_gesignaleerd_op`` and stages the events, so each actiepunt is raised
    exactly once per period. Returns how many were raised in this batch."""
    async with uow:
        nu, vandaag = uow.klok.nu(), uow.klok.vandaag()
        grens = vandaag - dt.timedelta(days=uow.regels.actiepunt_herinnering_na_dagen)
        kandidaten = await uow.actiepunten.open_sinds(grens, batch=batch)
        return len(herinner_openstaande_actiepunten(kandidaten, vandaag=vandaag, regels=uow.regels, nu=nu))


# ------------------------------------------------------------------ beleidsaanbevelingen


async def formuleer_aanbeveling(
    uow: SignaleringUnitOfWork,
    *,
    niveau: AanbevelingNiveau,
    thema_ids: Sequence[uuid.UUID],
    tekst: str,
    randvoorwaarden: Sequence[str],
    drempels: Sequence[str],
    jaar: int,
) -> Beleidsaanbeveling:
    async with uow:
        await uow.themas.voor_wijziging(thema_ids)  # locked in id order
        themas = [await uow.themas.get(t) for t in thema_ids]  # as named (the domain refuses a theme named twice)
        ab = Beleidsaanbeveling.formuleer(
            uuid.uuid4(),
            niveau=niveau,
            themas=themas,
            tekst=tekst,
            randvoorwaarden=randvoorwaarden,
            drempels=drempels,
            jaar=jaar,
            nu=uow.klok.nu(),
            regels=uow.regels,
        )
        uow.aanbevelingen.add(ab)
        uow.audit(audit.AANMAKEN, "Beleidsaanbeveling", ab.aanbeveling_id)
        return ab


async def aanbeveling_terugkoppelen(uow: SignaleringUnitOfWork, aanbeveling_id: uuid.UUID, naar_organisaties: Sequence[str]) -> Beleidsaanbeveling:
    async with uow.wijziging("aanbevelingen", aanbeveling_id, "TERUGKOPPELEN") as ab:
        uow.terugkoppelingen.add(ab.koppel_terug(uuid.uuid4(), naar_organisaties=naar_organisaties, nu=uow.klok.nu()))
    return ab
