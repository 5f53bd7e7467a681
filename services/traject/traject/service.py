"""The traject service: the life cycle of each traject."""

from pathlib import Path

from jeugdhulp_common.service import ServiceDefinition

from traject.service_layer.handlers import HANDLERS

definition = ServiceDefinition(
    name="traject",
    root=Path(__file__).resolve().parents[1],
    handlers=lambda rt: HANDLERS,
    description="Traject life cycle (domain spec §4.2, §5.2).",
)
