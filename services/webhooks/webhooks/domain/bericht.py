"""The webhook message (pure): a CloudEvents 1.0 JSON body (structured mode) and the Standard Webhooks headers.

Body::

    {"specversion": "1.0", "id": <event id>, "source": "/jeugdhulp/<producer>", "type": <CloudEvents type>,
     "subject": <aggregate id>, "time": <occurredAt>, "datacontenttype": "application/json",
     "schemaversion": <n>, "privacyclass": "Ps"|"A"|"P", "data": {...}}

``data`` is the event body without ``eventId``/``occurredAt`` (they are CloudEvents attributes), or, for a thin
event (:func:`webhooks.domain.policy.is_thin`), only its aggregate id. Headers: ``webhook-id`` (the same on every
retry of one message), ``webhook-timestamp`` (of the attempt) and ``webhook-signature`` (``v1,<base64 HMAC-SHA256>``,
one per valid secret, space-separated, so a receiver can switch secrets during a rotation's overlap).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import uuid
from collections.abc import Iterable

from standardwebhooks import Webhook

from jeugdhulp_common.events import SPECVERSION, Event, source_of

SECRET_PREFIX = "whsec_"
PING_TYPE = "be.jeugdhulp.webhooks.Ping"
_NAMESPACE = uuid.UUID("5d0c8a7e-2f55-4a53-9d1b-7c1f3f3c2a13")


def nieuw_geheim() -> str:
    """A signing secret in the Standard Webhooks format: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def webhook_id(subscription_id: uuid.UUID, event_id: uuid.UUID) -> str:
    """One message id per (subscription, event): a redelivery or a replay carries the same id."""
    return "msg_" + uuid.uuid5(_NAMESPACE, f"{subscription_id}:{event_id}").hex


def body(ev: Event, *, thin: bool) -> str:
    cls = type(ev)
    if thin:
        key_alias = cls.model_fields[cls.key_field].alias or cls.key_field
        data = {key_alias: ev.key}
    else:
        data = ev.model_dump(mode="json", by_alias=True, exclude={"event_id", "occurred_at"})
    return json.dumps(
        {
            "specversion": SPECVERSION,
            "id": str(ev.event_id),
            "source": source_of(ev.producer),
            "type": ev.event_type,
            "subject": ev.key,
            "time": ev.occurred_at.isoformat(),
            "datacontenttype": "application/json",
            "schemaversion": ev.schema_version,
            "privacyclass": ev.privacy.value,
            "data": data,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


def ping_body(subscription_id: uuid.UUID, ping_id: uuid.UUID, now: dt.datetime) -> str:
    return json.dumps(
        {
            "specversion": SPECVERSION,
            "id": str(ping_id),
            "source": "/jeugdhulp/webhooks",
            "type": PING_TYPE,
            "subject": str(subscription_id),
            "time": now.isoformat(),
            "datacontenttype": "application/json",
            "data": {"subscriptionId": str(subscription_id)},
        },
        separators=(",", ":"),
    )


def headers(msg_id: str, payload: str, secrets_: Iterable[str], now: dt.datetime) -> dict[str, str]:
    """The three Standard Webhooks headers, signed with every given secret."""
    ts = now.astimezone(dt.UTC)
    sigs = [Webhook(s).sign(msg_id, ts, payload) for s in secrets_]
    if not sigs:
        raise ValueError("no signing secret")
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(ts.timestamp())),
        "webhook-signature": " ".join(sigs),
        "content-type": "application/json",
    }
