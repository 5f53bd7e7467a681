"""The webhooks service: a dispatcher from the public topics to integrators' HTTPS endpoints (Standard Webhooks).

Its consumer (group ``webhooks``, dead letters in ``jeugdhulp.webhooks.dlt``) reads only the topics of deliverable
event types; a background worker delivers; the API manages subscriptions."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from jeugdhulp_common.service import BackgroundTask, Runtime, ServiceDefinition
from jeugdhulp_common.settings import CommonSettings
from pydantic import Field, field_validator

from webhooks.adapters.http import Afzender
from webhooks.domain.adressen import Network, parse_networks
from webhooks.domain.retry import Schema
from webhooks.entrypoints.api import routers
from webhooks.service_layer.bezorging import Bezorger
from webhooks.service_layer.fanout import handlers


class WebhooksSettings(CommonSettings):
    """``WEBHOOKS_`` prefix (e.g. ``WEBHOOKS_ALLOWED_NETWORKS``)."""

    allowed_networks: str = Field("", description="comma-separated CIDRs that may receive despite being loopback/private (e.g. 127.0.0.1/32 in tests)")
    delivery_timeout_seconds: float = Field(10.0, gt=0, le=60)
    retry_base_seconds: float = Field(60.0, gt=0, description="first retry after about this long; doubles per attempt, ±20 % jitter")
    retry_max_delay_seconds: float = Field(12 * 3600.0, gt=0)
    retry_window_hours: float = Field(72.0, gt=0, description="give up this long after the first attempt")
    secret_overlap_hours: float = Field(24.0, ge=0, description="default time a rotated-out secret still signs")
    poll_seconds: float = Field(1.0, gt=0, description="how often the delivery worker looks for due deliveries when idle")
    batch_size: int = Field(20, ge=1, le=500)

    @field_validator("allowed_networks")
    @classmethod
    def _networks(cls, v: str) -> str:
        parse_networks(v)
        return v

    def allowed(self) -> tuple[Network, ...]:
        return parse_networks(self.allowed_networks)

    def schema(self) -> Schema:
        return Schema(base_seconds=self.retry_base_seconds, max_delay_seconds=self.retry_max_delay_seconds, window_seconds=self.retry_window_hours * 3600)


def background(rt: Runtime) -> Iterable[BackgroundTask]:
    s: WebhooksSettings = rt.settings  # type: ignore[assignment]

    async def bezorg(stop) -> None:  # noqa: ANN001
        afzender = Afzender(timeout=s.delivery_timeout_seconds, allowed=s.allowed())
        await Bezorger(rt.sessionmaker, afzender, schema=s.schema(), batch_size=s.batch_size, poll_seconds=s.poll_seconds).run(stop)

    return [bezorg]


definition = ServiceDefinition(
    name="webhooks",
    root=Path(__file__).resolve().parents[1],
    settings_cls=WebhooksSettings,
    routers=routers,
    handlers=lambda rt: handlers(),
    background=background,
    description="Subscriptions for integrators: signed webhooks (Standard Webhooks) scoped per organisation (domain guide §10).",
)
