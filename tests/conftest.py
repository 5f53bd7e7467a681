"""Fixtures shared by the suite.

Unit tests (tests/unit) need nothing. Integration and end-to-end tests need the real broker and
database that ``make test`` starts with ``scripts/devstack.py test``; without them they FAIL with a
message saying so — they are never skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import jeugdhulp_common.contracts  # noqa: F401 - registers every event type


@pytest.fixture(scope="session")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("service-logs")
