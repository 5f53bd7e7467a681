"""The Signaal aggregate (§4.4, §6 steps 1–2, §9 rule 2).

A signal starts as a CONCEPT made from a ``KandidaatSignaal`` of a ``SamenwerkingsoverlegGehouden`` (the
traject's ``IdentificerendeGegevens`` are kept alongside, internally) or as a ``BRIEF_NAAR_BRUSSEL`` (Bijlage 4
q7b, §6 "Shortcut"). A person edits the text and releases it; release is refused while the detector still finds
personal data. Release emits ``SignaalVrijgegeven`` with a salted ``traject_ref``, never the traject id, and drops
the traject id and the identifying data (INFERRED: data minimisation, they are of no use after release).
Linking to themes: VRIJGEGEVEN → GEKOPPELD.

    CONCEPT ─bewerken→ CONCEPT ─vrijgeven→ VRIJGEGEVEN ─koppelen→ GEKOPPELD ─koppelen→ GEKOPPELD
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from jeugdhulp_common.contracts.signalering import SignaalVrijgegeven
from jeugdhulp_common.contracts.traject import (
    IdentificerendeGegevens,
    KandidaatSignaal,
    SamenwerkingsoverlegGehouden,
    SamenwerkingsoverlegGehoudenV1,
    SamenwerkingsoverlegGehoudenV2,
)
from jeugdhulp_common.contracts.vocabulary import Niveau, OverlegSoort, Sector, SignaalSoort
from jeugdhulp_common.domain import Aggregaat, Overgangen, RegelGeschonden

from signalering.domain._basis import tijdstip, verplichte_tekst
from signalering.domain.persoonsgegevens import DetectieContext, PersoonsgegevenSoort, detecteer, omschrijving, soorten
from signalering.domain.pseudoniem import afgeleide_id, signaal_ref, thema_traject_ref, traject_ref
from signalering.domain.vocabulaire import SignaalStatus, niveau_van_overleg


# every version of the overleg event signalering still consumes
Overleg = SamenwerkingsoverlegGehouden | SamenwerkingsoverlegGehoudenV2 | SamenwerkingsoverlegGehoudenV1


class SignaalActie(StrEnum):
    BEWERKEN = "BEWERKEN"
    VRIJGEVEN = "VRIJGEVEN"
    KOPPELEN = "KOPPELEN"


SIGNAAL_OVERGANGEN: Overgangen[SignaalStatus, SignaalActie] = Overgangen(
    "Signaal",
    {
        (SignaalStatus.CONCEPT, SignaalActie.BEWERKEN): SignaalStatus.CONCEPT,
        (SignaalStatus.CONCEPT, SignaalActie.VRIJGEVEN): SignaalStatus.VRIJGEGEVEN,
        (SignaalStatus.VRIJGEGEVEN, SignaalActie.KOPPELEN): SignaalStatus.GEKOPPELD,
        # INFERRED: a linked signal may be linked to one more theme later.
        (SignaalStatus.GEKOPPELD, SignaalActie.KOPPELEN): SignaalStatus.GEKOPPELD,
    },
)


class PersoonsgegevensGevonden(RegelGeschonden):
    """Release refused: the text still holds personal data. ``soorten`` names the kinds, never the data (also a
    member of the problem answered)."""

    slug = "persoonsgegevens"

    def __init__(self, gevonden: Sequence[PersoonsgegevenSoort], veld: str = "tekst") -> None:
        super().__init__(
            ("the text" if veld == "tekst" else f"'{veld}'")
            + " still contains personal data: "
            + ", ".join(omschrijving(s) for s in gevonden)
            + "; remove it before release",
            veld=veld,
            extra={"soorten": [s.value for s in gevonden]},
        )
        self.soorten = tuple(gevonden)


@dataclass(eq=False)
class Signaal(Aggregaat):
    """A signal. The constructor restores stored fields and never emits.

    ``traject_id`` and ``identificerend`` are set only while CONCEPT (internal to signalering, never in an
    event); ``traject_ref`` is set from release on.
    """

    signaal_id: uuid.UUID
    soort: SignaalSoort
    bron_overleg_soort: OverlegSoort
    tekst: str
    status: SignaalStatus = SignaalStatus.CONCEPT
    bron_niveau: Niveau = Niveau.MICRO
    bron_vraag_id: str | None = None
    traject_id: uuid.UUID | None = None
    identificerend: IdentificerendeGegevens | None = None
    traject_ref: str | None = None
    traject_sleutel: str | None = None  # HMAC(salt, traject id): internal, never in an event (refs per theme)
    thema_voorstellen: list[str] = field(default_factory=list)
    thema_ids: list[uuid.UUID] = field(default_factory=list)
    levensdomeinen: list[str] = field(default_factory=list)
    sectoren: list[Sector] = field(default_factory=list)
    vrijgegeven_op: dt.datetime | None = None

    # ------------------------------------------------------------------ creation

    @classmethod
    def uit_kandidaat(
        cls, signaal_id: uuid.UUID, overleg: Overleg, kandidaat: KandidaatSignaal, identificerend: IdentificerendeGegevens | None = None
    ) -> Signaal:
        """A CONCEPT from one candidate of a samenwerkingsoverleg (§6 step 1, §7 q5a–5f, 7a–7b). Emits nothing:
        a concept is internal until a person releases it. ``identificerend``: the overleg's, when already converted (the
        candidates of one overleg share it)."""
        return cls(
            signaal_id=signaal_id,
            soort=kandidaat.soort,
            bron_overleg_soort=overleg.soort,
            bron_niveau=niveau_van_overleg(overleg.soort),
            bron_vraag_id=kandidaat.vraag_id,
            tekst=kandidaat.tekst,
            traject_id=overleg.traject_id,
            # version 3 carries no names (traject masked them); older versions still bring theirs for the gate
            identificerend=identificerend if identificerend is not None else _identificerend(overleg),
            thema_voorstellen=list(overleg.thema_voorstellen),
        )

    @classmethod
    def brief_naar_brussel(
        cls,
        signaal_id: uuid.UUID,
        traject_id: uuid.UUID,
        bron_overleg_soort: OverlegSoort,
        tekst: str,
        identificerend: IdentificerendeGegevens | None = None,
    ) -> Signaal:
        """A "brief naar Brussel" (Bijlage 4 q7b): a micro meeting addresses policy directly, "still routed via
        de-identification" (§6 Shortcut). Starts as CONCEPT like any signal."""
        return cls(
            signaal_id=signaal_id,
            soort=SignaalSoort.BRIEF_NAAR_BRUSSEL,
            bron_overleg_soort=bron_overleg_soort,
            bron_niveau=niveau_van_overleg(bron_overleg_soort),
            tekst=tekst,
            traject_id=traject_id,
            identificerend=identificerend,
        )

    # ------------------------------------------------------------------ actions

    def bewerk(
        self,
        *,
        tekst: str | None = None,
        levensdomeinen: Iterable[str] | None = None,
        sectoren: Iterable[Sector] | None = None,
    ) -> None:
        """A person edits the concept (§9 rule 2: "The planmaker removes names, … exact dates, ages …")."""
        self.status = SIGNAAL_OVERGANGEN.volgende(self.status, SignaalActie.BEWERKEN)
        if tekst is not None:
            self.tekst = tekst
        if levensdomeinen is not None:
            self.levensdomeinen = list(dict.fromkeys(levensdomeinen))
        if sectoren is not None:
            self.sectoren = list(dict.fromkeys(sectoren))

    def persoonsgegevens(self) -> tuple[PersoonsgegevenSoort, ...]:
        """The kinds of personal data still detected in the text (empty = releasable). Usable as a preview."""
        return soorten(detecteer(self.tekst, DetectieContext.uit_identificerend(self.identificerend)))

    def persoonsgegevens_per_veld(self) -> dict[str, tuple[PersoonsgegevenSoort, ...]]:
        """Every free-text field that crosses to meso with ``SignaalVrijgegeven`` (``tekst``, each of
        ``levensdomeinen``), field by field: the kinds still found (fields without findings are left out)."""
        context = DetectieContext.uit_identificerend(self.identificerend)
        velden = {"tekst": [self.tekst], "levensdomeinen": list(self.levensdomeinen)}
        uit = {}
        for veld, teksten in velden.items():
            gevonden = soorten(v for t in teksten for v in detecteer(t, context))
            if gevonden:
                uit[veld] = gevonden
        return uit

    def vrijgeven(self, *, salt: bytes, nu: dt.datetime) -> None:
        """Release (§9 rule 2): refused with :class:`PersoonsgegevensGevonden` (a ``RegelGeschonden``,
        ``veld="tekst"``) while the text holds detectable personal data. Emits ``SignaalVrijgegeven`` with
        an unlinkable ``traject_ref``: keyed per theme (the first theme, if linked at release) or per signal, so a
        meso reader cannot group one child's signals across themes (§9 rule 3); the traject's own key stays
        internal for counting distinct trajecten per theme (:meth:`ref_voor_thema`)."""
        nieuw = SIGNAAL_OVERGANGEN.volgende(self.status, SignaalActie.VRIJGEVEN)
        tekst = verplichte_tekst(self.tekst, "tekst")
        for veld, gevonden in self.persoonsgegevens_per_veld().items():
            raise PersoonsgegevensGevonden(gevonden, veld)
        if self.traject_id is None:
            raise RegelGeschonden("a signal needs its traject to be released", veld="trajectRef")
        self.traject_sleutel = traject_ref(self.traject_id, salt)
        self.traject_ref = (
            thema_traject_ref(self.traject_sleutel, self.thema_ids[0]) if self.thema_ids else signaal_ref(self.signaal_id, salt)
        )
        self.tekst = tekst
        self.status = nieuw
        self.vrijgegeven_op = tijdstip(nu)
        self.traject_id = None
        self.identificerend = None
        self._emit(
            SignaalVrijgegeven(
                occurred_at=nu,
                signaal_id=self.signaal_id,
                soort=self.soort,
                tekst=self.tekst,
                bron_overleg_soort=self.bron_overleg_soort,
                traject_ref=self.traject_ref,
                thema_ids=list(self.thema_ids),
                levensdomeinen=list(self.levensdomeinen),
                sectoren=list(self.sectoren),
            )
        )

    def ref_voor_thema(self, thema_id: uuid.UUID) -> str | None:
        """The traject's reference within one theme (counts distinct trajecten there). Signals released before
        per-theme refs existed keep their old ``traject_ref``."""
        if self.traject_sleutel is None:
            return self.traject_ref
        return thema_traject_ref(self.traject_sleutel, thema_id)

    def koppel(self, thema_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
        """Link to themes (VRIJGEGEVEN|GEKOPPELD → GEKOPPELD). Returns the ids that are new for this signal.
        Use :func:`signalering.domain.thema.koppel_signaal` to also count the signal in the themes."""
        nieuw_status = SIGNAAL_OVERGANGEN.volgende(self.status, SignaalActie.KOPPELEN)
        ids = list(dict.fromkeys(thema_ids))
        if not ids:
            raise RegelGeschonden("link to at least one theme", veld="themaIds")
        nieuw = [t for t in ids if t not in self.thema_ids]
        self.thema_ids.extend(nieuw)
        self.status = nieuw_status
        return nieuw


def _identificerend(overleg: Overleg) -> IdentificerendeGegevens:
    """What the gate of a concept from ``overleg`` must recognise: versions 1 and 2 carry it as is (a frozen model), version
    3 without names (validated into the older form, every field given: no default copied)."""
    gegevens = overleg.identificerend
    if isinstance(gegevens, IdentificerendeGegevens):
        return gegevens
    return IdentificerendeGegevens.model_validate({"namen": [], **dict(gegevens)})


def signalen_uit_overleg(overleg: Overleg, *, salt: bytes) -> list[Signaal]:
    """One CONCEPT per ``KandidaatSignaal`` of a samenwerkingsoverleg. The ids are derived from the overleg id
    and the candidate's position with the salt (:func:`afgeleide_id`): consuming the same message twice gives
    the same signals, and the released id cannot be linked back to the micro overleg."""
    identificerend = _identificerend(overleg)
    overleg_id = str(overleg.overleg_id)
    return [
        Signaal.uit_kandidaat(afgeleide_id(salt, "signaal", overleg_id, str(i), kandidaat.vraag_id), overleg, kandidaat, identificerend)
        for i, kandidaat in enumerate(overleg.kandidaat_signalen)
    ]
