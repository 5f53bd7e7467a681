"""Paging parameters, the same on every list endpoint (bounded: an offset past int64 used to be a 500)."""

from typing import Annotated

from fastapi import Query

MAX_OFFSET = 1_000_000

Limit = Annotated[int, Query(ge=1, le=200, description="page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]
