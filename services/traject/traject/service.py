"""The traject service: the life cycle of each traject (§4.2, §5.2) and the DIW-fonds (§4.8, §5.3)."""

from pathlib import Path

from jeugdhulp_common.service import Runtime, ServiceDefinition

from traject.entrypoints import historiek_api
from traject.entrypoints.api import router
from traject.service_layer.handlers import HANDLERS
from traject.service_layer.timers import evaluatie_timer
from traject.service_layer.unit_of_work import Context
from traject.settings import TrajectSettings


def _context(rt: Runtime) -> Context:
    """The use cases' context: derived from the runtime (the database and the configured rules), nothing cached."""
    return Context(rt.sessionmaker, rt.settings)  # type: ignore[arg-type]


definition = ServiceDefinition(
    name="traject",
    root=Path(__file__).resolve().parents[1],
    settings_cls=TrajectSettings,
    routers=lambda rt: [router(rt, _context(rt)), historiek_api.router(rt, _context(rt))],
    handlers=lambda rt: HANDLERS,
    background=lambda rt: [evaluatie_timer(_context(rt))],
    description="Traject life cycle (domain guide §4.2, §5.2) and DIW-fonds (§4.8, §5.3).",
)
