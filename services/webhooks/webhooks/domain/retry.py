"""Delivery outcomes and the retry schedule (Standard Webhooks: at-least-once, exponential backoff with jitter over
about three days, ``Retry-After`` honoured, 410 Gone disables the endpoint). Pure: the clock and the random source are
parameters."""

from __future__ import annotations

import datetime as dt
import email.utils
import random
from dataclasses import dataclass
from enum import StrEnum


class Uitkomst(StrEnum):
    DELIVERED = "DELIVERED"  # 2xx
    RETRY = "RETRY"  # anything else, within the retry window
    FAILED = "FAILED"  # the retry window is over
    DISABLE = "DISABLE"  # 410 Gone: the receiver asks us to stop; the subscription is disabled


@dataclass(frozen=True)
class Schema:
    base_seconds: float = 60.0  # first retry after about this long
    max_delay_seconds: float = 12 * 3600.0  # no wait longer than this
    window_seconds: float = 72 * 3600.0  # give up this long after the first attempt
    jitter: float = 0.2  # ± this fraction of each delay

    def delay(self, attempts: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt (1-based): base·2^(n-1), capped, ± jitter."""
        raw = min(self.max_delay_seconds, self.base_seconds * (2 ** max(0, min(attempts - 1, 40))))
        r = (rng or random).uniform(-self.jitter, self.jitter)
        return max(0.0, raw * (1 + r))


def retry_after_seconds(value: str | None, now: dt.datetime) -> float | None:
    """``Retry-After``: delta-seconds or an HTTP date (RFC 9110 §10.2.3); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class Besluit:
    uitkomst: Uitkomst
    next_attempt_at: dt.datetime | None = None


def beslis(
    *,
    status_code: int | None,
    retry_after: str | None,
    attempts: int,
    window_started_at: dt.datetime,
    now: dt.datetime,
    schema: Schema,
    rng: random.Random | None = None,
) -> Besluit:
    """What to do after an attempt. ``status_code`` None: no response (timeout, refused, blocked address)."""
    if status_code is not None and 200 <= status_code < 300:
        return Besluit(Uitkomst.DELIVERED)
    if status_code == 410:
        return Besluit(Uitkomst.DISABLE)
    wait = schema.delay(attempts, rng)
    asked = retry_after_seconds(retry_after, now)
    if asked is not None:
        wait = min(max(wait, asked), schema.max_delay_seconds)
    at = now + dt.timedelta(seconds=wait)
    if at > window_started_at + dt.timedelta(seconds=schema.window_seconds):
        return Besluit(Uitkomst.FAILED)
    return Besluit(Uitkomst.RETRY, at)
