"""Postgres LISTEN/NOTIFY for a service process: one dedicated asyncpg connection that listens on a few channels.

Triggers in every service's database (see :func:`jeugdhulp_common.migrations.create_notify_triggers`) notify

* ``jh_outbox`` after rows are inserted into the outbox (delivered when that transaction commits): the relay
  wakes at once instead of waiting for its next poll;
* ``jh_credential`` (payload: the credential id) after an API credential is updated or deleted (revocation):
  every instance drops that credential from its cache of verified keys.

Notifications are delivered only while the connection is up; what is sent meanwhile is lost. So callers get
told (``on_connect`` / ``on_disconnect``) and must not rely on notifications while disconnected: the relay keeps
polling, the credential cache is cleared and switched off until the listener is back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import asyncpg
from opentelemetry.instrumentation.utils import suppress_instrumentation

log = logging.getLogger(__name__)

OUTBOX_CHANNEL = "jh_outbox"
CREDENTIAL_CHANNEL = "jh_credential"


def asyncpg_dsn(database_url: str) -> str:
    """``postgresql+asyncpg://…`` (SQLAlchemy) → ``postgresql://…`` (asyncpg)."""
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


class Listener:
    def __init__(self, database_url: str, *, reconnect_max_seconds: float = 5.0) -> None:
        self.dsn = asyncpg_dsn(database_url)
        self.reconnect_max_seconds = reconnect_max_seconds
        self._callbacks: dict[str, list[Callable[[str], None]]] = {}
        self._connect_hooks: list[Callable[[], None]] = []
        self._disconnect_hooks: list[Callable[[], None]] = []
        self.connected = False

    def on(self, channel: str, callback: Callable[[str], None]) -> None:
        """Call ``callback(payload)`` for every notification on ``channel`` (register before :meth:`run`)."""
        self._callbacks.setdefault(channel, []).append(callback)

    def wake_event(self, channel: str) -> asyncio.Event:
        """An event set by every notification on ``channel`` and on every (re)connect (something may have been missed)."""
        event = asyncio.Event()
        self.on(channel, lambda _payload: event.set())
        self.on_connect(event.set)
        return event

    def on_connect(self, hook: Callable[[], None]) -> None:
        self._connect_hooks.append(hook)

    def on_disconnect(self, hook: Callable[[], None]) -> None:
        self._disconnect_hooks.append(hook)

    def _set_connected(self, up: bool) -> None:
        self.connected = up
        for hook in self._connect_hooks if up else self._disconnect_hooks:
            hook()

    async def run(self, stop: asyncio.Event) -> None:
        """Listen until ``stop``; reconnect with backoff when the connection drops (database restart)."""
        if not self._callbacks:
            await stop.wait()
            return
        backoff = 0.1
        while not stop.is_set():
            conn = None
            lost = asyncio.Event()
            try:
                conn = await asyncpg.connect(self.dsn, timeout=5)
                conn.add_termination_listener(lambda _c: lost.set())
                for channel, callbacks in self._callbacks.items():
                    await conn.add_listener(channel, self._dispatch(callbacks))
                self._set_connected(True)
                backoff = 0.1
                done = asyncio.ensure_future(stop.wait())
                gone = asyncio.ensure_future(lost.wait())
                try:
                    # A connection can also die silently: check it now and then.
                    while not (done.done() or gone.done()):
                        await asyncio.wait({done, gone}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
                        if not (done.done() or gone.done()):
                            with suppress_instrumentation():
                                await conn.execute("SELECT 1", timeout=5)
                finally:
                    done.cancel()
                    gone.cancel()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the database may be away; keep trying
                log.warning("notification listener disconnected, retrying", extra={"error": type(exc).__name__})
            finally:
                if self.connected:
                    self._set_connected(False)
                if conn is not None:
                    conn.terminate()
            if not stop.is_set():
                try:
                    await asyncio.wait_for(stop.wait(), timeout=backoff)
                except TimeoutError:
                    pass
                backoff = min(backoff * 2, self.reconnect_max_seconds)

    @staticmethod
    def _dispatch(callbacks: list[Callable[[str], None]]) -> Callable[..., None]:
        def handle(_conn: object, _pid: int, _channel: str, payload: str) -> None:
            for cb in callbacks:
                cb(payload)

        return handle
