"""Shared pieces of every service's HTTP schema: request/response model bases and problem responses."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError


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
