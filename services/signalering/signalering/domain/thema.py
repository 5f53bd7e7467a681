"""The Thema aggregate: a recurring cross-traject topic (§4.4, §5.4, §6 step 2).

    GESIGNALEERD → TERUGKEREND → BACKLOG | LN_GEPLAND → LN_GEHOUDEN → OP_FORUM → IN_UITWERKING_STUURGROEP
                                 BACKLOG → LN_GEPLAND                              → BELEIDSVOORSTEL

Recurrence drives promotion [001: "Deze thema’s kwamen meermaals aan bod in verschillende
samenwerkingsoverleggen."]: a theme seen in ≥ N *distinct* trajecten (distinct ``traject_ref`` values; N from
:class:`SignaleringRegels`, default 2) becomes TERUGKEREND and enters the lerend-netwerk backlog (BACKLOG,
[001: "ANDERE THEMA’S WAARVOOR NOG GEEN LEREND NETWERK WERD GEORGANISEERD"]). More signals of the same traject
do not promote it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from jeugdhulp_common.contracts.signalering import ThemaAangemaakt, ThemaStatusGewijzigd, ThemaTerugkerend
from jeugdhulp_common.contracts.vocabulary import ThemaStatus
from jeugdhulp_common.domain import Aggregaat, Overgangen, RegelGeschonden
from jeugdhulp_common.suppression import suppress_count

from signalering.domain._basis import geen_persoonsgegevens, tijdstip, verplichte_tekst
from signalering.domain.regels import STANDAARD_REGELS, SignaleringRegels
from signalering.domain.signaal import Signaal


class ThemaActie(StrEnum):
    MARKEER_TERUGKEREND = "MARKEER_TERUGKEREND"
    ZET_IN_BACKLOG = "ZET_IN_BACKLOG"
    PLAN_LN = "PLAN_LN"
    ANNULEER_LN = "ANNULEER_LN"
    HOUD_LN = "HOUD_LN"
    ZET_OP_FORUM = "ZET_OP_FORUM"
    NAAR_STUURGROEP = "NAAR_STUURGROEP"
    FORMULEER_BELEIDSVOORSTEL = "FORMULEER_BELEIDSVOORSTEL"


_T = ThemaStatus
THEMA_OVERGANGEN: Overgangen[ThemaStatus, ThemaActie] = Overgangen(
    "Thema",
    {
        (_T.GESIGNALEERD, ThemaActie.MARKEER_TERUGKEREND): _T.TERUGKEREND,
        (_T.TERUGKEREND, ThemaActie.ZET_IN_BACKLOG): _T.BACKLOG,
        (_T.TERUGKEREND, ThemaActie.PLAN_LN): _T.LN_GEPLAND,
        (_T.BACKLOG, ThemaActie.PLAN_LN): _T.LN_GEPLAND,
        (_T.LN_GEPLAND, ThemaActie.ANNULEER_LN): _T.BACKLOG,  # INFERRED: a cancelled session returns to the backlog
        (_T.LN_GEPLAND, ThemaActie.HOUD_LN): _T.LN_GEHOUDEN,
        (_T.LN_GEHOUDEN, ThemaActie.ZET_OP_FORUM): _T.OP_FORUM,
        (_T.OP_FORUM, ThemaActie.NAAR_STUURGROEP): _T.IN_UITWERKING_STUURGROEP,
        (_T.IN_UITWERKING_STUURGROEP, ThemaActie.FORMULEER_BELEIDSVOORSTEL): _T.BELEIDSVOORSTEL,
    },
)


@dataclass(eq=False)
class Thema(Aggregaat):
    """A theme. The constructor restores stored fields and never emits.

    ``traject_refs`` holds the distinct salted traject refs (anonymous) of the signals linked to it;
    ``laatste_signaal_op`` is the release time of the most recent of those signals.
    """

    thema_id: uuid.UUID
    naam: str
    status: ThemaStatus = ThemaStatus.GESIGNALEERD
    subthemas: list[str] = field(default_factory=list)
    bron_signalen: list[uuid.UUID] = field(default_factory=list)
    traject_refs: set[str] = field(default_factory=set)
    laatste_signaal_op: dt.datetime | None = None

    @property
    def aantal_trajecten(self) -> int:
        """Number of distinct trajecten in which the theme was signalled (§4.4 aantalTrajecten)."""
        return len(self.traject_refs)

    @classmethod
    def nieuw(
        cls, thema_id: uuid.UUID, naam: str, *, nu: dt.datetime, subthemas: Sequence[str] = (), regels: SignaleringRegels = STANDAARD_REGELS
    ) -> Thema:
        """A new theme in GESIGNALEERD. Emits ``ThemaAangemaakt``.

        Every theme event carries ``aantal_trajecten`` suppressed with ``regels.minimum_celgrootte`` (it goes to
        the meso topic); the team's views read the exact :attr:`aantal_trajecten` of the theme itself."""
        naam = verplichte_tekst(naam, "naam")
        geen_persoonsgegevens("naam", naam, *subthemas)
        thema = cls(thema_id=thema_id, naam=naam, subthemas=[s.strip() for s in subthemas if s.strip()])
        thema._emit(ThemaAangemaakt(occurred_at=tijdstip(nu), **thema._velden(regels)))
        return thema

    # ------------------------------------------------------------------ recurrence

    def registreer_signaal(
        self, signaal_id: uuid.UUID, traject_ref: str, op: dt.datetime, *, regels: SignaleringRegels, nu: dt.datetime
    ) -> None:
        """Count a released signal (any status; idempotent per signal). Promotes GESIGNALEERD → TERUGKEREND →
        BACKLOG once the theme is seen in ``regels.terugkerend_vanaf_trajecten`` distinct trajecten (§5.4)."""
        if not traject_ref:
            raise RegelGeschonden("a signal is counted by its traject_ref", veld="trajectRef")
        if signaal_id not in self.bron_signalen:
            self.bron_signalen.append(signaal_id)
        self.traject_refs.add(traject_ref)
        if self.laatste_signaal_op is None or op > self.laatste_signaal_op:
            self.laatste_signaal_op = op
        if self.status == ThemaStatus.GESIGNALEERD and self.aantal_trajecten >= regels.terugkerend_vanaf_trajecten:
            self.markeer_terugkerend(nu=nu, regels=regels)
            self.zet_in_backlog(nu=nu, regels=regels)

    def is_terugkerend(self, regels: SignaleringRegels) -> bool:
        return self.aantal_trajecten >= regels.terugkerend_vanaf_trajecten

    # ------------------------------------------------------------------ transitions

    def markeer_terugkerend(self, *, nu: dt.datetime, regels: SignaleringRegels = STANDAARD_REGELS) -> None:
        """GESIGNALEERD → TERUGKEREND. Emits ``ThemaTerugkerend``. Normally done by :meth:`registreer_signaal`."""
        self.status = THEMA_OVERGANGEN.volgende(self.status, ThemaActie.MARKEER_TERUGKEREND)
        self._emit(ThemaTerugkerend(occurred_at=tijdstip(nu), **self._velden(regels)))

    def zet_in_backlog(self, *, nu: dt.datetime, regels: SignaleringRegels = STANDAARD_REGELS) -> None:
        """TERUGKEREND → BACKLOG, the lerend-netwerk backlog (§5.4)."""
        self._naar(ThemaActie.ZET_IN_BACKLOG, nu, regels)

    def plan_ln(self, *, nu: dt.datetime, regels: SignaleringRegels = STANDAARD_REGELS) -> None:
        """TERUGKEREND|BACKLOG → LN_GEPLAND: "The coördinator or stuurgroep then schedules the LN" (§5.4).
        Called by :meth:`LerendNetwerkSessie.plan`."""
        self._naar(ThemaActie.PLAN_LN, nu, regels)

    def annuleer_ln(self, *, nu: dt.datetime, regels: SignaleringRegels = STANDAARD_REGELS) -> None:
        """LN_GEPLAND → BACKLOG (INFERRED)."""
        self._naar(ThemaActie.ANNULEER_LN, nu, regels)

    def houd_ln(self, subthemas: Iterable[str], *, nu: dt.datetime, regels: SignaleringRegels = STANDAARD_REGELS) -> None:
        """LN_GEPLAND → LN_GEHOUDEN; the session's subthemes are added to the theme (§4.5, §6 step 3)."""
        nieuw = THEMA_OVERGANGEN.volgende(self.status, ThemaActie.HOUD_LN)
        bekend = {s.casefold() for s in self.subthemas}
        for s in subthemas:
            if s.casefold() not in bekend:
                self.subthemas.append(s)
                bekend.add(s.casefold())
        self._zet(nieuw, nu, regels)

    def zet_op_forum(self, *, nu: dt.datetime, regels: SignaleringRegels = STANDAARD_REGELS) -> None:
        """LN_GEHOUDEN → OP_FORUM (§6 step 4). Called by :meth:`Discussietafel.open`."""
        self._naar(ThemaActie.ZET_OP_FORUM, nu, regels)

    def naar_stuurgroep(self, *, nu: dt.datetime, regels: SignaleringRegels = STANDAARD_REGELS) -> None:
        """OP_FORUM → IN_UITWERKING_STUURGROEP (§6 step 5: "It elaborates the output into beleidsvoorstellen")."""
        self._naar(ThemaActie.NAAR_STUURGROEP, nu, regels)

    def formuleer_beleidsvoorstel(self, *, nu: dt.datetime, regels: SignaleringRegels = STANDAARD_REGELS) -> None:
        """IN_UITWERKING_STUURGROEP → BELEIDSVOORSTEL. Called by :meth:`Beleidsaanbeveling.formuleer`."""
        self._naar(ThemaActie.FORMULEER_BELEIDSVOORSTEL, nu, regels)

    # ------------------------------------------------------------------ helpers

    def _naar(self, actie: ThemaActie, nu: dt.datetime, regels: SignaleringRegels) -> None:
        self._zet(THEMA_OVERGANGEN.volgende(self.status, actie), nu, regels)

    def _zet(self, nieuw: ThemaStatus, nu: dt.datetime, regels: SignaleringRegels) -> None:
        van, self.status = self.status, nieuw
        self._emit(ThemaStatusGewijzigd(occurred_at=tijdstip(nu), van=van, **self._velden(regels)))

    def _velden(self, regels: SignaleringRegels) -> dict[str, object]:
        """The fields of a theme event: the count suppressed for the meso topic (§9 rule 4)."""
        aantal = suppress_count(self.aantal_trajecten, minimum=regels.minimum_celgrootte)
        return {"thema_id": self.thema_id, "naam": self.naam, "aantal_trajecten": aantal, "status": self.status}


def koppel_signaal(signaal: Signaal, themas: Sequence[Thema], *, regels: SignaleringRegels, nu: dt.datetime) -> None:
    """Link a released signal to themes (Signaal VRIJGEGEVEN|GEKOPPELD → GEKOPPELD) and count it in each theme,
    which may make a theme TERUGKEREND (§6 step 2: "Signals cluster into a thema")."""
    if not themas:
        raise RegelGeschonden("link to at least one theme", veld="themaIds")
    signaal.koppel(t.thema_id for t in themas)
    if signaal.traject_ref is None or signaal.vrijgegeven_op is None:  # only possible with inconsistent stored data
        raise RegelGeschonden("a linked signal must have been released", veld="trajectRef")
    for thema in themas:
        thema.registreer_signaal(signaal.signaal_id, signaal.ref_voor_thema(thema.thema_id) or "", signaal.vrijgegeven_op, regels=regels, nu=nu)


def controleer_unieke_naam(naam: str, bestaande: Iterable[str]) -> None:
    """A theme's name is unique, ignoring case and surrounding blanks: refused (field ``naam``) when one of the
    ``bestaande`` names is the same."""
    sleutel = naam.strip().casefold()
    if any(b.strip().casefold() == sleutel for b in bestaande):
        raise RegelGeschonden("a theme with this name exists", veld="naam")


def lerend_netwerk_backlog(themas: Iterable[Thema]) -> list[Thema]:
    """The lerend-netwerk backlog: the themes in BACKLOG, most distinct trajecten first, then the most recent
    signal first (themes without signals last), then by name (INFERRED ordering, §5.4 / §10 "stale BACKLOG")."""

    def sleutel(t: Thema) -> tuple[int, int, float, str]:
        recent = t.laatste_signaal_op
        return (-t.aantal_trajecten, recent is None, -recent.timestamp() if recent else 0.0, t.naam.casefold())

    return sorted((t for t in themas if t.status == ThemaStatus.BACKLOG), key=sleutel)
