"""A piece the pure-ASGI middlewares share (metrics, problems, tracing, audit)."""

from __future__ import annotations

from starlette.types import Message, Send


class ResponseStatus:
    """An ASGI ``send`` that passes every message on and remembers the response's status code (``status``: 0 until
    the response has started). A middleware hands it to the app in place of ``send`` and reads ``status`` after."""

    __slots__ = ("send", "status")

    def __init__(self, send: Send) -> None:
        self.send = send
        self.status = 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        await self.send(message)
