"""The signalering service: from the micro overleg to the lerend-netwerk and forum backlog."""

from pathlib import Path

from jeugdhulp_common.service import ServiceDefinition

definition = ServiceDefinition(
    name="signalering",
    root=Path(__file__).resolve().parents[1],
    description="Signals, themes, lerend netwerk, netwerkforum, beleidsaanbevelingen (domain spec §4.4–§4.7, §6).",
)
