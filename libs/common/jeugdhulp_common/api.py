"""Shared pieces of every service's HTTP schema: request/response model bases and problem responses."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jeugdhulp_common.problems import problem


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_has_nul(v) for v in value)
    return False


class RequestBody(BaseModel):
    """Base of every request body: camelCase, unknown fields refused, no NUL characters in any text
    (Postgres cannot store them; refused as a 422 naming the field instead of failing later)."""

    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul_characters(cls, value: object) -> object:
        if _has_nul(value):
            raise PydanticCustomError("nul_character", "text may not contain NUL (\\u0000) characters")
        return value


class ResponseBody(BaseModel):
    """Base of every response body: camelCase."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Problem(BaseModel):
    """RFC 9457 problem details (``application/problem+json``)."""

    class Veld(BaseModel):
        field: str
        type: str
        message: str

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[Veld] | None = Field(None, description="One entry per wrong field")


DEFAULT_DESCRIPTIONS = {
    401: "No, malformed, unknown or revoked API key",
    403: "The caller's role may not do this",
    404: "Not found, or not visible to the caller's organisation",
    409: "Not allowed in the current state, or a domain rule refuses it (`errors[].field` names the field)",
    422: "Invalid request: `errors[].field` names each wrong field",
}


def problem_responses(*codes: int, descriptions: dict[int, str] | None = None) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` for problem+json answers."""
    texts = DEFAULT_DESCRIPTIONS | (descriptions or {})
    return {
        c: {
            "model": Problem,
            "description": texts[c],
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for c in codes
    }


class BodyTooLarge(HTTPException):
    """A streamed body passed the limit (an HTTPException so FastAPI's body parsing lets it through as 413)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, "Content too large")  # the title of the problem (see problems._http)
        self.max_bytes = max_bytes


class BodySizeLimit:
    """ASGI middleware: refuses a request body larger than ``max_bytes`` with 413 problem+json.

    A ``Content-Length`` above the limit is answered at once, before a byte of the body is read; a chunked
    body is counted as it arrives and refused as soon as it passes the limit. Nothing beyond the limit is
    ever held in memory. After the answer is on the wire, what the client still sends is read and dropped
    for at most ``linger_seconds`` / ``linger_bytes`` (a "lingering close", as web servers do): closing a
    socket with unread data resets the connection, and the client would lose the 413 it was sent.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, linger_seconds: float = 2.0, linger_bytes: int = 64 * 1024 * 1024) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.linger_seconds = linger_seconds
        self.linger_bytes = linger_bytes

    async def _linger(self, receive: Receive) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.linger_seconds
        dropped = 0
        while dropped < self.linger_bytes and (left := deadline - loop.time()) > 0:
            try:
                message = await asyncio.wait_for(receive(), timeout=left)
            except TimeoutError:
                return
            if message["type"] != "http.request":
                return
            dropped += len(message.get("body", b""))
            if not message.get("more_body", False):
                return

    async def _finish_lingering(self, send: Send, receive: Receive, body: bytes) -> None:
        await send({"type": "http.response.body", "body": body, "more_body": True})
        await self._linger(receive)
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_large = int(value) > self.max_bytes
                except ValueError:
                    too_large = False
                if too_large:
                    resp = problem(413, "Content too large", f"request bodies are limited to {self.max_bytes} bytes")
                    resp.headers["Connection"] = "close"
                    await send({"type": "http.response.start", "status": 413, "headers": resp.raw_headers})
                    await self._finish_lingering(send, receive, bytes(resp.body))
                    return
        received = 0
        exceeded = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def lingering_send(message: Message) -> None:
            if exceeded and message["type"] == "http.response.body" and not message.get("more_body", False):
                await self._finish_lingering(send, receive, message.get("body", b""))
                return
            await send(message)

        await self.app(scope, counting_receive, lingering_send)
