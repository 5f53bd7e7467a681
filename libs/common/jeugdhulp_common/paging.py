"""Paging, the same on every list endpoint: the bounded query parameters (an offset past int64 used to be a 500)
and the one envelope, :class:`Page`."""

from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

T = TypeVar("T")

MAX_OFFSET = 1_000_000

Limit = Annotated[int, Query(ge=1, le=200, description="page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]


class Page(BaseModel, Generic[T]):
    """The one page envelope of every list endpoint: ``items`` in the list's order, ``total`` matching the filter."""

    items: list[T]
    total: int = Field(ge=0, description="number of items matching the filter, over all pages")
    limit: int
    offset: int
