"""Use case: import the history of trajecten (startdatum, afronding) from the coördinator's file.

The traject of an imported aanmelding is created, as for a live one, from its ``AanmeldingOpgestart`` event; this
import then records its start and closure through the domain (:meth:`Traject.neem_historiek_over`), so the same
``TrajectGestart`` / ``TrajectAfgerond`` events reach every projection. All rows in ONE unit of work: any refused
row refuses the file (every refusal named by line and column) and nothing changes. A traject recorded before with
the same dates is left as it is (re-import changes nothing). Audited per traject.

No clock is read: each row is replayed at its own dates, given to the domain as arguments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jeugdhulp_common import historiek
from jeugdhulp_common.contracts.vocabulary import AfrondingsReden, BlokkadeStatus
from jeugdhulp_common.domain import DomeinFout

from traject.domain import TrajectRegels
from traject.service_layer.unit_of_work import TRAJECT, TrajectUnitOfWork

HISTORIEK_IMPORT = "HISTORIEK_IMPORT"


@dataclass(frozen=True)
class TrajectHistoriek:
    startdatum: dt.date
    afgerond_op: dt.date | None = None
    redenen: tuple[AfrondingsReden, ...] = ()
    blokkade_status_einde: BlokkadeStatus | None = None


@dataclass(frozen=True)
class ImportResultaat:
    rijen: int
    nieuw: int
    ongewijzigd: int
    zonder_traject: int  # rows without a startdatum (aanmeldingen that did not start)


async def importeer(
    uow: TrajectUnitOfWork,
    rijen: list[tuple[int, str, TrajectHistoriek | None]],
    fouten: list[historiek.Fout] | None = None,
    *,
    regels: TrajectRegels,
) -> ImportResultaat:
    """``fouten``: rows already refused by the file's format; every refusal is reported together. The rows are
    replayed at their own dates (given to the domain), never at today's."""
    fouten = list(fouten or [])
    nieuw = ongewijzigd = zonder = 0
    async with uow:
        for regel, ref, h in rijen:
            if h is None:
                zonder += 1
                continue
            traject_id = await uow.trajecten.id_van_aanmelding(historiek.aanmelding_id(ref))
            if traject_id is None:
                fouten.append(historiek.Fout(regel, "ref", "no traject for this aanmelding yet: import the aanmeldingen first "
                                                          "(with beslissing OPGESTART) and retry once the traject service has them"))
                continue
            bestaand = await uow.trajecten.lees(traject_id)
            if bestaand.startdatum is not None:
                if bestaand.startdatum == h.startdatum and bestaand.afgerond_op == h.afgerond_op:
                    ongewijzigd += 1
                else:
                    fouten.append(historiek.Fout(regel, "startdatum", "this traject was recorded before with other dates"))
                continue
            traject = await uow.trajecten.get(traject_id)
            try:
                traject.neem_historiek_over(
                    startdatum=h.startdatum,
                    afgerond_op=h.afgerond_op,
                    redenen=h.redenen,
                    blokkade_status_einde=h.blokkade_status_einde,
                    regels=regels,
                )
            except DomeinFout as exc:
                fouten.append(historiek.Fout(regel, exc.veld or "rij", exc.message))
                continue
            uow.audit(HISTORIEK_IMPORT, TRAJECT, traject_id)
            nieuw += 1
        historiek.weiger_als_nodig(fouten)  # raises: the unit of work rolls the whole file back
    return ImportResultaat(rijen=len(rijen), nieuw=nieuw, ongewijzigd=ongewijzigd, zonder_traject=zonder)
