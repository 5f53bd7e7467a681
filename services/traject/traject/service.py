"""The traject service: the life cycle of each traject (§4.2, §5.2) and the DIW-fonds (§4.8, §5.3)."""

from pathlib import Path

from jeugdhulp_common.service import Runtime, ServiceDefinition

from traject.entrypoints import historiek_api
from traject.entrypoints.api import router
from traject.service_layer.handlers import HANDLERS
from traject.service_layer.timers import evaluatie_timer
from traject.service_layer.unit_of_work import fabriek
from traject.settings import TrajectSettings


def _timer(rt: Runtime):
    s: TrajectSettings = rt.settings  # type: ignore[assignment]
    return evaluatie_timer(fabriek(rt.engine, s), batch=s.timer_batch_size, poll_seconds=s.timer_poll_seconds, diw_regels=s.diw_regels)


definition = ServiceDefinition(
    name="traject",
    root=Path(__file__).resolve().parents[1],
    settings_cls=TrajectSettings,
    routers=lambda rt: [router(rt), historiek_api.router(rt)],
    handlers=lambda rt: HANDLERS,
    background=lambda rt: [_timer(rt)],
    description="Traject life cycle (domain guide §4.2, §5.2) and DIW-fonds (§4.8, §5.3).",
)
