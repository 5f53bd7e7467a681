"""The signalering unit of work: :class:`jeugdhulp_common.unit_of_work.UnitOfWork` with signalering's repositories
(see there for what a unit of work does at commit) and its rules (:class:`SignaleringRegels`)."""

from __future__ import annotations

from typing import Any

from jeugdhulp_common.unit_of_work import UnitOfWork

from signalering.adapters.repository import (
    ActiepuntRepository,
    AanbevelingRepository,
    ForumRepository,
    Geheimen,
    SessieRepository,
    SignaalRepository,
    TafelRepository,
    TerugkoppelingRepository,
    ThemaRepository,
)
from signalering.domain import SignaleringRegels
from signalering.domain.regels import STANDAARD_REGELS


class SignaleringUnitOfWork(UnitOfWork):
    repositories = {
        "signalen": SignaalRepository,
        "themas": ThemaRepository,
        "sessies": SessieRepository,
        "fora": ForumRepository,
        "tafels": TafelRepository,
        "actiepunten": ActiepuntRepository,
        "aanbevelingen": AanbevelingRepository,
        "terugkoppelingen": TerugkoppelingRepository,
        "geheimen": Geheimen,
    }
    signalen: SignaalRepository
    themas: ThemaRepository
    sessies: SessieRepository
    fora: ForumRepository
    tafels: TafelRepository
    actiepunten: ActiepuntRepository
    aanbevelingen: AanbevelingRepository
    terugkoppelingen: TerugkoppelingRepository
    geheimen: Geheimen

    def __init__(self, *args: Any, regels: SignaleringRegels = STANDAARD_REGELS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.regels = regels
