"""Answers to the Bijlage 4 questions and what they become (domain guide §6.1, §7, §9 rule 2).

Answers to questions with a ``signaal`` mapping (E5a, E5c, E5d, E5e) and to E7b become
:class:`KandidaatSignaal`; answers to E7a become thema-voorstellen. Nothing here is released: the
samenwerkingsoverleg event goes to signalering, where a person de-identifies and releases (§9 rule 2).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from jeugdhulp_common.contracts.traject import Antwoord, KandidaatSignaal
from jeugdhulp_common.contracts.vocabulary import BlokkadeStatus, SignaalSoort
from jeugdhulp_common.domain import OngeldigeInvoer

from traject.domain.bijlage4 import VRAGEN, AntwoordType, Sectie, Uitvoer
from traject.domain.toestanden import TrajectStatus


@dataclass(frozen=True)
class VraagAntwoord:
    """One answer to one Bijlage 4 question.

    ``blokkade_status`` is required for E3/E4 (type blokkadeStatus), where ``tekst`` is an optional comment;
    every other question needs a ``tekst``. ``soort`` lets the planmaker tag the signal soort of an answer
    to a signal question (one of that question's soorten; default from the mapping, §7).
    A question may be answered more than once (several drempels, several themes), E3/E4 only once.
    """

    vraag_id: str
    tekst: str | None = None
    blokkade_status: BlokkadeStatus | None = None
    soort: SignaalSoort | None = None

    def als_contract(self) -> Antwoord:
        return Antwoord(vraag_id=self.vraag_id, tekst=self.tekst, blokkade_status=self.blokkade_status)


def valideer_antwoorden(sectie: Sectie, antwoorden: Sequence[VraagAntwoord], *, veld: str = "antwoorden") -> None:
    """Refuse unknown question ids, wrongly typed answers and tags that do not fit (§7).

    Raises :class:`OngeldigeInvoer` (422) with ``veld`` like ``antwoorden[2].blokkadeStatus``; never quotes values.
    """
    vragen = VRAGEN[sectie]
    eenmalig_gezien: set[str] = set()
    for i, a in enumerate(antwoorden):
        pad = f"{veld}[{i}]"
        vraag = vragen.get(a.vraag_id)
        if vraag is None:
            raise OngeldigeInvoer(f"{pad}.vraagId", f"unknown question id for section {sectie.value}")
        if vraag.type is AntwoordType.BLOKKADE_STATUS:
            if not isinstance(a.blokkade_status, BlokkadeStatus):
                raise OngeldigeInvoer(f"{pad}.blokkadeStatus", "this question takes a blokkadeStatus")
            if vraag.id in eenmalig_gezien:
                raise OngeldigeInvoer(f"{pad}.vraagId", "this question takes a single answer")
            eenmalig_gezien.add(vraag.id)
        else:
            if a.blokkade_status is not None:
                raise OngeldigeInvoer(f"{pad}.blokkadeStatus", "only E3/E4 take a blokkadeStatus")
            if a.tekst is None or not a.tekst.strip():
                raise OngeldigeInvoer(f"{pad}.tekst", "an answer needs a text")
        if a.soort is not None and a.soort not in vraag.kandidaat_soorten:
            raise OngeldigeInvoer(f"{pad}.soort", "this signal soort does not fit the question")


def kandidaat_signalen(antwoorden: Sequence[VraagAntwoord]) -> list[KandidaatSignaal]:
    """The candidate signals among (validated) einde answers: E5a (DREMPEL, or GOEDE_PRAKTIJK if tagged),
    E5c KNELPUNT, E5d GROEIMOGELIJKHEID, E5e GOEDE_PRAKTIJK, E7b BRIEF_NAAR_BRUSSEL (§7, §6 "Shortcut")."""
    vragen = VRAGEN[Sectie.EINDE]
    uit: list[KandidaatSignaal] = []
    for a in antwoorden:
        standaard = vragen[a.vraag_id].standaard_soort
        if standaard is None or not a.tekst:
            continue
        uit.append(KandidaatSignaal(vraag_id=a.vraag_id, soort=a.soort or standaard, tekst=a.tekst))
    return uit


def thema_voorstellen(antwoorden: Sequence[VraagAntwoord]) -> list[str]:
    """The answers to E7a "Welke thema’s nemen wij zeker mee naar ons lerend netwerk?" (§7 output themaIds[])."""
    vragen = VRAGEN[Sectie.EINDE]
    return [a.tekst for a in antwoorden if vragen[a.vraag_id].output is Uitvoer.THEMA_IDS and a.tekst]


def blokkade_antwoord(antwoorden: Sequence[VraagAntwoord], vraag_id: str) -> BlokkadeStatus | None:
    """The blokkadeStatus answered to E3 ("Situatie vroeger") or E4 ("Situatie nu"), if any."""
    for a in antwoorden:
        if a.vraag_id == vraag_id:
            return a.blokkade_status
    return None


@dataclass(frozen=True)
class SamenwerkingsoverlegEinde:
    """A held samenwerkingsoverleg at the end of a traject (§4.3 SAMENWERKINGSOVERLEG_EINDE)."""

    overleg_id: uuid.UUID
    datum: dt.date
    antwoorden: tuple[VraagAntwoord, ...] = ()

    @property
    def kandidaat_signalen(self) -> list[KandidaatSignaal]:
        return kandidaat_signalen(self.antwoorden)

    @property
    def thema_voorstellen(self) -> list[str]:
        return thema_voorstellen(self.antwoorden)

    @property
    def situatie_vroeger(self) -> BlokkadeStatus | None:
        return blokkade_antwoord(self.antwoorden, "E3")

    @property
    def situatie_nu(self) -> BlokkadeStatus | None:
        return blokkade_antwoord(self.antwoorden, "E4")

    @property
    def afrondingsafspraken(self) -> list[str]:
        """Answers to the question that feeds AFGEROND (E6d3 "Welke afspraken maken we hierrond?")."""
        vragen = VRAGEN[Sectie.EINDE]
        return [a.tekst for a in self.antwoorden if vragen[a.vraag_id].feeds is TrajectStatus.AFGEROND and a.tekst]
