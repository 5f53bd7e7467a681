"""An aanmelding from the project's paper history (since 2021), replayed through the same actions as a live one, at
its original dates, so that it emits the same events (with ``occurredAt`` = the original moment).

Pure: no I/O. The history is of the past, so the intake switch does not apply (INFERRED: it guards *new*
aanmeldingen) and duplicates are not flagged (the coördinator's file is the record). Every other rule holds: the
screening, the reasons that fit each state, the required alternatief advies, the jongere's own instemming before a
start. A refusal names the import column (``veld``), so the coördinator can fix the line.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from jeugdhulp_common.contracts.vocabulary import RedenNietOpstart
from jeugdhulp_common.domain import DomeinFout, OngeldigeInvoer, RegelGeschonden

from aanmelding.domain.intake import Intake
from aanmelding.domain.model import Aanmelding
from aanmelding.domain.screening import ScreeningRegels
from aanmelding.domain.toestanden import AanmeldingStatus
from aanmelding.domain.waarden import AanmeldingGegevens, AlternatiefAdvies, InstemmingDoor, InstemmingScope

TIJDZONE = ZoneInfo("Europe/Brussels")
_EXCLUSIE = {RedenNietOpstart.EXCLUSIE_REGIO, RedenNietOpstart.EXCLUSIE_LEEFTIJD}


class Beslissing(StrEnum):
    OPGESTART = "OPGESTART"
    NIET_OPGESTART = "NIET_OPGESTART"


@dataclass(frozen=True, kw_only=True)
class HistoriekAanmelding:
    gegevens: AanmeldingGegevens
    ontvangen_op: dt.date
    beslissing: Beslissing | None = None
    beslist_op: dt.date | None = None
    reden_niet_opstart: RedenNietOpstart | None = None
    alternatief_advies: AlternatiefAdvies | None = None
    instemming_op: dt.date | None = None

    @property
    def eindstatus(self) -> AanmeldingStatus:
        if self.beslissing is Beslissing.OPGESTART:
            return AanmeldingStatus.OPGESTART
        if self.beslissing is Beslissing.NIET_OPGESTART:
            return AanmeldingStatus.NIET_OPGESTART
        return AanmeldingStatus.GESCREEND


def moment(dag: dt.date) -> dt.datetime:
    """A historical day as a moment: noon in Brussels (the day is all the paper record has)."""
    return dt.datetime(dag.year, dag.month, dag.day, 12, tzinfo=TIJDZONE)


# domain field names (camelCase, as the API names them) → import columns
_KOLOM = {
    "aanmelder.organisatie": "aanmelder_organisatie",
    "aanmelder.categorie": "aanmelder_categorie",
    "reden": "reden_niet_opstart",
    "alternatiefAdvies": "alternatief_advies",
    "alternatiefAdvies.vorm": "alternatief_advies",
    "instemmingen": "instemming_op",
    "op": "instemming_op",
}


def kolom(veld: str | None) -> str:
    if not veld:
        return "beslissing"
    return _KOLOM.get(veld) or re.sub(r"(?<!^)(?=[A-Z])", "_", veld).lower()


def _fout(veld: str, melding: str) -> RegelGeschonden:
    return RegelGeschonden(f"{veld}: {melding}", veld=veld)


def uit_historiek(h: HistoriekAanmelding, *, aanmelding_id: uuid.UUID, regels: ScreeningRegels) -> Aanmelding:
    """The aanmelding after its recorded history, with its events; :class:`RegelGeschonden` (``veld`` = the column)
    when the history breaks a rule."""
    if h.beslissing is None:
        for naam in ("beslist_op", "reden_niet_opstart", "instemming_op"):
            if getattr(h, naam) is not None:
                raise _fout(naam, "only with a beslissing")
    else:
        if h.beslist_op is None:
            raise _fout("beslist_op", "required with a beslissing")
        if h.beslist_op < h.ontvangen_op:
            raise _fout("beslist_op", "cannot precede ontvangen_op")
    if h.instemming_op is not None and not (h.ontvangen_op <= h.instemming_op <= (h.beslist_op or h.instemming_op)):
        raise _fout("instemming_op", "must lie between ontvangen_op and beslist_op")
    if h.beslissing is Beslissing.OPGESTART and h.reden_niet_opstart is not None:
        raise _fout("reden_niet_opstart", "only for NIET_OPGESTART")
    if h.beslissing is Beslissing.NIET_OPGESTART and h.reden_niet_opstart is None:
        raise _fout("reden_niet_opstart", "required for NIET_OPGESTART")

    try:
        ontvangen = moment(h.ontvangen_op)
        a = Aanmelding.ontvangen(h.gegevens, intake=Intake(open=True), nu=ontvangen, aanmelding_id=aanmelding_id)
        a.screenen(regels, nu=ontvangen)
        if h.beslissing is None:
            return a
        beslist = moment(h.beslist_op)  # type: ignore[arg-type]
        reden = h.reden_niet_opstart
        if reden not in _EXCLUSIE:
            a.in_bespreking_nemen(nu=beslist)
            if h.beslissing is Beslissing.OPGESTART or reden is RedenNietOpstart.GEEN_INSTEMMING:
                a.opstart_beslissen(nu=beslist)
        if h.instemming_op is not None:
            a.instemming_vastleggen(
                door=InstemmingDoor.JONGERE, op=moment(h.instemming_op), scope=[InstemmingScope.TRAJECT_OPSTART], nu=beslist
            )
        if h.beslissing is Beslissing.OPGESTART:
            a.opstarten(nu=beslist)
        else:
            a.niet_opstarten(reden=reden, alternatief_advies=h.alternatief_advies, nu=beslist)  # type: ignore[arg-type]
    except (RegelGeschonden, OngeldigeInvoer) as exc:
        raise RegelGeschonden(exc.message, veld=kolom(exc.veld)) from None
    except DomeinFout as exc:  # a transition the history does not allow (e.g. instemming after an exclusion)
        raise RegelGeschonden(str(exc), veld="beslissing") from None
    return a
