from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
async def _infra(infra: None) -> None:
    """Every test here needs the real broker and database (the fixture is in tests/conftest.py)."""
