"""Request and response models of the subscription API (camelCase on the wire)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from jeugdhulp_common.api import RequestBody, ResponseBody
from pydantic import AwareDatetime, Field

from webhooks.domain.abonnement import Abonnement, Status
from webhooks.domain.policy import Profiel

EventType = Annotated[str, Field(min_length=1, max_length=200)]
Url = Annotated[str, Field(min_length=8, max_length=2000)]
Omschrijving = Annotated[str, Field(max_length=500)]
LeveringStatus = Literal["PENDING", "DELIVERED", "FAILED"]


class NieuwAbonnement(RequestBody):
    url: Url
    event_types: list[EventType] = Field(default_factory=list, max_length=50, description="CloudEvents types; empty: all your profile may receive")
    description: Omschrijving = ""
    organisatie: Annotated[str, Field(min_length=1, max_length=300)] | None = Field(None, description="coördinator only; default: your own")
    profiel: Profiel | None = Field(None, description="PARTNER (default) or ACT (coördinator only)")


class Wijziging(RequestBody):
    url: Url | None = None
    event_types: list[EventType] | None = Field(None, max_length=50)
    description: Omschrijving | None = None


class Rotatie(RequestBody):
    overlap_seconds: int | None = Field(None, ge=0, le=7 * 24 * 3600, description="how long the previous secret still signs; default WEBHOOKS_SECRET_OVERLAP_HOURS")


class Herhaling(RequestBody):
    from_: AwareDatetime = Field(alias="from")
    until: AwareDatetime


class AbonnementUit(ResponseBody):
    id: uuid.UUID
    organisatie: str
    profiel: Profiel
    url: str
    event_types: list[str]
    description: str
    status: Status
    disabled_reason: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def van(cls, a: Abonnement, **extra: Any) -> Any:
        return cls(**{k: getattr(a, k) for k in AbonnementUit.model_fields}, **extra)


class NieuwAbonnementUit(AbonnementUit):
    secret: str = Field(description="the signing secret (whsec_…): shown once, store it now")


class RotatieUit(ResponseBody):
    secret: str = Field(description="the new signing secret: shown once")
    previous_secret_expires_at: dt.datetime


class PingUit(ResponseBody):
    webhook_id: str


class LeveringUit(ResponseBody):
    webhook_id: str
    event_id: uuid.UUID
    event_type: str
    status: LeveringStatus
    attempts: int
    occurred_at: dt.datetime
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None
    last_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: dt.datetime | None

    @classmethod
    def van(cls, row: Any) -> LeveringUit:
        return cls(**{k: getattr(row, k) for k in cls.model_fields})


class HerhalingUit(ResponseBody):
    requeued: int
