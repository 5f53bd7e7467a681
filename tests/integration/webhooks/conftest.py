from __future__ import annotations

from collections.abc import Iterator

import pytest

from webhooks_helpers import Ontvanger, start_ontvanger


@pytest.fixture(scope="module")
def ontvanger() -> Iterator[Ontvanger]:
    o = start_ontvanger()
    try:
        yield o
    finally:
        o.close()
