"""Use cases on DIW-fonds aanvragen (§4.8, §5.3), in the shape of :mod:`traject.service_layer.trajecten`.
Approvals are serialised on the fund: the fund lock is taken before the aanvraag's row lock (the ordering rule of
:mod:`traject.adapters.repository`) and the approved total is computed under it, so two racing approvals cannot
together exceed the cap."""

from __future__ import annotations

import datetime as dt
import uuid

from jeugdhulp_common import audit

from traject.domain import DIWAanvraagGegevens, DIWFondsAanvraag, DIWFondsRegels
from traject.service_layer.unit_of_work import DIW_AANVRAAG, TrajectUnitOfWork


async def maak(uow: TrajectUnitOfWork, traject_id: uuid.UUID, gegevens: DIWAanvraagGegevens) -> DIWFondsAanvraag:
    """A new aanvraag in CONCEPT; the traject decides whether funds can be asked for it."""
    async with uow:
        traject = await uow.trajecten.get(traject_id)  # locked: its state cannot change meanwhile
        aanvraag = traject.vraag_diw_fonds_aan(aanvraag_id=uuid.uuid4(), gegevens=gegevens)
        uow.diw_aanvragen.add(aanvraag)
        uow.audit(audit.AANMAKEN, DIW_AANVRAAG, aanvraag.aanvraag_id)
    return aanvraag


async def lees(uow: TrajectUnitOfWork, aanvraag_id: uuid.UUID) -> DIWFondsAanvraag:
    async with uow:
        aanvraag = await uow.diw_aanvragen.lees(aanvraag_id)
        uow.audit(audit.LEZEN, DIW_AANVRAAG, aanvraag_id)
    return aanvraag


async def van_traject(uow: TrajectUnitOfWork, traject_id: uuid.UUID, *, limit: int, offset: int) -> tuple[list[DIWFondsAanvraag], int]:
    """A page of the traject's aanvragen and their number (NietGevonden for an unknown traject). Audited."""
    async with uow:
        await uow.trajecten.lees(traject_id)
        aanvragen, totaal = await uow.diw_aanvragen.van_traject(traject_id, limit=limit, offset=offset)
        uow.audit(audit.LEZEN, DIW_AANVRAAG, *(a.aanvraag_id for a in aanvragen))
    return aanvragen, totaal


async def wijzig(uow: TrajectUnitOfWork, aanvraag_id: uuid.UUID, gegevens: DIWAanvraagGegevens) -> DIWFondsAanvraag:
    async with uow.wijziging("diw_aanvragen", aanvraag_id, "WIJZIGEN") as a:
        a.wijzig(gegevens)
    return a


async def dien_in(uow: TrajectUnitOfWork, aanvraag_id: uuid.UUID, *, op: dt.date | None, regels: DIWFondsRegels) -> DIWFondsAanvraag:
    async with uow.wijziging("diw_aanvragen", aanvraag_id, "INDIENEN") as a:
        a.indienen(op=op or uow.klok.vandaag(), regels=regels)
    return a


async def bespreek_op_team(uow: TrajectUnitOfWork, aanvraag_id: uuid.UUID, *, overleg_id: uuid.UUID, op: dt.date | None) -> DIWFondsAanvraag:
    async with uow.wijziging("diw_aanvragen", aanvraag_id, "BESPREKEN_OP_TEAM") as a:
        a.bespreek_op_team(overleg_id=overleg_id, op=op or uow.klok.vandaag())
    return a


async def keur_goed(
    uow: TrajectUnitOfWork,
    aanvraag_id: uuid.UUID,
    *,
    besluit_overleg_id: uuid.UUID,
    op: dt.date | None,
    gebruik_tot: dt.date | None,
    regels: DIWFondsRegels,
) -> DIWFondsAanvraag:
    async with uow:
        await uow.diw_aanvragen.vergrendel_fonds()  # before the row lock: every approval takes them in this order
        a = await uow.diw_aanvragen.get(aanvraag_id)
        totaal = await uow.diw_aanvragen.goedgekeurd_totaal(behalve=aanvraag_id)
        a.keur_goed(besluit_overleg_id=besluit_overleg_id, op=op or uow.klok.vandaag(), goedgekeurd_totaal_eurocent=totaal, gebruik_tot=gebruik_tot, regels=regels)
        uow.audit("GOEDKEUREN", DIW_AANVRAAG, aanvraag_id)
    return a


async def wijs_af(uow: TrajectUnitOfWork, aanvraag_id: uuid.UUID, *, besluit_overleg_id: uuid.UUID, op: dt.date | None, reden: str) -> DIWFondsAanvraag:
    async with uow.wijziging("diw_aanvragen", aanvraag_id, "AFWIJZEN") as a:
        a.wijs_af(besluit_overleg_id=besluit_overleg_id, op=op or uow.klok.vandaag(), reden=reden)
    return a


async def start_gebruik(uow: TrajectUnitOfWork, aanvraag_id: uuid.UUID, *, op: dt.date | None) -> DIWFondsAanvraag:
    async with uow.wijziging("diw_aanvragen", aanvraag_id, "GEBRUIK_STARTEN") as a:
        a.start_gebruik(op=op or uow.klok.vandaag())
    return a


async def registreer_evaluatie(uow: TrajectUnitOfWork, aanvraag_id: uuid.UUID, *, overleg_id: uuid.UUID, datum: dt.date) -> DIWFondsAanvraag:
    async with uow.wijziging("diw_aanvragen", aanvraag_id, "EVALUATIE_REGISTREREN") as a:
        a.registreer_evaluatie(overleg_id=overleg_id, datum=datum)
    return a


async def sluit_af(uow: TrajectUnitOfWork, aanvraag_id: uuid.UUID, *, op: dt.date | None) -> DIWFondsAanvraag:
    async with uow.wijziging("diw_aanvragen", aanvraag_id, "AFSLUITEN") as a:
        a.sluit_af(op=op or uow.klok.vandaag())
    return a
