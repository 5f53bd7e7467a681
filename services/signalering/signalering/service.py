"""The signalering service: from the micro overleg to the lerend-netwerk and forum backlog."""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Iterable
from pathlib import Path

from jeugdhulp_common.service import BackgroundTask, Runtime, ServiceDefinition
from jeugdhulp_common.settings import CommonSettings
from pydantic import Field

from signalering import deidentificatie
from signalering.domain import SignaleringRegels
from signalering.entrypoints import rapportage_api
from signalering.entrypoints.api import routers
from signalering.service_layer import rapportage, usecases
from signalering.service_layer.intake import HANDLERS as INTAKE_HANDLERS
from signalering.service_layer.unit_of_work import SignaleringUnitOfWork

log = logging.getLogger(__name__)


class SignaleringSettings(CommonSettings):
    """``SIGNALERING_`` prefix (e.g. ``SIGNALERING_TERUGKEREND_VANAF_TRAJECTEN``)."""

    terugkerend_vanaf_trajecten: int = Field(2, ge=1, description="distinct trajecten before a theme is recurring (§5.4)")
    actiepunt_herinnering_na_dagen: int = Field(90, ge=1, description="an OPEN actiepunt is raised again after this many days")
    herinnering_interval_seconden: float = Field(3600.0, gt=0, description="how often the reminder timer looks for due actiepunten")
    minimum_celgrootte: int = Field(5, ge=1, le=100, description="counts shown outside the team below this are suppressed (0 stays 0)")

    def regels(self) -> SignaleringRegels:
        return SignaleringRegels(
            terugkerend_vanaf_trajecten=self.terugkerend_vanaf_trajecten,
            actiepunt_herinnering_na_dagen=self.actiepunt_herinnering_na_dagen,
            minimum_celgrootte=self.minimum_celgrootte,
        )


def background(rt: Runtime) -> Iterable[BackgroundTask]:
    settings: SignaleringSettings = rt.settings  # type: ignore[assignment]
    regels = settings.regels()

    async def actiepunt_herinneringen(stop: asyncio.Event) -> None:
        """Durable timer: all state is in the database (laatst_gesignaleerd_op), claimed FOR UPDATE SKIP LOCKED."""
        while not stop.is_set():
            try:
                while await usecases.herinner_actiepunten(SignaleringUnitOfWork(rt.engine, regels=regels)) >= 100:  # a full batch: more may be due
                    pass
            except Exception:  # noqa: BLE001 - logged, retried next period
                log.exception("actiepunt reminder run failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=settings.herinnering_interval_seconden)
            except TimeoutError:
                pass

    return [actiepunt_herinneringen]


HANDLERS = rapportage.combineer(INTAKE_HANDLERS, rapportage.HANDLERS)


async def rapportage_herbouw(rt: Runtime, args: argparse.Namespace) -> int:
    """``python -m signalering rapportage-herbouw``: rebuild the report read model from the event log."""
    aantal = await rapportage.herbouw(rt.sessionmaker, rt.settings.kafka)
    print(f"report read model rebuilt from {aantal} events")
    return 0


def _routers(rt: Runtime):  # noqa: ANN202
    deidentificatie.warm()  # the detector is loaded when the API is built, never on a request
    return routers(rt)


def _handlers(rt: Runtime):  # noqa: ANN202
    deidentificatie.warm()  # and before the consumer takes its first record
    return HANDLERS


definition = ServiceDefinition(
    name="signalering",
    root=Path(__file__).resolve().parents[1],
    settings_cls=SignaleringSettings,
    routers=lambda rt: [*_routers(rt), *rapportage_api.routers(rt)],
    handlers=_handlers,
    extra_commands={"rapportage-herbouw": rapportage_herbouw},
    background=background,
    description="Signals, themes, lerend netwerk, netwerkforum, beleidsaanbevelingen (domain guide §4.4–§4.7, §6).",
)
