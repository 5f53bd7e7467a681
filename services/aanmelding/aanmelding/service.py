"""The aanmelding (intake) service: partners post aanmeldingen; screening, team decision, instemming."""

from pathlib import Path

from jeugdhulp_common.service import ServiceDefinition

from aanmelding.entrypoints import api, historiek_api
from aanmelding.settings import AanmeldingSettings

definition = ServiceDefinition(
    name="aanmelding",
    root=Path(__file__).resolve().parents[1],
    settings_cls=AanmeldingSettings,
    routers=lambda rt: [api.router(rt), historiek_api.router(rt)],
    description="Intake of aanmeldingen from partner organisations (domain guide §4.1, §5.1).",
)
