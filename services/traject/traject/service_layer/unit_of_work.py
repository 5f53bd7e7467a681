"""The traject service's unit of work: the shared :class:`~jeugdhulp_common.unit_of_work.UnitOfWork` with its two
repositories (see that module for what a unit of work does at the end of its block)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from jeugdhulp_common.auth import Principal
from jeugdhulp_common.unit_of_work import UnitOfWork

from traject.adapters.repository import DIWRepository, TrajectRepository
from traject.domain import STANDAARD_DIW_REGELS, DIWFondsRegels
from traject.settings import TrajectSettings

TRAJECT = "Traject"
DIW_AANVRAAG = "DIWFondsAanvraag"


class TrajectUnitOfWork(UnitOfWork):
    """``diw_regels``: the configured fund rules, which the DIW repository needs for the evaluation schedule it
    keeps next to each aanvraag (the schedule itself is the domain's, :meth:`DIWFondsAanvraag.volgende_evaluatiedatum`)."""

    repositories = {"trajecten": TrajectRepository, "diw_aanvragen": DIWRepository}
    trajecten: TrajectRepository
    diw_aanvragen: DIWRepository

    def __init__(self, *args: Any, diw_regels: DIWFondsRegels = STANDAARD_DIW_REGELS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.diw_regels = diw_regels

    def _open(self, session: AsyncSession, *, defer: bool = True) -> None:
        super()._open(session, defer=defer)
        self.diw_aanvragen.regels = self.diw_regels


def fabriek(engine: AsyncEngine, settings: TrajectSettings) -> Callable[..., TrajectUnitOfWork]:
    """A new unit of work per call (``principal`` optional: the timers have none) on the service's database, with
    the network's clock (its time zone from the settings) and the configured fund rules."""

    def nieuw(principal: Principal | None = None) -> TrajectUnitOfWork:
        return TrajectUnitOfWork(engine, principal=principal, klok=settings.klok, diw_regels=settings.diw_regels)

    return nieuw
