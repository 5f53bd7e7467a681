"""Use case: import the project's history (aanmeldingen, decisions, instemming) from the coördinator's file.

All rows in ONE unit of work: every row is replayed through the domain (:mod:`aanmelding.domain.historiek`) at
its own recorded dates (the row's ontvangen_op and beslist_op, not the clock); if any row is refused, every
refusal is reported (line and column) and nothing is written. A row whose ``ref`` was imported before is left as
it is (ids derive from ``ref``), so a re-import changes nothing. The events go through the outbox like live ones,
so every projection sees the history. Audited per aanmelding.
"""

from __future__ import annotations

from dataclasses import dataclass

from jeugdhulp_common import historiek
from jeugdhulp_common.domain import NietGevonden, RegelGeschonden

from aanmelding.domain import ScreeningRegels
from aanmelding.domain.historiek import TIJDZONE, HistoriekAanmelding, uit_historiek
from aanmelding.service_layer.services import AGGREGAAT
from aanmelding.service_layer.unit_of_work import AanmeldingUnitOfWork

HISTORIEK_IMPORT = "HISTORIEK_IMPORT"


@dataclass(frozen=True)
class ImportResultaat:
    rijen: int
    nieuw: int
    ongewijzigd: int


async def importeer(
    uow: AanmeldingUnitOfWork,
    rijen: list[tuple[int, str, HistoriekAanmelding]],
    *,
    regels: ScreeningRegels,
    fouten: list[historiek.Fout] | None = None,
) -> ImportResultaat:
    """``rijen``: (line, ref, history); ``fouten``: rows already refused by the file's format. Raises
    :class:`historiek.Geweigerd` with every refusal (nothing written) if any row is refused."""
    fouten = list(fouten or [])
    nieuw = ongewijzigd = 0
    async with uow:
        for regel, ref, h in rijen:
            aanmelding_id = historiek.aanmelding_id(ref)
            try:
                bestaand = await uow.aanmeldingen.lees(aanmelding_id)
            except NietGevonden:
                bestaand = None
            if bestaand is not None:
                if bestaand.status != h.eindstatus or bestaand.ontvangen_op.astimezone(TIJDZONE).date() != h.ontvangen_op:
                    fouten.append(historiek.Fout(regel, "ref", "imported before with another ontvangen_op or beslissing"))
                else:
                    ongewijzigd += 1
                continue
            try:
                a = uit_historiek(h, aanmelding_id=aanmelding_id, regels=regels)
            except RegelGeschonden as exc:
                fouten.append(historiek.Fout(regel, exc.veld or "rij", exc.message))
                continue
            if fouten:
                continue  # the file is refused anyway: keep checking rows, write nothing more
            uow.aanmeldingen.add(a)
            uow.audit(HISTORIEK_IMPORT, AGGREGAAT, aanmelding_id)
            nieuw += 1
        historiek.weiger_als_nodig(fouten)  # rolls the whole unit of work back
    return ImportResultaat(rijen=len(rijen), nieuw=nieuw, ongewijzigd=ongewijzigd)
